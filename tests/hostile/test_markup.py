"""Rich markup in what users type or the registry stores is printed as it is, never read.

Before the fix, ``actor add "[/]"`` committed the actor and then crashed printing it, and
``actor list`` crashed every time after; ``[bold red]x[/]`` printed a bare red ``x``. Each case
writes a hostile string through the CLI (it is stored, or refused cleanly with nothing written),
then runs every read command that shows it: each exits 0 and prints the string verbatim.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from hostile_cli import Outcome, Runner, assert_refused, table_counts

from heredity.govern import record_provenance, request_approval
from heredity.identity import ADMIN, ROLES, add_actor, bootstrap_admin, os_user
from heredity.records import load_document
from heredity.registry import Registry
from heredity.rights import record_assessment
from heredity.transfer import assess_files

MARKUP = {
    "close-nothing": "[/]",
    "style": "[bold red]x[/]",
    "link": "[link=file:///etc/passwd]y[/link]",
}
TEACHER = "meta-llama/Llama-3.1-70B-Instruct@1"
STUDENT = "acme/support-1b@3"


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    # Rich wraps at the terminal width (80 when not a terminal): a long cell would be folded.
    monkeypatch.setenv("COLUMNS", "2000")


@pytest.fixture
def staffed(fresh: str) -> str:
    """A registry whose first admin (``boss``) gave the OS user running the CLI every role but
    admin (an admin does not also decide)."""
    with Registry.open(fresh, actor="boss") as reg:
        bootstrap_admin(reg)
        add_actor(reg, os_user(), [r for r in ROLES if r != ADMIN])
    return fresh


@dataclass
class World:
    """What a case gets: the CLI on the registry, a scratch directory, the examples."""

    cli: Runner
    db: str
    tmp: Path
    examples: Path
    ids: dict[str, str] = field(default_factory=dict)

    def run(self, *args: str) -> Outcome:
        return self.cli(self.db, *args)

    def ok(self, *args: str) -> Outcome:
        out = self.run(*args)
        assert out.rc == 0, out.text
        return out

    def record(self, value: str | None = None, *, by: str | None = None) -> None:
        """Record the walkthrough's distillation; ``value`` in every free-text field it has.

        Through the CLI, or through the library as ``by`` (a distiller other than the deciders).
        """
        doc = yaml.safe_load((self.examples / "standard-kd.yaml").read_text(encoding="utf-8"))
        if value is not None:
            doc["responsible"]["name"] = value
            doc["responsible"]["team"] = value
            doc["intended_use"]["purpose"] = value
            doc["datasets"][0]["licence"] = value
            doc["datasets"][0]["source"] = value
            doc["expectations"]["capability"] = value
        path = self.tmp / "plan.yaml"
        path.write_text(yaml.safe_dump(doc), encoding="utf-8")
        if by is None:
            self.ok("record", str(path))
            return
        with Registry.open(self.db, actor=by) as reg:
            record_provenance(reg, load_document(path))

    def incident(self) -> str:
        rows = json.loads(self.ok("incident", "list", "--format", "json").out)
        return str(rows[0]["id"])

    def approval(self) -> str:
        """A pending approval request for the student, opened by someone else."""
        with Registry.open(self.db, actor="rita") as reg:
            return request_approval(reg, STUDENT).id

    def breach(self) -> str:
        """A transfer assessment of the student with a breach, stored by someone else."""
        results = self.examples / "results"
        with Registry.open(self.db, actor="eve") as reg:
            assessment, stored = assess_files(
                results / "teacher.jsonl",
                results / "student.jsonl",
                teacher_ref=TEACHER,
                student_ref=STUDENT,
                registry=reg,
            )
        assert assessment.verdict == "fail" and stored is not None
        return stored.id


Write = Callable[[World, str], list[str]]
"""A case: writes ``value`` through the CLI (after any setup), returns the write's arguments."""


def _actor(w: World, v: str) -> list[str]:
    with Registry.open(w.db, actor="boss") as reg:
        add_actor(reg, os_user(), [ADMIN])
    return ["actor", "add", v, "--role", "engineer"]


def _token(w: World, v: str) -> list[str]:
    with Registry.open(w.db, actor="boss") as reg:
        add_actor(reg, os_user(), [ADMIN])
        add_actor(reg, v, ["engineer"])
    return ["token", "issue", v, "--out", str(w.tmp / "token")]


def _model(w: World, v: str) -> list[str]:
    return ["model", "add", "acme/m@1", "--licence", v, "--provider", v, "--owner", v]


def _dataset(w: World, v: str) -> list[str]:
    return ["dataset", "add", "acme/d@1", "--licence", v, "--source", v, "--owner", v]


def _incident(w: World, v: str) -> list[str]:
    w.ok("model", "add", "acme/m@1")
    return ["incident", "open", "acme/m@1", "--kind", "safety", "--summary", v]


def _incident_close(w: World, v: str) -> list[str]:
    w.ok("model", "add", "acme/m@1")
    w.ok("incident", "open", "acme/m@1", "--kind", "safety", "--summary", "found")
    return ["incident", "close", w.incident(), "--resolution", v]


def _record(w: World, v: str) -> list[str]:
    w.record(v)
    return ["show", STUDENT]  # recorded in setup: the write's own output is checked there


def _decide(w: World, v: str) -> list[str]:
    w.record(by="dan")
    w.ids["request"] = w.approval()
    return ["approval", "decide", w.ids["request"], "--reject", "--reason", v, "--role", "safety"]


def _waive(w: World, v: str) -> list[str]:
    w.record(by="dan")
    w.ids["assessment"] = w.breach()
    return ["approval", "waive", w.ids["assessment"], "--justification", v]


