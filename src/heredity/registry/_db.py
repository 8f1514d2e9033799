"""Engines, connections and migrations for SQLite and PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from heredity.errors import BadInput, ConfigError, NotFound

DEFAULT_PATH = Path(".heredity") / "registry.db"
_MIGRATIONS = Path(__file__).parent / "migrations"
# Serialises ledger appends on PostgreSQL (any constant works; this one spells "HRDT").
_PG_LEDGER_LOCK = 0x48524454
#: Tables whose presence makes a database a Heredity registry (an older schema is migrated).
HEREDITY_TABLES = frozenset({"alembic_version", "nodes", "ledger"})


def resolve_url(url: str | None) -> str:
    """The database URL: explicit, else ``$HEREDITY_DB``, else the SQLite default."""
    url = url or os.environ.get("HEREDITY_DB") or None
    if url is None:
        return f"sqlite:///{DEFAULT_PATH}"
    if "://" not in url:  # a plain path means a SQLite file
        return f"sqlite:///{url}"
    return url


def _parse(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError:
        raise BadInput(f"url: {url!r} is not a database URL", param="url") from None


def _missing(url: str, why: str) -> NotFound:
    create = "create one with `heredity --db %s init`" % url  # noqa: UP031 (one hint string)
    return NotFound(
        f"url: there is no Heredity registry at {url} ({why}); nothing was read or created. "
        f"Check --db/HEREDITY_DB, or {create}",
        param="url",
    )


def require_existing(url: str) -> None:
    """Refuse (NotFound naming the URL) a SQLite registry file that does not exist, before any
    connection could create it."""
    parsed = _parse(url)
    if parsed.get_backend_name() != "sqlite":
        return
    db = parsed.database
    if not db or db == ":memory:":
        raise _missing(_shown(parsed), "an in-memory database holds no registry")
    if not Path(db).is_file():
        raise _missing(_shown(parsed), f"the file {db} does not exist")


def require_tables(engine: Engine) -> None:
    """Refuse (NotFound naming the URL) a database that holds no Heredity tables."""
    try:
        with engine.connect() as conn:
            names = set(inspect(conn).get_table_names())
    except OperationalError as exc:
        raise ConfigError(f"cannot open the registry at {_shown(engine.url)}: {exc.orig}") from None
    lacking = sorted(HEREDITY_TABLES - names)
    if lacking:
        why = (
            "it holds no tables"
            if not names
            else f"the database has no Heredity tables ({', '.join(lacking)} missing)"
        )
        raise _missing(_shown(engine.url), why)


def _shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def make_engine(url: str, *, create: bool = True) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys, a busy timeout and immediate write locks.

    ``create=False`` never makes a SQLite file's directory (and refuses a missing file).
    """
    parsed = _parse(url)
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database
        if not create:
            require_existing(url)
        elif db and db != ":memory:":
            Path(db).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _rec: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.execute("PRAGMA synchronous=NORMAL")
            # Lineage answers keep their working sets (sorts, the impact search's reached set)
            # in temporary tables: in memory, not in files created and removed per query.
            cur.execute("PRAGMA temp_store=MEMORY")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            write = conn.get_execution_options().get("heredity_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True)
    raise BadInput(
        f"url: backend {parsed.get_backend_name()!r} is not supported (sqlite, postgresql)",
        param="url",
    )


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the registry's write lock until it commits."""
    with engine.connect().execution_options(heredity_write=True) as conn, conn.begin():
        if is_postgres(engine):
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LEDGER_LOCK})
        yield conn


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    try:
        with write_transaction(engine) as conn:
            if "alembic_version" in inspect(conn).get_table_names() and _at_head(conn, cfg):
                return
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except OperationalError as exc:
        raise ConfigError(f"cannot open the registry at {engine.url!r}: {exc.orig}") from None


def _at_head(conn: Connection, cfg: Any) -> bool:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(cfg).get_current_head()
    current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return bool(current == head)
