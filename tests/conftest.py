"""Shared fixtures: real registries on SQLite and (when a server is given) PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

# Rich sizes the CLI's consoles from COLUMNS when they are made; without a terminal (pytest-xdist
# workers, CI) it would cut table cells at 80 columns, and tests read whole values from tables.
os.environ.setdefault("COLUMNS", "200")

from heredity.registry import Registry  # noqa: E402

PG_URL = os.environ.get("HEREDITY_TEST_PG_URL")
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

if os.environ.get("CI") and not PG_URL:
    raise RuntimeError("CI must provide HEREDITY_TEST_PG_URL so the suite runs on PostgreSQL too")

BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def _pg_schema_url(schema: str) -> str:
    assert PG_URL
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on the backend of the current parameter."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.db'}"
        return
    import sqlalchemy as sa

    schema = "t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(PG_URL)  # type: ignore[arg-type]
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield _pg_schema_url(schema)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # Every test that uses a registry runs once per backend.
    if "db_url" in metafunc.fixturenames:
        metafunc.parametrize("db_url", BACKENDS, indirect=True)


@pytest.fixture
def registry(db_url: str) -> Iterator[Registry]:
    reg = Registry.open(db_url, actor="tester")
    try:
        yield reg
    finally:
        reg.close()


@pytest.fixture
def examples() -> Path:
    return EXAMPLES