def _review(w: World, v: str) -> list[str]:
    doc = yaml.safe_load((w.examples / "standard-kd.yaml").read_text(encoding="utf-8"))
    doc["teachers"][0]["licence"] = "cc-by-nc-4.0"  # non-commercial terms: needs review
    path = w.tmp / "review.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with Registry.open(w.db, actor="rita") as reg:  # the requester does not review
        w.ids["rights"] = record_assessment(load_document(path), reg)[0].id
    return ["rights", "review", w.ids["rights"], "--decision", "reject", "--basis", v]


# Each case: what writes the value, and the read commands (formatted with the ids the setup
# made) that show it. Reads marked with a leading "~" must exit 0 but need not show the value.
CASES: dict[str, tuple[Write, list[str]]] = {
    "actor-name": (_actor, ["actor list", "~ledger log"]),
    "token-actor": (_token, ["token list", "actor list"]),
    "model-licence-provider-owner": (_model, ["model show acme/m@1", "model list"]),
    "dataset-licence-source-owner": (_dataset, ["dataset show acme/d@1", "dataset list"]),
    "incident-summary": (_incident, ["incident show {incident}", "~incident list"]),
    "incident-resolution": (_incident_close, ["incident show {incident}"]),
    "record-free-text": (
        _record,
        [
            f"show {STUDENT}",
            "dataset list",
            f"~model show {STUDENT}",
            f"~lineage {STUDENT}",
            "~ledger log",
            "~audit",
        ],
    ),
    "approval-reason": (_decide, ["approval show {request}", f"approval show {STUDENT}"]),
    "waiver-justification": (_waive, ["~approval show " + STUDENT, "~audit"]),
    "rights-review-basis": (_review, ["rights show {rights}"]),
}


def _read(w: World, command: str, value: str) -> None:
    must_show = not command.startswith("~")
    args = command.lstrip("~").format(**w.ids, incident="{incident}").split()
    if "{incident}" in args:
        args[args.index("{incident}")] = w.incident()
    out = w.run(*args)
    assert out.rc in (0, 1), f"{command}: {out.text}"  # audit may fail a test: still printed
    assert "Traceback" not in out.text and "MarkupError" not in out.text, out.text
    if must_show:
        assert value in out.text, f"{command} does not show {value!r} verbatim:\n{out.text}"


@pytest.mark.parametrize("value", MARKUP.values(), ids=MARKUP.keys())
@pytest.mark.parametrize("case", CASES.keys())
def test_markup_is_stored_or_refused_and_then_shown_verbatim(
    staffed: str, cli: Runner, tmp_path: Path, examples: Path, case: str, value: str
) -> None:
    write, reads = CASES[case]
    w = World(cli, staffed, tmp_path, examples)
    args = write(w, value)
    before = table_counts(staffed)
    out = w.run(*args)
    assert "Traceback" not in out.text and "MarkupError" not in out.text, out.text
    if out.rc == 2:  # refused as bad input: said why, wrote nothing
        assert_refused(out)
        assert table_counts(staffed) == before
        return
    assert out.rc == 0, out.text
    for command in reads:
        _read(w, command, value)


@pytest.mark.parametrize("value", MARKUP.values(), ids=MARKUP.keys())
def test_a_refused_name_is_quoted_verbatim_in_the_error(
    fresh: str, cli: Runner, value: str
) -> None:
    before = table_counts(fresh)
    for args in (
        ["model", "add", f"{value}@1"],
        ["dataset", "add", f"acme/{value}@1"],
        ["show", value],
        ["model", "show", f"{value}@1"],
        ["lineage", f"{value}@1"],
    ):
        out = cli(fresh, *args)
        assert_refused(out, value)
    assert table_counts(fresh) == before


@pytest.mark.parametrize("value", MARKUP.values(), ids=MARKUP.keys())
def test_a_first_admin_named_in_markup_is_shown_verbatim(
    fresh: str, cli: Runner, value: str
) -> None:
    out = cli(fresh, "admin", "init", value)
    assert out.rc == 0, out.text
    assert value in out.out
    listed = cli(fresh, "actor", "list")
    assert listed.rc == 0 and value in listed.out, listed.text


FILE_NAMES = {
    # A file name cannot hold "/": these put the markup's "[" and "]" around a directory.
    "close-nothing": ("[", "].yaml"),
    "style": ("[bold red]x[", "].yaml"),
    "link": ("[link=x]y[", "link].yaml"),
}


@pytest.mark.parametrize(("folder", "name"), FILE_NAMES.values(), ids=FILE_NAMES.keys())
@pytest.mark.parametrize("command", ["validate", "record", "rights check"])
def test_a_bad_file_is_named_verbatim(
    fresh: str, cli: Runner, tmp_path: Path, command: str, folder: str, name: str
) -> None:
    path = tmp_path / folder / name
    path.parent.mkdir()
    path.write_text("student: [unclosed\n", encoding="utf-8")
    before = table_counts(fresh)
    out = cli(fresh, *command.split(), str(path))
    assert_refused(out, f"{folder}/{name}")
    assert table_counts(fresh) == before


def test_control_characters_are_shown_escaped_not_sent_to_the_terminal(
    staffed: str, cli: Runner
) -> None:
    assert cli(staffed, "model", "add", "acme/m@1", "--owner", "a\x1b[2Jb\u202ec").rc in (0, 2)
    for args in (["model", "list"], ["model", "show", "acme/m@1"]):
        out = cli(staffed, *args)
        assert out.rc in (0, 2), out.text
        assert "\x1b[2J" not in out.text and "\u202e" not in out.text, repr(out.text)
