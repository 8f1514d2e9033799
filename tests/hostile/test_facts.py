"""A plan cannot clear itself with facts that contradict the registry, nor with a typed date.

1. A licence (dataset, teacher, a base that is also a teacher), an API-only teacher's access, its
   provider or a dataset's kind declared otherwise than registered: ``rights check`` (with and
   without ``--record``), ``record`` and the trainer's gate refuse it (exit 2, Conflict) naming
   the ref, both values and where each comes from, and write nothing.
2. Test 8.3 compares when things were recorded: an assessment recorded after the provenance
   record fails 8.3 whatever date (or run start) the document types.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hostile_cli import Runner, assert_refused, table_counts

from heredity.errors import Conflict
from heredity.records import parse_document
from heredity.registry import Registry
from heredity.rights import gate

TEACHER = "meta-llama/Llama-3.1-70B-Instruct@1"
BASE = "meta-llama/Llama-3.2-1B@1"
DATASET = "acme/support-tickets@2026-10"


def _plan(examples: Path, tmp_path: Path, change: Any = None, name: str = "plan.yaml") -> Path:
    data = yaml.safe_load((examples / "standard-kd.yaml").read_text(encoding="utf-8"))
    if change is not None:
        change(data)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _dataset_licence(data: dict[str, Any]) -> None:
    data["datasets"][0]["licence"] = "apache-2.0"


def _teacher_licence(data: dict[str, Any]) -> None:
    data["teachers"][0]["licence"] = "apache-2.0"


def _base_is_teacher(data: dict[str, Any]) -> None:
    # self-distillation from the base: the plan's licence of the base contradicts the registry
    data["teachers"][0]["model"] = BASE
    data["teachers"][0]["licence"] = "mit"


def _open_weights_of_api_model(data: dict[str, Any]) -> None:
    data["teachers"][0].update(licence="openai-services", access="open-weights", provider="openai")


def _other_provider(data: dict[str, Any]) -> None:
    data["teachers"][0].update(licence="openai-services", access="api", provider="acme")


def _synthetic(data: dict[str, Any]) -> None:
    data["datasets"][0].update(kind="synthetic", generated_by=[TEACHER])
    data["datasets"][0].pop("licence", None)


CASES = {
    # name: (commands that register the facts, plan change, ref, registered, planned, field)
    "dataset-licence": (
        [["dataset", "add", DATASET, "--licence", "cc-by-nc-4.0"]],
        _dataset_licence,
        DATASET,
        "cc-by-nc-4.0",
        "apache-2.0",
        "datasets[0].licence",
    ),
    "teacher-licence": (
        [["model", "add", TEACHER, "--licence", "llama3", "--provider", "meta"]],
        _teacher_licence,
        TEACHER,
        "llama3",
        "apache-2.0",
        "teachers[0].licence",
    ),
    "base-licence": (
        [["model", "add", BASE, "--licence", "llama3.2", "--provider", "meta"]],
        _base_is_teacher,
        BASE,
        "llama3.2",
        "mit",
        "teachers[0].licence",
    ),
    "api-model-as-open-weights": (
        [
            [
                "model",
                "add",
                TEACHER,
                "--licence",
                "openai-services",
                "--provider",
                "openai",
                "--access",
                "api",
            ]
        ],
        _open_weights_of_api_model,
        TEACHER,
        "api",
        "open-weights",
        "teachers[0].access",
    ),
    "api-provider": (
        [
            [
                "model",
                "add",
                TEACHER,
                "--licence",
                "openai-services",
                "--provider",
                "openai",
                "--access",
                "api",
            ]
        ],
        _other_provider,
        TEACHER,
        "openai",
        "acme",
        "teachers[0].provider",
    ),
    "real-data-as-synthetic": (
        [["dataset", "add", DATASET, "--licence", "cc-by-nc-4.0", "--kind", "real"]],
        _synthetic,
        DATASET,
        "real",
        "synthetic",
        "datasets[0].kind",
    ),
}

COMMANDS = {
    "rights-check": ["rights", "check"],
    "rights-check-record": ["rights", "check", "--record"],
    "record": ["record"],
    "record-require-cleared": ["record", "--require-cleared"],
}


@pytest.mark.parametrize("command", list(COMMANDS.values()), ids=list(COMMANDS))
@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_a_plan_contradicting_the_registry_is_refused(
    fresh: str, cli: Runner, examples: Path, tmp_path: Path, case: Any, command: list[str]
) -> None:
    setup, change, ref, registered, planned, field = case
    for args in setup:
        outcome = cli(fresh, *args)
        assert outcome.rc == 0, outcome.text
    plan = _plan(examples, tmp_path, change)
    before = table_counts(fresh)
    outcome = cli(fresh, *command, str(plan))
    assert_refused(outcome, f"{field} of {ref}", "the registry (registered by", "ledger event")
    assert f"says {registered}" in outcome.text and f"the plan says {planned}" in outcome.text
    assert table_counts(fresh) == before


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_the_trainer_gate_refuses_it_too(
    fresh: str, cli: Runner, examples: Path, tmp_path: Path, case: Any
) -> None:
    setup, change, ref, registered, planned, field = case
    for args in setup:
        assert cli(fresh, *args).rc == 0
    doc = parse_document(yaml.safe_load(_plan(examples, tmp_path, change).read_text()), "plan")
    before = table_counts(fresh)
    with Registry.open(fresh, create=False) as reg:
        with pytest.raises(Conflict) as caught:
            gate(doc, reg)
        with pytest.raises(Conflict, match="contradicts what is registered"):
            reg.record(doc)  # the registry's own guard, whatever the surface
    assert f"{field} of {ref}" in str(caught.value)
    assert f"says {registered}" in str(caught.value)
    assert table_counts(fresh) == before


def test_agreeing_and_undeclared_facts_are_not_contradictions(
    fresh: str, cli: Runner, examples: Path, tmp_path: Path
) -> None:
    assert cli(fresh, "dataset", "add", DATASET, "--licence", "Proprietary").rc == 0
    assert (
        cli(fresh, "model", "add", TEACHER, "--licence", "llama3.1", "--provider", "meta").rc == 0
    )

    def undeclared(data: dict[str, Any]) -> None:
        data["teachers"][0]["licence"] = "unknown"  # the registry's licence decides

    plan = _plan(examples, tmp_path, undeclared)
    outcome = cli(fresh, "rights", "check", str(plan), "--format", "json")
    assert outcome.rc in (0, 1), outcome.text
    assert json.loads(outcome.out)["teachers"][0]["licence"] == "llama3.1"
    outcome = cli(fresh, "record", str(_plan(examples, tmp_path, name="same.yaml")))
    assert outcome.rc == 0, outcome.text


# -- 2. recorded time, not typed time ----------------------------------------------------------
def _tomorrow(data: dict[str, Any]) -> None:
    data["date"] = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)).isoformat()
    data.pop("run", None)


def _run_started_later(data: dict[str, Any]) -> None:
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=20)
    data["run"] = {"started_at": later.isoformat(timespec="seconds")}


def _registered(fresh: str, cli: Runner) -> None:
    assert (
        cli(fresh, "model", "add", TEACHER, "--licence", "llama3.1", "--provider", "meta").rc == 0
    )
    assert cli(fresh, "model", "add", BASE, "--licence", "llama3.2", "--provider", "meta").rc == 0


@pytest.mark.parametrize("change", [_tomorrow, _run_started_later], ids=["date", "run-start"])
def test_an_assessment_recorded_after_the_record_fails_8_3(
    fresh: str, cli: Runner, examples: Path, tmp_path: Path, change: Any
) -> None:
    _registered(fresh, cli)
    plan = _plan(examples, tmp_path, change)
    assert cli(fresh, "record", str(plan)).rc == 0
    assert cli(fresh, "rights", "check", str(plan), "--record").rc == 0  # cleared, but too late
    outcome = cli(fresh, "audit", "--format", "json")
    assert outcome.rc == 1, outcome.text
    model = json.loads(outcome.out)["models"][0]
    assert model["tests"]["8.3"] == "fail"
    late = [f["message"] for f in model["findings"] if f["test"] == "8.3"]
    assert any("after the distillation's provenance record" in m for m in late), late
    assert any("ledger event" in m and "not a date the document gives" in m for m in late)


def test_an_assessment_recorded_before_the_record_passes_8_3(
    fresh: str, cli: Runner, examples: Path, tmp_path: Path
) -> None:
    _registered(fresh, cli)
    plan = _plan(examples, tmp_path, _tomorrow)
    assert cli(fresh, "rights", "check", str(plan), "--record").rc == 0
    assert cli(fresh, "record", str(plan)).rc == 0
    model = json.loads(cli(fresh, "audit", "--format", "json").out)["models"][0]
    assert [f for f in model["findings"] if f["test"] == "8.3" and f["severity"] == "fail"] == []
    assert model["tests"]["8.3"] == "pass"
