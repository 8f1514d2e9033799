"""Output files are never written through a symbolic link, and a pack never outside its directory.

``evidence --out DIR`` refuses a DIR that is a link or holds links (exit 2, nothing written, the
link's target untouched); ``audit --out``, ``assess --out`` and ``suites import --out`` refuse a
link as the file to write. A link that appears after the directory was checked is replaced, not
followed (:class:`heredity.files.OutDir`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_cli import Runner, assert_refused, table_counts

from heredity.errors import BadInput
from heredity.files import OutDir, write_file

REF = "acme/support-1b@3"
SECRET = "the file a link points at\n"
REALDATA = Path(__file__).resolve().parents[2].parent / "shared" / "realdata"


@pytest.fixture
def recorded(fresh: str, cli: Runner, examples: Path) -> str:
    assert cli(fresh, "record", str(examples / "standard-kd.yaml")).rc == 0
    return fresh


@pytest.fixture
def target(tmp_path: Path) -> Path:
    """A file outside every output directory, which no writer may change."""
    victim = tmp_path / "elsewhere" / "victim.txt"
    victim.parent.mkdir()
    victim.write_text(SECRET, encoding="utf-8")
    return victim


def _untouched(target: Path) -> None:
    assert target.read_text(encoding="utf-8") == SECRET
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]


@pytest.mark.parametrize(
    "link", ["model.json", "index.html", "unrelated.txt", "dangling"], ids=lambda n: n
)
def test_evidence_refuses_a_directory_holding_a_link(
    recorded: str, cli: Runner, tmp_path: Path, target: Path, link: str
) -> None:
    out = tmp_path / "pack"
    out.mkdir()
    (out / link).symlink_to(tmp_path / "nowhere" if link == "dangling" else target)
    before = table_counts(recorded)
    assert_refused(cli(recorded, "evidence", REF, "--out", str(out)), "--out", str(out), link)
    _untouched(target)
    assert [p.name for p in out.iterdir()] == [link]
    assert table_counts(recorded) == before


def test_evidence_refuses_a_directory_that_is_a_link(
    recorded: str, cli: Runner, tmp_path: Path, target: Path
) -> None:
    out = tmp_path / "pack"
    out.symlink_to(target.parent, target_is_directory=True)
    assert_refused(
        cli(recorded, "evidence", REF, "--out", str(out)), "--out", str(out), "symbolic link"
    )
    _untouched(target)


def test_evidence_writes_its_pack_and_nothing_else(
    recorded: str, cli: Runner, tmp_path: Path
) -> None:
    out = tmp_path / "pack"
    outcome = cli(recorded, "evidence", REF, "--out", str(out))
    assert outcome.rc == 0, outcome.text
    names = sorted(p.name for p in out.iterdir())
    assert "index.html" in names and "ledger.json" in names
    assert not [n for n in names if n.endswith(".tmp")]
    assert all(not (out / n).is_symlink() for n in names)
    assert cli(recorded, "evidence", REF, "--out", str(out)).rc == 0  # replaced in place


def test_audit_out_refuses_a_link(recorded: str, cli: Runner, tmp_path: Path, target: Path) -> None:
    report = tmp_path / "audit.json"
    report.symlink_to(target)
    outcome = cli(recorded, "audit", "--format", "json", "--out", str(report))
    assert_refused(outcome, "--out", str(report), "symbolic link")
    _untouched(target)


def test_assess_out_refuses_a_link(
    db_url: str, cli: Runner, tmp_path: Path, target: Path, examples: Path
) -> None:
    card = tmp_path / "scorecard.html"
    card.symlink_to(target)
    outcome = cli(
        db_url,
        "assess",
        "--teacher-results",
        str(examples / "results" / "teacher.jsonl"),
        "--student-results",
        str(examples / "results" / "student.jsonl"),
        "--format",
        "html",
        "--out",
        str(card),
        "--no-store",
    )
    assert_refused(outcome, "--out", str(card), "symbolic link")
    _untouched(target)


def test_suites_import_out_refuses_a_link(cli: Runner, tmp_path: Path, target: Path) -> None:
    suite = tmp_path / "xstest.jsonl"
    suite.symlink_to(target)
    outcome = cli(
        f"sqlite:///{tmp_path / 'unused.db'}",
        "suites",
        "import",
        "xstest",
        str(REALDATA / "xstest" / "xstest_prompts.csv"),
        "--out",
        str(suite),
    )
    assert_refused(outcome, "--out", str(suite), "symbolic link")
    _untouched(target)


def test_a_link_made_after_the_check_is_replaced_not_followed(tmp_path: Path, target: Path) -> None:
    with OutDir(tmp_path / "pack") as out:
        (out.path / "late.json").symlink_to(target)
        out.write("late.json", "{}\n")
    _untouched(target)
    late = tmp_path / "pack" / "late.json"
    assert not late.is_symlink() and late.read_text(encoding="utf-8") == "{}\n"


@pytest.mark.parametrize("name", ["../escape.txt", "sub/x.txt", "..", ""], ids=repr)
def test_a_pack_file_name_never_leaves_the_directory(tmp_path: Path, name: str) -> None:
    with OutDir(tmp_path / "pack") as out, pytest.raises(BadInput, match="plain name"):
        out.write(name, "x")
    assert not (tmp_path / "escape.txt").exists()


def test_write_file_refuses_a_directory(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="is a directory"):
        write_file(tmp_path, "x")
