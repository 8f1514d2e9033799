"""The registry: models, datasets, distillation records, lineage and the ledger, in one database."""

from __future__ import annotations

import datetime as dt
import getpass
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple, TypeVar, overload

from sqlalchemy import Connection, Engine, func, select

from heredity.errors import BadInput, Conflict, NotFound
from heredity.records import (
    DatasetRecord,
    DistillationDocument,
    ModelRecord,
    RecordBody,
    RecordHeader,
    RecordKind,
    Stored,
    parse_ref,
    validate,
)
from heredity.registry import _db, _lineage, _writes
from heredity.registry._bulk import bulk_ingest
from heredity.registry._digest import model_directory, model_files, weights_digest
from heredity.registry._ledger import (
    Event,
    LedgerEvent,
    VerifyResult,
    events_after,
    head,
    verify_chain,
)
from heredity.registry._lineage import Direction, Impact, Lineage, LineageNode
from heredity.registry._modeldir import describe
from heredity.registry._record import SameLicence, record_distillation
from heredity.registry._schema import datasets, ledger, models, nodes, records
from heredity.registry._state import (
    DATASET_ATTRS,
    MODEL_ATTRS,
    aware,
    dataset_state_of,
    model_state_of,
)
from heredity.registry._verify import verify_entities

B = TypeVar("B", bound=RecordBody)


class RecordedDocument(NamedTuple):
    """What :meth:`Registry.record_document` did."""

    record: Stored[DistillationDocument]
    written: bool
    events: list[LedgerEvent]
    """The ledger events of this write's own transaction, oldest first."""


class StatusChange(RecordBody):
    """A model's lifecycle status changed (written with every status change, with the reason)."""

    record_kind = RecordKind.STATUS_CHANGE

    format: int = 1
    model: str
    status: str
    reason: str


def default_actor() -> str:
    """``$HEREDITY_ACTOR`` or the OS user: the library's default for callers that name nobody
    (it trusts its caller; the CLI never relies on it and establishes the identity itself)."""
    env = os.environ.get("HEREDITY_ACTOR")
    if env:
        return env
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _header(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "kind": row["kind"],
        "subject": row["subject"],
        "key": row["key"],
        "created_at": aware(row["created_at"]),
        "actor": row["actor"],
        "hash": row["hash"],
    }


def _typed(row: Any, model: type[B]) -> Stored[B]:
    """A stored row as a typed record (the body read, and upgraded, by its model)."""
    body = model.read(row["body"], source=f"record {row['id']} ({row['kind']})")
    return Stored(**_header(row), body=body)


