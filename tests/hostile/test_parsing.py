"""Hostile files through every command that reads one: exit 2, the file named, nothing written.

Documents (``validate``, ``record``, ``rights check``), framework configs (``capture import``),
results and logs (``evaluate --import``, ``assess --teacher-results/--student-results``), policies
and score maps, and benchmark files (``suites import``): non-UTF-8 bytes, deep nesting, YAML alias
bombs, duplicate keys, JSON ``NaN``/``Infinity``, oversized files, malformed YAML/JSON families and
wrongly typed framework values. The limits are those of :data:`heredity.records.INPUT_LIMITS`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile_cli import Runner, assert_refused, table_counts

from heredity.records import DOCUMENT_LIMITS, RESULTS_LIMITS

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DOC = (EXAMPLES / "standard-kd.yaml").read_text(encoding="utf-8")
TEACHER = "meta-llama/Llama-3.1-70B-Instruct@1"
STUDENT = "acme/support-1b@3"
MiB = 1024 * 1024


def _bomb(levels: int = 9, width: int = 9) -> str:
    """A "billion laughs": ``width ** levels`` values from a few hundred bytes of anchors."""
    names = "abcdefghijklmnop"[:levels]
    lines = [f"{names[0]}: &{names[0]} [" + ", ".join(["lol"] * width) + "]"]
    for prev, name in zip(names, names[1:], strict=False):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * width) + "]")
    return "\n".join(lines) + "\n"


def _indent(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line + "\n" for line in text.splitlines())


def _doc_json(**changes: object) -> dict[str, object]:
    import yaml

    data = yaml.safe_load(DOC)
    data["date"] = str(data["date"])
    data.update(changes)
    return data


BOMB_RAW = DOC.replace("  batch_size: 32\n", "  batch_size: 32\n  raw:\n" + _indent(_bomb(), 4))
BOMB_HARDWARE = DOC + "run:\n  hardware:\n" + _indent(_bomb(), 4)
TEACHER_JSON = json.dumps(_doc_json()).replace('"weight": 1.0', '"weight": NaN')

# Each document case: (id, bytes of the file, text the refusal must show besides the file name).
DOCUMENTS: list[tuple[str, bytes, str]] = [
    ("latin-1", DOC.replace("Dana Smith", "Dana Sm\u00efth").encode("latin-1"), "0xef at offset"),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "not UTF-8 text (byte 0x89 at"),
    ("deep-flow-100k", b"[" * 100_000, "100-level limit"),
    ("deep-objects-50k", b'{"a":' * 50_000, "100-level limit"),
    (
        "deep-raw-5000-in-11kb",
        DOC.replace(
            "  batch_size: 32\n", "  batch_size: 32\n  raw: " + "[" * 5000 + "]" * 5000 + "\n"
        ).encode(),
        "100-level limit",
    ),
    ("deep-block-5000", ("- " * 5000 + "x\n").encode(), "100-level limit"),
    ("bomb-config-raw", BOMB_RAW.encode(), "aliases"),
    ("bomb-run-hardware", BOMB_HARDWARE.encode(), "aliases"),
    ("recursive-alias", (DOC + "extra: &a [*a]\n").encode(), "recursive alias"),
    ("duplicate-key", (DOC + "method: self_distillation\n").encode(), "duplicate key 'method'"),
    (
        "duplicate-nested-key",
        DOC.replace("  seed: 42\n", "  seed: 42\n  seed: 43\n").encode(),
        "duplicate key 'seed'",
    ),
    ("json-nan", TEACHER_JSON.encode(), "NaN is not a number JSON allows"),
    (
        "json-infinity",
        json.dumps(_doc_json()).replace('"examples": 120000', '"examples": Infinity').encode(),
        "Infinity is not a number JSON allows",
    ),
    (
        "json-duplicate-key",
        json.dumps(_doc_json())
        .replace('{"heredity": 1,', '{"heredity": 1, "heredity": 1,')
        .encode(),
        "duplicate key 'heredity'",
    ),
    ("yaml-inf", DOC.replace("weight: 1.0", "weight: .inf").encode(), "teachers[0].weight"),
    ("nul-in-raw", DOC.replace("seed: 42", 'seed: 42\n  raw: {x: "a\\0b"}').encode(), "NUL"),
    ("truncated", DOC[: DOC.index("framework") + 30].encode(), "malformed YAML"),
    ("tabs", DOC.replace("  name: acme/support-1b", "\tname: acme/support-1b").encode(), "line 5"),
    ("unclosed", b"student: [unclosed\n", "malformed YAML"),
    ("scalar-top", b"just some text\n", "expected a mapping at the top level"),
    ("list-top", b"- a\n- b\n", "expected a mapping at the top level, got list"),
    ("empty", b"", "empty"),
    ("two-documents", (DOC + "---\n" + DOC).encode(), "single document"),
    ("python-tag", b"student: !!python/object/apply:os.system ['true']\n", "constructor"),
    ("bad-date", DOC.replace("date: 2026-11-01", "date: 2026-13-45").encode(), "month"),
]


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("command", ["validate", "record", "rights check"])
@pytest.mark.parametrize(
    ("data", "needle"), [c[1:] for c in DOCUMENTS], ids=[c[0] for c in DOCUMENTS]
)
def test_hostile_document_is_refused(
    fresh: str, cli: Runner, tmp_path: Path, command: str, data: bytes, needle: str
) -> None:
    doc = _write(tmp_path, "hostile-doc.yaml", data)
    before = table_counts(fresh)
    out = cli(fresh, *command.split(), str(doc))
    assert_refused(out, "hostile-doc.yaml", needle)
    assert table_counts(fresh) == before


@pytest.mark.parametrize("command", ["validate", "record", "rights check"])
def test_oversized_document_is_refused_unread(
    fresh: str, cli: Runner, tmp_path: Path, command: str
) -> None:
    doc = tmp_path / "huge.yaml"
    with doc.open("wb") as fh:  # sparse: no 6 MB written, and never read
        fh.truncate(DOCUMENT_LIMITS.max_bytes + 1)
    before = table_counts(fresh)
    out = cli(fresh, *command.split(), str(doc))
    assert_refused(out, "huge.yaml", f"{DOCUMENT_LIMITS.max_bytes} byte limit")
    assert table_counts(fresh) == before


def test_json_document_with_a_nan_weight_names_its_line(
    fresh: str, cli: Runner, tmp_path: Path
) -> None:
    doc = _write(tmp_path, "plan.json", json.dumps(_doc_json(), indent=2).encode())
    text = doc.read_text().replace('"weight": 1.0', '"weight": NaN')
    doc.write_text(text)
    line = text[: text.index("NaN")].count("\n") + 1
    before = table_counts(fresh)
    assert_refused(cli(fresh, "validate", str(doc)), f"plan.json line {line}", "NaN")
    assert table_counts(fresh) == before


# -- capture import -------------------------------------------------------------------------------

TRL = (EXAMPLES / "configs" / "trl-gkd.yaml").read_text()
TORCHDISTILL = (EXAMPLES / "configs" / "torchdistill-kd.yaml").read_text()
DISTILLKIT = (EXAMPLES / "configs" / "distillkit-hidden.yaml").read_text()
MODELOPT = (EXAMPLES / "configs" / "modelopt-kd.yaml").read_text()
SMALL_BOMB = _bomb(levels=6, width=8)  # 452 bytes, 8**6 = 262,144 values

# (id, framework + options, file bytes, text the refusal names besides the file)
CONFIGS: list[tuple[str, list[str], bytes, str]] = [
    ("bomb-452-bytes", ["trl", "--trainer", "gkd"], (TRL + SMALL_BOMB).encode(), "aliases"),
    (
        "latin-1",
        ["trl", "--trainer", "gkd"],
        (TRL + "note: caf\u00e9\n").encode("latin-1"),
        "not UTF-8 text (byte 0xe9",
    ),
    ("deep", ["trl", "--trainer", "gkd"], (TRL + "x: " + "[" * 100_000).encode(), "100-level"),
    ("duplicate-key", ["trl", "--trainer", "gkd"], (TRL + "seed: 8\n").encode(), "duplicate key"),
    (
        "epochs-abc",
        ["trl", "--trainer", "gkd"],
        TRL.replace("num_train_epochs: 3", "num_train_epochs: abc").encode(),
        "num_train_epochs",
    ),
    (
        "seed-list",
        ["trl", "--trainer", "gkd"],
        TRL.replace("seed: 7", "seed: [1, 2]").encode(),
        "seed",
    ),
    (
        "lmbda-mapping",
        ["trl", "--trainer", "gkd"],
        TRL.replace("lmbda: 0.25", "lmbda: {a: 1}").encode(),
        "lmbda",
    ),
    ("distillation-5", ["distillkit"], (DISTILLKIT + "distillation: 5\n").encode(), "distillation"),
    (
        "loss-functions-mapping",
        ["distillkit"],
        DISTILLKIT.replace(
            "loss_functions:\n  - {function: cross_entropy, weight: 1.0}\n"
            "  - {function: kl, weight: 0.5, temperature: 2.0}\n  - {function: hs_mse, weight: 0.5}\n",
            "loss_functions: {function: kl}\n",
        ).encode(),
        "loss_functions",
    ),
    (
        "training-args-list",
        ["distillkit"],
        DISTILLKIT.replace(
            "training_args: {num_train_epochs: 2, seed: 11, learning_rate: 1.0e-5, "
            "per_device_train_batch_size: 2}",
            "training_args: [1, 2]",
        ).encode(),
        "training_args",
    ),
    ("train-list", ["torchdistill"], b"train: [1, 2]\n", "train"),
    (
        "num-epochs-abc",
        ["torchdistill"],
        TORCHDISTILL.replace("num_epochs: 20", "num_epochs: abc").encode(),
        "num_epochs",
    ),
    (
        "criterion-list",
        ["torchdistill"],
        TORCHDISTILL.replace("key: 'WeightedSumLoss'", "key: [1]").encode(),
        "criterion",
    ),
    (
        "kd-loss-scale-text",
        ["modelopt"],
        MODELOPT.replace("kd_loss_scale: 2.0", "kd_loss_scale: big").encode(),
        "kd_loss_scale",
    ),
    (
        "pairs-mapping",
        ["modelopt"],
        MODELOPT.replace(
            "intermediate_layer_pairs:", "intermediate_layer_pairs: {a: 1}\nunused:"
        ).encode(),
        "intermediate_layer_pairs",
    ),
    ("list-top", ["trl", "--trainer", "gkd"], b"- a\n- b\n", "expected a mapping"),
    ("empty", ["modelopt"], b"", "empty"),
    ("tabs", ["trl", "--trainer", "gkd"], b"seed: 1\n\tlmbda: 2\n", "malformed YAML"),
]


@pytest.mark.parametrize(
    ("framework", "data", "needle"), [c[1:] for c in CONFIGS], ids=[c[0] for c in CONFIGS]
)
def test_hostile_framework_config_is_refused(
    fresh: str, cli: Runner, tmp_path: Path, framework: list[str], data: bytes, needle: str
) -> None:
    cfg = _write(tmp_path, "hostile-config.yaml", data)
    before = table_counts(fresh)
    out = cli(fresh, "capture", "import", str(cfg), "--framework", *framework)
    assert_refused(out, "hostile-config.yaml", needle)
    assert table_counts(fresh) == before


# -- results and logs ------------------------------------------------------------------------------

GOOD_RESULTS = (EXAMPLES / "results" / "student.jsonl").read_text()
FIRST = GOOD_RESULTS.splitlines()[0]


def _huge_line(path: Path) -> None:
    with path.open("wb") as fh:  # 50 MB on one line: refused after the line limit, not read whole
        chunk = b"x" * MiB
        for _ in range(50):
            fh.write(chunk)


def _sparse(path: Path) -> None:
    with path.open("wb") as fh:
        fh.truncate(RESULTS_LIMITS.max_bytes + 1)


# (id, bytes of the file or a writer, text the refusal names besides the file)
RESULTS: list[tuple[str, bytes | Callable[[Path], None], str]] = [
    ("latin-1", (FIRST.replace("weapons", "armes-\u00e0-feu") + "\n").encode("latin-1"), "0xe0"),
    ("binary", b"\x00\x01\x02\xff\xfe\xfd" * 10, "not UTF-8 text (byte 0xff at offset 3)"),
    ("deep-flow-100k", b"[" * 100_000 + b"\n", "100-level limit"),
    ("deep-objects-50k", b'{"a":' * 50_000 + b"\n", "100-level limit"),
    ("deep-pretty", b"[\n" + b"[" * 5000 + b"]" * 5000 + b"\n]\n", "100-level limit"),
    (
        "nan-outcome",
        (
            GOOD_RESULTS
            + FIRST.replace('"outcome": 1', '"outcome": NaN').replace("safety-000", "dup-nan")
            + "\n"
        ).encode(),
        "NaN",
    ),
    (
        "duplicate-key",
        (b'{"id": "a", "id": "b", "dimension": "safety_refusal", "outcome": 1}\n'),
        "duplicate key 'id'",
    ),
    ("truncated", (GOOD_RESULTS + FIRST[:20]).encode(), "not valid JSON"),
    ("unclosed-pretty", b'{\n  "eval": {\n', "not valid JSON"),
    ("scalar-line", b"42\n", "line 1"),
    ("empty", b"", "empty results file"),
    ("blank-lines", b"\n\n  \n", "empty results file"),
    ("fifty-mb-one-line", _huge_line, "byte limit for one line"),
    ("over-256-mb", _sparse, f"{RESULTS_LIMITS.max_bytes} byte limit"),
    (
        "big-integer",
        ('{"id": "a", "dimension": "safety_refusal", "outcome": ' + "9" * 5000 + "}\n").encode(),
        "4300 digits",
    ),
]


def _results_file(tmp_path: Path, data: bytes | Callable[[Path], None]) -> Path:
    path = tmp_path / "hostile-results.jsonl"
    if callable(data):
        data(path)
    else:
        path.write_bytes(data)
    return path


@pytest.fixture
def recorded(fresh: str, cli: Runner) -> str:
    """A registry holding the standard example: its teacher and student are registered."""
    assert cli(fresh, "record", str(EXAMPLES / "standard-kd.yaml")).rc == 0
    return fresh


@pytest.mark.parametrize("command", ["evaluate --import", "assess --student-results"])
@pytest.mark.parametrize(("data", "needle"), [c[1:] for c in RESULTS], ids=[c[0] for c in RESULTS])
def test_hostile_results_file_is_refused(
    recorded: str,
    cli: Runner,
    tmp_path: Path,
    command: str,
    data: bytes | Callable[[Path], None],
    needle: str,
) -> None:
    bad = _results_file(tmp_path, data)
    if command == "evaluate --import":
        args = ["evaluate", "--import", str(bad), "--model", STUDENT]
    else:
        good = EXAMPLES / "results" / "teacher.jsonl"
        args = [
            "assess",
            "--teacher",
            TEACHER,
            "--student",
            STUDENT,
            "--teacher-results",
            str(good),
            "--student-results",
            str(bad),
        ]
    before = table_counts(recorded)
    assert_refused(cli(recorded, *args), "hostile-results.jsonl", needle)
    assert table_counts(recorded) == before


def test_teacher_results_are_read_as_strictly(recorded: str, cli: Runner, tmp_path: Path) -> None:
    bad = _results_file(tmp_path, b"[" * 100_000)
    good = EXAMPLES / "results" / "student.jsonl"
    before = table_counts(recorded)
    out = cli(
        recorded,
        "assess",
        "--teacher",
        TEACHER,
        "--student",
        STUDENT,
        "--teacher-results",
        str(bad),
        "--student-results",
        str(good),
    )
    assert_refused(out, "hostile-results.jsonl", "100-level limit")
    assert table_counts(recorded) == before


def test_results_whose_ids_do_not_match_are_refused(
    recorded: str, cli: Runner, tmp_path: Path
) -> None:
    other = tmp_path / "mismatched.jsonl"
    other.write_text(GOOD_RESULTS.replace('"id": "', '"id": "other-'), encoding="utf-8")
    good = EXAMPLES / "results" / "teacher.jsonl"
    before = table_counts(recorded)
    out = cli(
        recorded,
        "assess",
        "--teacher",
        TEACHER,
        "--student",
        STUDENT,
        "--teacher-results",
        str(good),
        "--student-results",
        str(other),
    )
    assert_refused(out, "mismatched.jsonl", "teacher.jsonl", "share no item id")
    assert table_counts(recorded) == before


# -- policies, score maps, suites, benchmark files -------------------------------------------------


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (_bomb().encode(), "aliases"),
        (b"[" * 100_000, "100-level limit"),
        (b"name: a\nname: b\n", "duplicate key 'name'"),
        (b"\xff\xfe", "not UTF-8 text"),
    ],
    ids=["bomb", "deep", "duplicate-key", "not-utf8"],
)
def test_hostile_policy_file_is_refused(
    recorded: str, cli: Runner, tmp_path: Path, data: bytes, needle: str
) -> None:
    policy = _write(tmp_path, "hostile-policy.yaml", data)
    results = EXAMPLES / "results"
    before = table_counts(recorded)
    out = cli(
        recorded,
        "assess",
        "--teacher",
        TEACHER,
        "--student",
        STUDENT,
        "--policy",
        str(policy),
        "--teacher-results",
        str(results / "teacher.jsonl"),
        "--student-results",
        str(results / "student.jsonl"),
    )
    assert_refused(out, "hostile-policy.yaml", needle)
    assert table_counts(recorded) == before


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"values: {C: comply}\n" + _bomb().encode(), "aliases"),
        (b"values: " + b"[" * 100_000, "100-level limit"),
        (b"values: {C: comply}\nvalues: {C: refuse}\n", "duplicate key 'values'"),
        (b"values: {C: compl\xe9}\n", "not UTF-8 text"),
    ],
    ids=["bomb", "deep", "duplicate-key", "latin-1"],
)
def test_hostile_score_map_is_refused(
    recorded: str, cli: Runner, tmp_path: Path, data: bytes, needle: str
) -> None:
    score_map = _write(tmp_path, "hostile-map.yaml", data)
    log = EXAMPLES / "results" / "refusal-student.eval"
    before = table_counts(recorded)
    out = cli(
        recorded,
        "evaluate",
        "--import",
        str(log),
        "--model",
        STUDENT,
        "--score-map",
        str(score_map),
    )
    assert_refused(out, "hostile-map.yaml", needle)
    assert table_counts(recorded) == before


BENCHMARKS: list[tuple[str, str, bytes, str]] = [
    ("truthfulqa-deep", "mc_task.json", b"[" * 100_000, "100-level limit"),
    (
        "truthfulqa-latin-1",
        "mc_task.json",
        '[{"question": "caf\u00e9?"}]'.encode("latin-1"),
        "0xe9",
    ),
    ("truthfulqa-nan", "mc_task.json", b'[{"question": "q", "mc1_targets": {"a": NaN}}]', "NaN"),
    (
        "truthfulqa-dup",
        "mc_task.json",
        b'[{"question": "q",\n "question": "r", "mc1_targets": {"a": 1, "b": 0}}]',
        "item 1: duplicate key 'question'",
    ),
    ("bbq-deep", "Age.jsonl", b'{"a":' * 50_000, "100-level limit"),
    ("bbq-dup", "Age.jsonl", b'{"example_id": 1, "example_id": 2}\n', "duplicate key 'example_id'"),
    ("bbq-binary", "Age.jsonl", b"\x00\xff" * 8, "not UTF-8 text (byte 0xff at offset 1)"),
]


@pytest.mark.parametrize(
    ("name", "data", "needle"), [c[1:] for c in BENCHMARKS], ids=[c[0] for c in BENCHMARKS]
)
def test_hostile_benchmark_file_is_refused(
    fresh: str, cli: Runner, tmp_path: Path, name: str, data: bytes, needle: str
) -> None:
    src = _write(tmp_path, name, data)
    out_file = tmp_path / "suite.jsonl"
    kind = "truthfulqa" if name.endswith(".json") else "bbq"
    before = table_counts(fresh)
    out = cli(fresh, "suites", "import", kind, str(src), "--out", str(out_file))
    assert_refused(out, name, needle)
    assert not out_file.exists()
    assert table_counts(fresh) == before


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b'{"a":' * 50_000 + b"\n", "100-level"),
        (b'{"id": "a", "id": "b"}\n', "duplicate key 'id'"),
        (b"\xc3\x28\n", "not UTF-8 text (byte 0xc3 at offset 0)"),
    ],
    ids=["deep", "duplicate-key", "not-utf8"],
)
def test_hostile_suite_file_is_refused(
    recorded: str, cli: Runner, tmp_path: Path, data: bytes, needle: str
) -> None:
    suite = _write(tmp_path, "hostile-suite.jsonl", data)
    results = EXAMPLES / "results"
    before = table_counts(recorded)
    out = cli(
        recorded,
        "assess",
        "--teacher",
        TEACHER,
        "--student",
        STUDENT,
        "--suite",
        str(suite),
        "--teacher-results",
        str(results / "teacher.jsonl"),
        "--student-results",
        str(results / "student.jsonl"),
    )
    assert_refused(out, "hostile-suite.jsonl", needle)
    assert table_counts(recorded) == before
