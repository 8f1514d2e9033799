"""A mistyped --db is never an empty registry: read and check commands refuse a missing one.

On SQLite a missing registry is a file that does not exist; on PostgreSQL a database (here a
schema) without Heredity's tables. Every read or check command exits 2 naming the URL and the
``init`` that creates one, and afterwards nothing exists that did not before. ``init`` and the
writing commands that can start a registry from nothing (``record``, ``model add``) still do.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from hostile_cli import Runner, assert_refused

from heredity.errors import NotFound
from heredity.registry import Registry

REF = "acme/support-1b@3"

READS = {
    "audit": ["audit"],
    "audit-one-model": ["audit", "--model", REF],
    "ledger-verify": ["ledger", "verify"],
    "ledger-log": ["ledger", "log"],
    "show": ["show", REF],
    "lineage": ["lineage", REF],
    "impact": ["impact", REF],
    "model-show": ["model", "show", REF],
    "model-list": ["model", "list"],
    "dataset-show": ["dataset", "show", "acme/tickets@1"],
    "dataset-list": ["dataset", "list"],
    "rights-show-assessment": ["rights", "show", "rights_assess_0000"],
    "rights-check-unrecorded": ["rights", "check", "PLAN"],
    "approval-show": ["approval", "show", REF],
    "actor-list": ["actor", "list"],
    "policy-list": ["approval", "policy", "list"],
    "incident-list": ["incident", "list"],
    "incident-show": ["incident", "show", "incident_0000"],
    "evidence": ["evidence", REF, "--out", "OUT"],
    # writing commands that need something already registered never start a registry either
    "approval-request": ["approval", "request", REF],
    "deploy": ["deploy", REF],
    "incident-open": ["incident", "open", REF, "--kind", "safety", "--summary", "defect"],
}


def _shown(db_url: str) -> str:
    return sa.engine.make_url(db_url).render_as_string(hide_password=True)


def _exists(db_url: str) -> bool:
    """Whether anything of a registry exists at ``db_url`` (a file, or tables in the schema)."""
    url = sa.engine.make_url(db_url)
    if url.get_backend_name() == "sqlite":
        return Path(str(url.database)).exists()
    engine = sa.create_engine(db_url)
    try:
        return bool(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.parametrize("args", list(READS.values()), ids=list(READS))
def test_read_commands_refuse_a_missing_registry(
    db_url: str, cli: Runner, args: list[str], examples: Path, tmp_path: Path
) -> None:
    assert not _exists(db_url)
    args = [
        str(examples / "standard-kd.yaml")
        if a == "PLAN"
        else str(tmp_path / "pack")
        if a == "OUT"
        else a
        for a in args
    ]
    outcome = cli(db_url, *args)
    assert_refused(outcome, "--db", _shown(db_url), "init")
    assert "no Heredity registry" in outcome.text
    assert not _exists(db_url), "a read command created a registry"
    assert not (tmp_path / "pack").exists()


def test_a_missing_sqlite_directory_is_not_made(cli: Runner, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'typo' / 'nested' / 'registry.db'}"
    assert_refused(cli(url, "ledger", "verify"), url, "does not exist", "heredity --db")
    assert not (tmp_path / "typo").exists()


def test_a_plain_path_is_refused_too(
    cli: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert_refused(cli("regsitry.db", "audit"), "sqlite:///regsitry.db")
    assert not (tmp_path / "regsitry.db").exists()


def test_a_database_of_something_else_is_not_a_registry(db_url: str, cli: Runner) -> None:
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    outcome = cli(db_url, "audit")
    assert_refused(outcome, _shown(db_url), "no Heredity tables")
    engine = sa.create_engine(db_url)
    try:
        assert sa.inspect(engine).get_table_names() == ["invoices"]
    finally:
        engine.dispose()


def test_the_library_refuses_when_asked_not_to_create(db_url: str) -> None:
    with pytest.raises(NotFound) as caught:
        Registry.open(db_url, create=False)
    assert caught.value.param == "url"
    assert _shown(db_url) in str(caught.value)
    assert not _exists(db_url)
    Registry.open(db_url).close()  # the default creates
    with Registry.open(db_url, create=False) as reg:
        assert reg.ledger_length() == 0


@pytest.mark.parametrize(
    "args",
    [
        ["init"],
        ["record", "DOC"],
        ["model", "add", "acme/base@1", "--licence", "apache-2.0"],
    ],
    ids=["init", "record", "model-add"],
)
def test_init_and_writing_commands_still_create(
    db_url: str, cli: Runner, args: list[str], examples: Path
) -> None:
    args = [str(examples / "standard-kd.yaml") if a == "DOC" else a for a in args]
    assert cli(db_url, *args).rc == 0
    assert _exists(db_url)
    outcome = cli(db_url, "ledger", "verify")
    assert outcome.rc == 0, outcome.text