class Registry:
    """Heredity's registry. Open with :meth:`open`; every write is ledgered in its own transaction.

    ``actor`` is who every write is recorded as. The library trusts its caller here: the CLI
    establishes it first from an API token or the OS user (``heredity.identity.
    establish_identity``), and a server authenticates with the same tokens before it opens one.
    """

    def __init__(self, engine: Engine, actor: str | None = None) -> None:
        self.engine = engine
        self.actor = actor or default_actor()

    # -- lifecycle ---------------------------------------------------------------------------
    @classmethod
    def open(
        cls, url: str | None = None, *, actor: str | None = None, create: bool = True
    ) -> Registry:
        """Open (migrating as needed) the registry at ``url``; ``create`` makes it when missing.

        With ``create=False`` a missing registry (no SQLite file, or a database without
        Heredity's tables) is NotFound naming the URL, and nothing is created: read and check
        commands open this way, so a mistyped URL is never an empty registry that passes.
        """
        engine = _db.make_engine(_db.resolve_url(url), create=create)
        try:
            if not create:
                _db.require_tables(engine)
            _db.migrate(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, actor)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def url(self) -> str:
        """The database URL, without its password."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction holding the ledger lock; everything in it commits or nothing does."""
        with _db.write_transaction(self.engine) as conn:
            yield conn

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read transaction (one consistent view of the registry)."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def ledger_append(self, conn: Connection, events: Iterable[Event]) -> int:
        """Append ledger events inside a write transaction of this registry."""
        return _writes.ledger(conn, self.actor, events)

    # -- models ------------------------------------------------------------------------------
    def add_model(self, rec: ModelRecord) -> ModelRecord:
        """Register a model; an identical existing entry is returned, a different one is a Conflict."""
        with self.writing() as conn:
            created, state = _writes.insert_model(conn, rec)
            if not created:
                wanted = model_state_of(rec)
                if wanted != state:
                    diff = sorted(k for k in wanted if wanted[k] != state[k])
                    raise Conflict(
                        f"{rec.ref}: already registered with different {', '.join(diff)}; "
                        "register a new version instead"
                    )
            else:
                self.ledger_append(conn, [("model.add", f"model:{rec.ref}", state)])
        return self.get_model(rec.ref)

    def register_model_dir(
        self,
        path: str | Path,
        *,
        name: str,
        version: str,
        licence: str | None = None,
        provider: str | None = None,
        owner: str | None = None,
        access: str = "open-weights",
    ) -> ModelRecord:
        """Register a model from a local directory: config, model card, parameter count and digest."""
        p = model_directory(path)
        files = model_files(p)  # links, devices and FIFOs refused before anything is read
        facts = describe(p)
        fields = {
            "name": name,
            "version": version,
            "licence": licence or facts["licence"],
            "provider": provider,
            "access": access,
            "architecture": facts["architecture"],
            "parameters": facts["parameters"],
            "base_model": facts["base_model"],
            "path": str(p),
            "owner": owner,
            "card": facts["card"],
        }
        rec = validate(ModelRecord, fields, f"{name}@{version}")  # before any file is hashed
        rec = rec.model_copy(update={"digest": weights_digest(p, files)})
        return self.add_model(rec)

    def _model_from_row(self, row: Any, created_at: Any) -> ModelRecord:
        # What is stored is read as it is: validation is for what is about to be written.
        return ModelRecord.model_construct(
            name=row["name"],
            version=row["version"],
            **{c: row[c] for c in MODEL_ATTRS},
            created_at=aware(created_at) if isinstance(created_at, dt.datetime) else None,
        )

    def find_model(self, ref: str) -> ModelRecord | None:
        """The model ``name@version``, or None."""
        with self.reading() as conn:
            row = (
                conn.execute(
                    select(models, nodes.c.created_at)
                    .join(nodes, nodes.c.id == models.c.node_id)
                    .where(nodes.c.ref == ref)
                )
                .mappings()
                .first()
            )
        return None if row is None else self._model_from_row(row, row["created_at"])

    def get_model(self, ref: str) -> ModelRecord:
        """The model ``name@version``; raises NotFound."""
        parse_ref(ref)
        found = self.find_model(ref)
        if found is None:
            raise NotFound(f"{ref}: no such model in the registry")
        return found

    def list_models(
        self, *, status: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[ModelRecord]:
        """Registered models by ref, optionally of one status (at most ``limit``, after skipping
        ``offset``)."""
        q = (
            select(models, nodes.c.created_at)
            .join(nodes, nodes.c.id == models.c.node_id)
            .order_by(nodes.c.ref)
        )
        if status:
            q = q.where(models.c.status == status)
        if limit:
            q = q.limit(limit)
        if offset:
            q = q.offset(offset)
        with self.reading() as conn:
            return [self._model_from_row(r, r["created_at"]) for r in conn.execute(q).mappings()]

    def set_model_status(
        self, ref: str, status: str, reason: str, *, conn: Connection | None = None
    ) -> ModelRecord:
        """Change a model's lifecycle status (ledgered with the reason)."""
        if conn is None:
            with self.writing() as c:
                _writes.set_status(c, self.actor, ref, status, reason)
        else:
            _writes.set_status(conn, self.actor, ref, status, reason)
        return self.get_model(ref)

    # -- datasets ----------------------------------------------------------------------------
    def add_dataset(self, rec: DatasetRecord) -> DatasetRecord:
        """Register a dataset; an identical existing entry is returned, a different one is a Conflict."""
        with self.writing() as conn:
            created, state = _writes.insert_dataset(conn, rec)
            if not created:
                wanted = dataset_state_of(rec)
                if wanted != state:
                    diff = sorted(k for k in wanted if wanted[k] != state[k])
                    raise Conflict(
                        f"{rec.ref}: already registered with different {', '.join(diff)}"
                    )
            else:
                self.ledger_append(conn, [("dataset.add", f"dataset:{rec.ref}", state)])
        return self.get_dataset(rec.ref)

    def find_dataset(self, ref: str) -> DatasetRecord | None:
        """The dataset ``name@version``, or None."""
        with self.reading() as conn:
            row = (
                conn.execute(
                    select(datasets, nodes.c.created_at)
                    .join(nodes, nodes.c.id == datasets.c.node_id)
                    .where(nodes.c.ref == ref)
                )
                .mappings()
                .first()
            )
        if row is None:
            return None
        return DatasetRecord.model_construct(
            name=row["name"],
            version=row["version"],
            **{c: row[c] for c in DATASET_ATTRS},
            created_at=aware(row["created_at"]),
        )

    def get_dataset(self, ref: str) -> DatasetRecord:
        """The dataset ``name@version``; raises NotFound."""
        parse_ref(ref)
        found = self.find_dataset(ref)
        if found is None:
            raise NotFound(f"{ref}: no such dataset in the registry")
        return found

    def list_datasets(self, *, limit: int | None = None, offset: int = 0) -> list[DatasetRecord]:
        """Registered datasets by ref (at most ``limit``, after skipping ``offset``)."""
        q = (
            select(datasets, nodes.c.created_at)
            .join(nodes, nodes.c.id == datasets.c.node_id)
            .order_by(nodes.c.ref)
        )
        if limit:
            q = q.limit(limit)
        if offset:
            q = q.offset(offset)
        with self.reading() as conn:
            return [
                DatasetRecord.model_construct(
                    name=r["name"],
                    version=r["version"],
                    **{c: r[c] for c in DATASET_ATTRS},
                    created_at=aware(r["created_at"]),
                )
                for r in conn.execute(q).mappings()
            ]

    # -- edges -------------------------------------------------------------------------------
    def add_edge(self, parent: str, child: str, relation: str) -> None:
        """Record a lineage edge between two registered nodes (refused if it makes a cycle)."""
        _lineage.check_relations([relation])
        with self.writing() as conn:
            event = _writes.add_edge(conn, parent, child, relation, None)
            _writes.refuse_cycles(conn, [child])
            if event:
                self.ledger_append(conn, [event])

    def bulk_ingest(
        self,
        items: Sequence[ModelRecord | DatasetRecord],
        links: Iterable[tuple[str, str, str]] = (),
    ) -> int:
        """Insert many new models/datasets and their edges in one ledgered transaction."""
        return bulk_ingest(self.engine, self.actor, items, links)

    # -- typed immutable records -------------------------------------------------------------------
    def put(
        self,
        body: B,
        *,
        subject: str | None = None,
        key: str | None = None,
        conn: Connection | None = None,
    ) -> Stored[B]:
        """Store an immutable record (ledgered); pass ``conn`` to join a write transaction."""
        row = self._put_record(body.record_kind, body.dump(), subject=subject, key=key, conn=conn)
        return Stored(**_header(row), body=body)

    def get(self, record_id: str, model: type[B]) -> Stored[B]:
        """The record ``record_id`` read as ``model``; NotFound when absent or of another kind."""
        row = self._row(record_id)
        if row["kind"] != model.record_kind:
            raise NotFound(
                f"{record_id}: not {model.record_kind.noun} (it is {_noun(row['kind'])} record)"
            )
        return _typed(row, model)

    def find(
        self, model: type[B], *, subject: str | None = None, key: str | None = None
    ) -> list[Stored[B]]:
        """Records of ``model``'s kind, newest first, optionally by subject and key."""
        return [_typed(r, model) for r in self._rows(model.record_kind, subject, key)]

    def headers(
        self, kind: str, *, subject: str | None = None, key: str | None = None
    ) -> list[RecordHeader]:
        """The headers of the records of ``kind`` (any kind), newest first: what exists, unread."""
        return [RecordHeader(**_header(r)) for r in self._rows(kind, subject, key)]

    def header(self, record_id: str) -> RecordHeader:
        """What the registry keeps about a record besides its body (any kind); NotFound."""
        return RecordHeader(**_header(self._row(record_id)))

    # The generic dict path, internal to the registry: every caller outside reads typed records.
    def _put_record(
        self,
        kind: str,
        body: dict[str, Any],
        *,
        subject: str | None = None,
        key: str | None = None,
        conn: Connection | None = None,
    ) -> dict[str, Any]:
        if conn is not None:
            return _writes.insert_record(conn, self.actor, kind, body, subject=subject, key=key)
        with self.writing() as c:
            return _writes.insert_record(c, self.actor, kind, body, subject=subject, key=key)

    def _row(self, record_id: str) -> Any:
        with self.reading() as conn:
            row = conn.execute(select(records).where(records.c.id == record_id)).mappings().first()
        if row is None:
            raise NotFound(f"{record_id}: no such record")
        return row

    def _rows(self, kind: str, subject: str | None, key: str | None) -> list[Any]:
        q = select(records).where(records.c.kind == kind)
        if subject is not None:
            q = q.where(records.c.subject == subject)
        if key is not None:
            q = q.where(records.c.key == key)
        q = q.order_by(records.c.created_at.desc(), records.c.id.desc())
        with self.reading() as conn:
            return list(conn.execute(q).mappings())

    # -- distillation records ---------------------------------------------------------------------
    def record(self, doc: DistillationDocument) -> Stored[DistillationDocument]:
        """Record a distillation provenance document: models, datasets, lineage edges, ledger.

        The same document again changes nothing and returns the record it is stored as.
        """
        return self.record_document(doc)[0]

    def record_document(
        self, doc: DistillationDocument, *, same_licence: SameLicence | None = None
    ) -> RecordedDocument:
        """:meth:`record`, whether anything was written (False: the same document again) and
        the ledger events this transaction appended (none of any other writer's).

        A document that states a registered teacher's or dataset's licence, a dataset's kind or
        an API-only teacher's access otherwise is a Conflict naming both values; licences are
        compared by ``same_licence`` (default: the same spelling, undeclared ones aside).
        """
        with self.writing() as conn:
            before = head(conn)[0]
            row, written = record_distillation(conn, self.actor, doc, same_licence=same_licence)
            events = events_after(conn, before)
        if not written:
            return RecordedDocument(_typed(row, DistillationDocument), False, events)
        return RecordedDocument(Stored(**_header(row), body=doc), True, events)

    @overload
    def distillation_for(self, student_ref: str) -> Stored[DistillationDocument] | None: ...
    @overload
    def distillation_for(self, student_ref: str, model: type[B]) -> Stored[B] | None: ...
    def distillation_for(self, student_ref: str, model: Any = DistillationDocument) -> Any:
        """The current provenance record of a student, or None.

        ``model`` reads it another way: a :class:`~heredity.records.ProvenanceDraft` reads a body
        that is not a valid document (the audit reports what is wrong with it).
        """
        rows = self._rows(RecordKind.DISTILLATION, student_ref, None)
        return _typed(rows[0], model) if rows else None

    @overload
    def distillations(self) -> list[Stored[DistillationDocument]]: ...
    @overload
    def distillations(self, model: type[B]) -> list[Stored[B]]: ...
    def distillations(self, model: Any = DistillationDocument) -> Any:
        """The current provenance record of every distilled model (superseded ones left out)."""
        current: dict[str, Any] = {}
        for row in self._rows(RecordKind.DISTILLATION, None, None):
            if row["subject"] and row["subject"] not in current:
                current[row["subject"]] = row
        return [_typed(current[s], model) for s in sorted(current)]

    # -- lineage -----------------------------------------------------------------------------
    def _root(self, conn: Connection, ref: str) -> int:
        if "@" not in ref:
            raise BadInput(f"{ref!r}: write the reference as name@version")
        return _writes.require_node(conn, ref)

    def lineage(
        self,
        ref: str,
        direction: Direction = "up",
        *,
        depth: int | None = None,
        relations: Sequence[str] | None = None,
    ) -> Lineage:
        """Ancestors (``up``) or descendants (``down``) of a model or dataset, with the edges between them."""
        if direction not in ("up", "down"):
            raise BadInput(f"direction: {direction!r} must be up or down", param="direction")
        if depth is not None and depth < 1:
            raise BadInput("depth: must be 1 or more", param="depth")
        rels = _lineage.check_relations(relations)
        with self.reading() as conn:
            return _lineage.lineage(
                conn, self._root(conn, ref), ref, direction, depth=depth, relations=rels
            )

    def ancestors(
        self, ref: str, depth: int | None = None, relations: Sequence[str] | None = None
    ) -> list[LineageNode]:
        """Every model and dataset upstream of ``ref`` (to ``depth``, by ``relations``)."""
        rels = _lineage.check_relations(relations)
        with self.reading() as conn:
            rows = _lineage.walk(conn, self._root(conn, ref), "up", depth=depth, relations=rels)
        return [LineageNode(ref=r[1], kind=r[2], depth=r[3]) for r in rows]  # type: ignore[arg-type]

    def descendants(
        self, ref: str, depth: int | None = None, relations: Sequence[str] | None = None
    ) -> list[LineageNode]:
        """Every model and dataset downstream of ``ref`` (to ``depth``, by ``relations``)."""
        rels = _lineage.check_relations(relations)
        with self.reading() as conn:
            rows = _lineage.walk(conn, self._root(conn, ref), "down", depth=depth, relations=rels)
        return [LineageNode(ref=r[1], kind=r[2], depth=r[3]) for r in rows]  # type: ignore[arg-type]

    def teachers(self, ref: str) -> list[str]:
        """Direct teachers: ``distilled_from`` parents and generators of the datasets it was trained on."""
        with self.reading() as conn:
            node = self._root(conn, ref)
            direct = _lineage.one_hop(conn, node, "up", ["distilled_from"])
            via: list[str] = []
            for ds in _lineage.one_hop(conn, node, "up", ["trained_on"]):
                via += _lineage.one_hop(conn, _writes.require_node(conn, ds), "up", ["generated"])
        return sorted(set(direct) | set(via))

    def students(self, ref: str) -> list[str]:
        """Direct students: ``distilled_from`` children and models trained on data it generated."""
        with self.reading() as conn:
            node = self._root(conn, ref)
            direct = _lineage.one_hop(conn, node, "down", ["distilled_from"])
            via: list[str] = []
            for ds in _lineage.one_hop(conn, node, "down", ["generated"]):
                via += _lineage.one_hop(
                    conn, _writes.require_node(conn, ds), "down", ["trained_on"]
                )
        return sorted(set(direct) | set(via))

    def impact(self, ref: str) -> Impact:
        """Every model and dataset downstream of ``ref`` through every relation, with paths and owners."""
        with self.reading() as conn:
            return _lineage.impact(conn, self._root(conn, ref), ref)

    # -- ledger ------------------------------------------------------------------------------
    def ledger_events(
        self,
        *,
        entity: str | None = None,
        limit: int | None = None,
        after: int | None = None,
        newest_first: bool = False,
        offset: int = 0,
    ) -> list[LedgerEvent]:
        """Ledger events, oldest first (``newest_first``: the newest ``limit`` of them first),
        after skipping ``offset`` of them."""
        q = select(ledger).order_by(ledger.c.seq.desc() if newest_first else ledger.c.seq)
        if entity:
            q = q.where(ledger.c.entity == entity)
        if after:
            q = q.where(ledger.c.seq > after)
        if limit:
            q = q.limit(limit)
        if offset:
            q = q.offset(offset)
        with self.reading() as conn:
            return [LedgerEvent(**dict(r)) for r in conn.execute(q).mappings()]

    def ledger_length(self) -> int:
        """The number of ledger events."""
        with self.reading() as conn:
            return int(conn.execute(select(func.count()).select_from(ledger)).scalar() or 0)

    def verify_ledger(self) -> VerifyResult:
        """Recompute the hash chain, then check every entity's stored state against its last event."""
        with self.reading() as conn:
            cols = [
                ledger.c.seq,
                ledger.c.ts,
                ledger.c.actor,
                ledger.c.action,
                ledger.c.entity,
                ledger.c.payload_hash,
                ledger.c.prev_hash,
                ledger.c.hash,
            ]
            result = verify_chain(conn.execute(select(*cols).order_by(ledger.c.seq)))
            if not result.ok:
                return result
            return verify_entities(conn, result)


def _noun(kind: str) -> str:
    try:
        return RecordKind(kind).noun
    except ValueError:
        return f"a {kind}"
