"""A model path is a directory that holds model files: nothing else is read, hashed or stored.

``student.path`` in a document and ``model add --path`` are refused (exit 2, naming the field or
the path, nothing written) for devices, FIFOs, ordinary files such as ``/etc/passwd``, ``/proc``
entries, directories without model files (``../../../../etc``), and model directories whose
files are symbolic links (inside or out of the directory), FIFOs or too many bytes. A real model
directory is registered with its digest.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hostile_cli import Runner, assert_refused, table_counts

from heredity.errors import BadInput
from heredity.registry import _digest, weights_digest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _safetensors(path: Path) -> None:
    header = json.dumps({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}).encode()
    path.write_bytes(struct.pack("<Q", len(header)) + header + b"\0" * 8)


def _model_dir(root: Path) -> Path:
    d = root / "model"
    d.mkdir()
    (d / "config.json").write_text('{"model_type": "llama"}')
    _safetensors(d / "model.safetensors")
    return d


def _fifo(tmp: Path) -> Path:
    p = tmp / "fifo"
    os.mkfifo(p)
    return p


def _empty_dir(tmp: Path) -> Path:
    d = tmp / "empty"
    d.mkdir()
    (d / "notes.txt").write_text("no model here")
    return d


def _link_out(tmp: Path) -> Path:
    d = _model_dir(tmp)
    (d / "tokenizer.json").symlink_to("/etc/passwd")
    return d


def _config_link(tmp: Path) -> Path:
    d = tmp / "model"
    d.mkdir()
    (d / "config.json").symlink_to("/etc/passwd")
    _safetensors(d / "model.safetensors")
    return d


def _link_inside(tmp: Path) -> Path:
    d = _model_dir(tmp)
    (d / "weights.safetensors").symlink_to(d / "model.safetensors")
    return d


def _dir_link_out(tmp: Path) -> Path:
    d = _model_dir(tmp)
    (d / "extra").symlink_to("/etc")
    return d


def _fifo_inside(tmp: Path) -> Path:
    d = tmp / "model"
    d.mkdir()
    (d / "config.json").write_text("{}")
    os.mkfifo(d / "model.safetensors")
    return d


Where = Callable[[Path], Path]
# (id, where the path points, what the message names)
BAD_PATHS: list[tuple[str, Where, str]] = [
    ("dev-zero", lambda _: Path("/dev/zero"), "not a directory"),
    ("etc-passwd", lambda _: Path("/etc/passwd"), "not a directory"),
    ("proc-self-environ", lambda _: Path("/proc/self/environ"), "not a directory"),
    ("proc-self", lambda _: Path("/proc/self"), "holds no model files"),
    ("etc-relative", lambda _: Path("../../../../../../../../etc"), "holds no model files"),
    ("fifo", _fifo, "not a directory"),
    ("missing", lambda tmp: tmp / "nowhere", "no such directory"),
    ("no-model-files", _empty_dir, "holds no model files"),
    ("symlink-out", _link_out, "symbolic link"),
    ("config-symlink-out", _config_link, "symbolic link"),
    ("symlink-inside", _link_inside, "symbolic link"),
    ("dir-symlink-out", _dir_link_out, "symbolic link"),
    ("fifo-as-weights", _fifo_inside, "not a regular file"),
]


@pytest.mark.parametrize(
    ("where", "problem"), [c[1:] for c in BAD_PATHS], ids=[c[0] for c in BAD_PATHS]
)
def test_a_student_path_that_is_not_a_model_directory_is_refused(
    fresh: str, cli: Runner, tmp_path: Path, where: Where, problem: str
) -> None:
    data = yaml.safe_load((EXAMPLES / "standard-kd.yaml").read_text())
    data["student"]["path"] = str(where(tmp_path))
    plan = tmp_path / "plan.yaml"
    plan.write_text(yaml.safe_dump(data), encoding="utf-8")
    before = table_counts(fresh)
    assert_refused(cli(fresh, "record", str(plan)), "student.path", problem)
    assert table_counts(fresh) == before


@pytest.mark.parametrize(
    ("where", "problem"), [c[1:] for c in BAD_PATHS], ids=[c[0] for c in BAD_PATHS]
)
def test_model_add_path_that_is_not_a_model_directory_is_refused(
    fresh: str, cli: Runner, tmp_path: Path, where: Where, problem: str
) -> None:
    before = table_counts(fresh)
    assert_refused(cli(fresh, "model", "add", "acme/m@1", "--path", str(where(tmp_path))), problem)
    assert table_counts(fresh) == before


def test_a_model_directory_is_registered_and_recorded(
    fresh: str, cli: Runner, tmp_path: Path
) -> None:
    d = _model_dir(tmp_path)
    ok = cli(fresh, "model", "add", "acme/m@1", "--path", str(d))
    assert ok.rc == 0, ok.text
    assert weights_digest(d) in ok.text
    data = yaml.safe_load((EXAMPLES / "standard-kd.yaml").read_text())
    data["student"]["path"] = str(d)
    plan = tmp_path / "plan.yaml"
    plan.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert cli(fresh, "record", str(plan)).rc == 0


def test_training_by_products_are_not_read(tmp_path: Path) -> None:
    # Links and FIFOs under what is not a model file (checkpoints, dot directories) are skipped.
    d = _model_dir(tmp_path)
    (d / "checkpoint-10").mkdir()
    os.mkfifo(d / "checkpoint-10" / "pipe")
    (d / ".cache").symlink_to("/etc")
    assert _digest.model_files(d) == ["config.json", "model.safetensors"]


def test_the_bytes_hashed_are_bounded(
    fresh: str, cli: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = _model_dir(tmp_path)
    monkeypatch.setattr(_digest, "MAX_MODEL_BYTES", 16)
    with pytest.raises(BadInput, match="byte limit"):
        weights_digest(d)
    before = table_counts(fresh)
    assert_refused(cli(fresh, "model", "add", "acme/m@1", "--path", str(d)), "byte limit")
    assert table_counts(fresh) == before


def test_files_given_for_a_digest_stay_inside_the_directory(tmp_path: Path) -> None:
    d = _model_dir(tmp_path)
    for files in (["../../etc/passwd"], ["/etc/passwd"], ["missing.bin"]):
        with pytest.raises(BadInput):
            weights_digest(d, files)
    assert weights_digest(d, ["config.json", "model.safetensors"]) == weights_digest(d)
