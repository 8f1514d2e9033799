"""Values that cannot be stored are refused before storage, alike on SQLite and PostgreSQL.

Each case is one field of ``examples/standard-kd.yaml`` (or one option) set to a hostile value:
an integer past 64 bits, a NUL or control character, a string longer than its column, a
non-finite float, a date in the future, a name that is a path, an access outside the
enumeration, a lineage cycle. Every surface that reads it (``validate``, ``record``,
``rights check``, ``model add``, ``dataset add``, ``assess``) exits 2 naming the field, with no
traceback and no row changed. The last tests call the registry's writes directly with values no
record model would let through: the write layer's guard is then the only defence.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hostile_cli import Runner, assert_refused, table_counts

from heredity.errors import BadInput
from heredity.records import DatasetRecord, ModelRecord, RecordBody, RecordKind
from heredity.registry import Registry, _writes

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
STANDARD: dict[str, Any] = yaml.safe_load((EXAMPLES / "standard-kd.yaml").read_text())
STUDENT = "acme/support-1b@3"
TEACHER = "meta-llama/Llama-3.1-70B-Instruct@1"

Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    """Set a dotted path (``teachers.0.licence``) of the document to ``value``."""

    def mutate(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = doc
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


def _teach(ref: str) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        doc["teachers"].append({**doc["teachers"][0], "model": ref})

    return mutate


def _twice(key: str) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        doc[key].append(copy.deepcopy(doc[key][0]))

    return mutate


def _student_as_dataset() -> dict[str, Any]:
    data = dict(STANDARD["datasets"][0])
    return data | {"name": "acme/support-1b", "version": "3"}


LONG = "x" * 100_000
# (id, mutation, the field the message must name)
DOCUMENT_CASES: list[tuple[str, Mutation, str]] = [
    ("parameters-2**63", _set("student.parameters", 2**63), "student.parameters"),
    ("parameters-zero", _set("student.parameters", 0), "student.parameters"),
    ("examples-10**30", _set("datasets.0.examples", 10**30), "datasets[0].examples"),
    ("seed-2**64", _set("config.seed", 2**64), "config.seed"),
    ("batch-size-2**63", _set("config.batch_size", 2**63), "config.batch_size"),
    ("users-10**30", _set("intended_use.monthly_active_users", 10**30), "monthly_active_users"),
    ("raw-int-10**30", _set("config.raw", {"steps": 10**30}), "config.raw.steps"),
    ("name-nul", _set("student.name", "acme/sup\x00port"), "student.name"),
    ("licence-nul", _set("teachers.0.licence", "llama\x003.1"), "teachers[0].licence"),
    ("licence-bell", _set("teachers.0.licence", "llama\x073.1"), "teachers[0].licence"),
    ("licence-escape", _set("teachers.0.licence", "llama\x1b[2J"), "teachers[0].licence"),
    ("licence-rtl-override", _set("datasets.0.licence", "mit\u202e"), "datasets[0].licence"),
    ("licence-100k", _set("teachers.0.licence", LONG), "teachers[0].licence"),
    ("licence-101", _set("datasets.0.licence", "l" * 101), "datasets[0].licence"),
    ("provider-101", _set("teachers.0.provider", "p" * 101), "teachers[0].provider"),
    ("architecture-newline", _set("student.architecture", "llama\nx"), "student.architecture"),
    ("responsible-100k", _set("responsible.name", LONG), "responsible.name"),
    ("name-100k", _set("student.name", "a" * 100_000), "student.name"),
    ("fingerprint-81", _set("datasets.0.fingerprint", "f" * 81), "datasets[0].fingerprint"),
    ("purpose-nul", _set("intended_use.purpose", "support\x00"), "intended_use.purpose"),
    ("raw-nul", _set("config.raw", {"note": "a\x00b"}), "config.raw"),
    ("raw-key-nul", _set("config.raw", {"a\x00b": 1}), "config.raw"),
    ("weight-inf", _set("teachers.0.weight", float("inf")), "teachers[0].weight"),
    ("temperature-nan", _set("config.temperature", float("nan")), "config.temperature"),
    ("composition-nan", _set("datasets.0.composition", {"tasks": float("nan")}), "composition"),
    ("composition-negative", _set("datasets.0.composition", {"tasks": -0.5}), "composition"),
    ("raw-inf", _set("config.raw", {"lr": float("-inf")}), "config.raw"),
    ("date-2999", _set("date", "2999-01-01"), "date"),
    (
        "started-2999",
        _set("run", {"status": "completed", "started_at": "2999-01-01T00:00:00Z"}),
        "run.started_at",
    ),
    (
        "ends-before-start",
        _set(
            "run",
            {"started_at": "2026-11-01T10:00:00+00:00", "ended_at": "2026-11-01T09:00:00+00:00"},
        ),
        "run.ended_at",
    ),
    (
        "ends-before-start-naive-and-aware",
        _set("run", {"started_at": "2026-11-01T10:00:00", "ended_at": "2026-11-01T09:00:00Z"}),
        "run.ended_at",
    ),
    ("name-dotdot-path", _set("student.name", "a/../../etc/passwd"), "student.name"),
    ("name-dotdot", _set("datasets.0.name", ".."), "datasets[0].name"),
    ("name-absolute", _set("student.name", "/etc/passwd"), "student.name"),
    ("name-space", _set("student.name", "acme/support 1b"), "student.name"),
    ("name-tab", _set("datasets.0.name", "acme/support\ttickets"), "datasets[0].name"),
    ("teacher-path-ref", _set("teachers.0.model", "a/../../etc/passwd@1"), "teachers[0].model"),
    ("teacher-two-ats", _set("teachers.0.model", "a@b@c"), "teachers[0].model"),
    ("init-from-no-name", _set("student.init_from", "@1"), "student.init_from"),
    ("access-root", _set("teachers.0.access", "root"), "teachers[0].access"),
    ("self-teaching", _teach(STUDENT), "teachers"),
    ("duplicate-teachers", _twice("teachers"), "teachers"),
    ("duplicate-datasets", _twice("datasets"), "datasets"),
    ("init-from-itself", _set("student.init_from", STUDENT), "student.init_from"),
    ("dataset-is-the-student", _set("datasets.0", _student_as_dataset()), "datasets[0]"),
]


def _write(tmp_path: Path, mutate: Mutation, *, as_json: bool = False) -> Path:
    doc = copy.deepcopy(STANDARD)
    mutate(doc)
    if as_json:
        path = tmp_path / "plan.json"
        path.write_text(json.dumps(doc, default=str), encoding="utf-8")  # Infinity, NaN as is
    else:
        path = tmp_path / "plan.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=False), encoding="utf-8")
    return path


SURFACES = {
    "validate": ("validate",),
    "record": ("record",),
    "rights-check": ("rights", "check"),
}


@pytest.mark.parametrize(
    ("mutate", "field"), [c[1:] for c in DOCUMENT_CASES], ids=[c[0] for c in DOCUMENT_CASES]
)
def test_a_document_with_a_value_that_cannot_be_stored_is_refused(
    fresh: str, cli: Runner, tmp_path: Path, mutate: Mutation, field: str
) -> None:
    plan = _write(tmp_path, mutate)
    before = table_counts(fresh)
    for surface in SURFACES.values():
        assert_refused(cli(fresh, *surface, str(plan)), field)
    assert table_counts(fresh) == before


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (_set("teachers.0.weight", float("inf")), "teachers[0].weight"),
        (_set("teachers.0.weight", float("nan")), "teachers[0].weight"),
        (_set("datasets.0.composition", {"tasks": float("inf")}), "composition"),
        (_set("config.temperature", float("-inf")), "config.temperature"),
    ],
    ids=["weight-Infinity", "weight-NaN", "composition-Infinity", "temperature--Infinity"],
)
def test_json_infinity_and_nan_are_refused(
    fresh: str, cli: Runner, tmp_path: Path, mutate: Mutation, field: str
) -> None:
    plan = _write(tmp_path, mutate, as_json=True)
    assert "Infinity" in plan.read_text() or "NaN" in plan.read_text()
    before = table_counts(fresh)
    for surface in SURFACES.values():
        # Refused as it is read (naming the file and line) or as it is validated (the field).
        outcome = cli(fresh, *surface, str(plan))
        assert_refused(outcome, "plan.json" if "line" in outcome.text else field)
    assert table_counts(fresh) == before


def test_yaml_inf_and_nan_are_refused(fresh: str, cli: Runner, tmp_path: Path) -> None:
    text = (EXAMPLES / "standard-kd.yaml").read_text()
    for old, new, field in [
        ("weight: 1.0", "weight: .inf", "teachers[0].weight"),
        ("temperature: 2.0", "temperature: .nan", "config.temperature"),
    ]:
        assert old in text
        plan = tmp_path / "plan.yaml"
        plan.write_text(text.replace(old, new), encoding="utf-8")
        before = table_counts(fresh)
        for surface in SURFACES.values():
            assert_refused(cli(fresh, *surface, str(plan)), field)
        assert table_counts(fresh) == before


def test_naive_and_aware_times_in_order_are_accepted(
    fresh: str, cli: Runner, tmp_path: Path
) -> None:
    run = {"started_at": "2026-11-01T09:00:00", "ended_at": "2026-11-01T10:00:00+00:00"}
    plan = _write(tmp_path, _set("run", run))
    assert cli(fresh, "validate", str(plan)).rc == 0
    assert cli(fresh, "record", str(plan)).rc == 0


def test_names_of_the_examples_keep_working(fresh: str, cli: Runner) -> None:
    for example in sorted(EXAMPLES.glob("*.yaml")):
        assert cli(fresh, "validate", str(example)).rc == 0, example


# -- options of model add and dataset add ------------------------------------------------------
OPTION_CASES: list[tuple[str, tuple[str, ...], str]] = [
    ("model-ref-path", ("model", "add", "a/../../etc/passwd@1"), "a/../../etc/passwd@1"),
    ("model-ref-dotdot", ("model", "add", "..@1"), "..@1"),
    ("model-ref-absolute", ("model", "add", "/etc/passwd@1"), "/etc/passwd@1"),
    ("model-ref-two-ats", ("model", "add", "a@b@c"), "a@b@c"),
    ("model-access-root", ("model", "add", "acme/m@1", "--access", "root"), "access"),
    ("model-licence-nul", ("model", "add", "acme/m@1", "--licence", "mit\x00"), "licence"),
    ("model-licence-100k", ("model", "add", "acme/m@1", "--licence", LONG), "licence"),
    ("model-provider-escape", ("model", "add", "acme/m@1", "--provider", "\x1b[31m"), "provider"),
    ("model-owner-201", ("model", "add", "acme/m@1", "--owner", "o" * 201), "owner"),
    ("dataset-ref-path", ("dataset", "add", "a/../../etc/passwd@1"), "a/../../etc/passwd@1"),
    (
        "dataset-examples-10**30",
        ("dataset", "add", "acme/d@1", "--examples", str(10**30)),
        "examples",
    ),
    ("dataset-examples-negative", ("dataset", "add", "acme/d@1", "--examples", "-1"), "examples"),
    ("dataset-licence-nul", ("dataset", "add", "acme/d@1", "--licence", "mit\x00"), "licence"),
    ("dataset-licence-100k", ("dataset", "add", "acme/d@1", "--licence", LONG), "licence"),
    ("dataset-source-5000", ("dataset", "add", "acme/d@1", "--source", "s" * 5000), "source"),
    ("dataset-kind", ("dataset", "add", "acme/d@1", "--kind", "stolen"), "kind"),
]


@pytest.mark.parametrize(
    ("args", "named"), [c[1:] for c in OPTION_CASES], ids=[c[0] for c in OPTION_CASES]
)
def test_an_option_that_cannot_be_stored_is_refused(
    fresh: str, cli: Runner, args: tuple[str, ...], named: str
) -> None:
    before = table_counts(fresh)
    assert_refused(cli(fresh, *args), named)
    assert table_counts(fresh) == before


# -- assess: the subject is a real, registered model -------------------------------------------
def _results(path: Path) -> Path:
    rows = [{"id": f"i{i}", "dimension": "safety_refusal", "outcome": i % 2} for i in range(40)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


ASSESS_CASES: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("teacher-two-ats-student-no-name", "a@b@c", "@1", ("--teacher",)),
    ("student-no-name", TEACHER, "@1", ("--student",)),
    ("student-path", TEACHER, "a/../../etc/passwd@1", ("--student",)),
    ("student-unregistered", TEACHER, "acme/nobody@1", ("--student", "heredity model add")),
    ("teacher-unregistered", "acme/nobody@1", STUDENT, ("--teacher", "heredity model add")),
]


@pytest.mark.parametrize(
    ("teacher", "student", "named"), [c[1:] for c in ASSESS_CASES], ids=[c[0] for c in ASSESS_CASES]
)
def test_assess_refuses_an_invalid_or_unregistered_subject(
    fresh: str,
    cli: Runner,
    tmp_path: Path,
    teacher: str,
    student: str,
    named: tuple[str, ...],
) -> None:
    assert cli(fresh, "record", str(EXAMPLES / "standard-kd.yaml")).rc == 0
    t, s = _results(tmp_path / "t.jsonl"), _results(tmp_path / "s.jsonl")
    before = table_counts(fresh)
    args = ["assess", "--teacher", teacher, "--student", student]
    outcome = cli(fresh, *args, "--teacher-results", str(t), "--student-results", str(s))
    assert_refused(outcome, *named)
    assert table_counts(fresh) == before
    # Registered models are assessed and stored.
    ok = ["assess", "--teacher", TEACHER, "--student", STUDENT]
    assert cli(fresh, *ok, "--teacher-results", str(t), "--student-results", str(s)).rc == 0
    assert table_counts(fresh) != before


# -- semantics through the registry ---------------------------------------------------------------
def test_a_teacher_that_descends_from_the_student_is_a_cycle(
    fresh: str, cli: Runner, tmp_path: Path
) -> None:
    assert cli(fresh, "record", str(EXAMPLES / "standard-kd.yaml")).rc == 0
    # The teacher learns from the student: the student would become its own ancestor.
    doc = copy.deepcopy(STANDARD)
    doc["student"] = {"name": "meta-llama/Llama-3.1-70B-Instruct", "version": "1"}
    doc["teachers"][0]["model"] = STUDENT
    doc["datasets"][0]["name"] = "acme/other-tickets"
    first = tmp_path / "teacher.yaml"
    first.write_text(yaml.safe_dump(doc), encoding="utf-8")
    before = table_counts(fresh)
    assert_refused(cli(fresh, "record", str(first)), "teachers[0].model", "ancestor")
    assert table_counts(fresh) == before


# -- the registry's guard alone ------------------------------------------------------------------
class _Note(RecordBody):
    """A body with a free-form part, to reach the records table with any value."""

    record_kind = RecordKind.INCIDENT
    format: int = 1
    data: dict[str, Any] = {}


def _bad_models() -> list[tuple[str, ModelRecord, str]]:
    def model(**kw: Any) -> ModelRecord:
        return ModelRecord.model_construct(**({"name": "acme/m", "version": "1"} | kw))

    return [
        ("parameters-2**63", model(parameters=2**63), r"models\.parameters"),
        ("parameters-negative-2**63-1", model(parameters=-(2**63) - 1), r"models\.parameters"),
        ("licence-nul", model(licence="mit\x00"), r"models\.licence"),
        ("licence-101", model(licence="l" * 101), r"models\.licence"),
        ("owner-201", model(owner="o" * 201), r"models\.owner"),
        ("path-nul", model(path="/x\x00"), r"models\.path"),
        ("card-nan", model(card={"score": float("nan")}), r"models\.card"),
        ("card-nul", model(card={"a": ["ok", "b\x00"]}), r"models\.card"),
        ("name-300", model(name="n" * 300), r"models\.name|nodes\.ref"),
    ]


@pytest.mark.parametrize(
    ("rec", "column"), [c[1:] for c in _bad_models()], ids=[c[0] for c in _bad_models()]
)
def test_the_write_layer_refuses_a_model_row_that_does_not_fit(
    registry: Registry, db_url: str, rec: ModelRecord, column: str
) -> None:
    before = table_counts(db_url)
    with pytest.raises(BadInput, match=column):
        registry.add_model(rec)
    with pytest.raises(BadInput, match=column):
        registry.bulk_ingest([rec])
    assert table_counts(db_url) == before


@pytest.mark.parametrize(
    ("rec", "column"),
    [
        (DatasetRecord.model_construct(name="acme/d", version="1", examples=10**30), "examples"),
        (DatasetRecord.model_construct(name="acme/d", version="1", source="s\x00"), "source"),
        (DatasetRecord.model_construct(name="acme/d", version="1", kind="k" * 13), "kind"),
    ],
    ids=["examples-10**30", "source-nul", "kind-13"],
)
def test_the_write_layer_refuses_a_dataset_row_that_does_not_fit(
    registry: Registry, db_url: str, rec: DatasetRecord, column: str
) -> None:
    before = table_counts(db_url)
    with pytest.raises(BadInput, match=f"datasets\\.{column}"):
        registry.add_dataset(rec)
    with pytest.raises(BadInput, match=f"datasets\\.{column}"):
        registry.bulk_ingest([rec])
    assert table_counts(db_url) == before


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"x": float("nan")}, "not a finite number"),
        ({"x": [1, float("inf")]}, "not a finite number"),
        ({"x": 2**64}, "out of range"),
        ({"x": "a\x00b"}, "NUL"),
        ({"a\x00": 1}, "NUL"),
    ],
    ids=["nan", "inf-in-list", "int-2**64", "nul", "nul-key"],
)
def test_the_write_layer_refuses_a_record_body_that_cannot_be_stored(
    registry: Registry, db_url: str, data: dict[str, Any], problem: str
) -> None:
    before = table_counts(db_url)
    # A typed body dumps NaN as null; the write layer is reached with the value as it is.
    with pytest.raises(BadInput, match=f"records\\.body: .*{problem}"), registry.writing() as conn:
        _writes.insert_record(conn, "amy", "incident", {"data": data}, subject="acme/m@1", key=None)
    assert table_counts(db_url) == before


def test_the_write_layer_refuses_header_columns_that_do_not_fit(
    registry: Registry, db_url: str
) -> None:
    before = table_counts(db_url)
    with pytest.raises(BadInput, match=r"records\.subject"):
        registry.put(_Note(data={}), subject="s" * 301)
    with pytest.raises(BadInput, match=r"records\.key"):
        registry.put(_Note(data={}), subject="acme/m@1", key="k\x00")
    with (
        Registry.open(db_url, actor="a" * 201) as long_actor,
        pytest.raises(BadInput, match=r"ledger\.actor"),
    ):
        long_actor.add_model(ModelRecord(name="acme/m", version="1"))
    assert table_counts(db_url) == before
