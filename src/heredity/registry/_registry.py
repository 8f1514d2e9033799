"""The registry: models, datasets, distillation records, lineage and the ledger, in one database."""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, Engine, Select, func, insert, select, update

from heredity.errors import BadInput, Conflict, NotFound
from heredity.records import (
    DatasetRecord,
    DistillationDocument,
    ModelRecord,
    canonical_json,
    parse_ref,
)
from heredity.registry import _db, _lineage
from heredity.registry._digest import weights_digest
from heredity.registry._ledger import (
    LedgerEvent,
    VerifyResult,
    append_many,
    payload_hash,
    verify_chain,
)
from heredity.registry._lineage import Direction, Impact, Lineage, LineageNode
from heredity.registry._modeldir import describe
from heredity.registry._schema import datasets, edges, ledger, models, nodes, records

STATUSES = ("registered", "approved", "deployed", "suspended", "retired")
MODEL_ATTRS = (
    "licence",
    "provider",
    "access",
    "architecture",
    "parameters",
    "base_model",
    "digest",
    "path",
    "owner",
    "status",
    "card",
)
DATASET_ATTRS = ("kind", "licence", "examples", "source", "fingerprint", "owner")


class StoredRecord(BaseModel):
    """An immutable record in the registry (distillation, assessment, evaluation, approval...)."""

    id: str
    kind: str
    subject: str | None
    key: str | None
    created_at: dt.datetime
    actor: str
    hash: str
    body: dict[str, Any]


def default_actor() -> str:
    """``$HEREDITY_ACTOR`` or the OS user."""
    env = os.environ.get("HEREDITY_ACTOR")
    if env:
        return env
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def model_state(row: Any) -> dict[str, Any]:
    """What the ledger hashes for a model: every column but the internal id."""
    return {
        "ref": f"{row['name']}@{row['version']}",
        "name": row["name"],
        "version": row["version"],
    } | {c: row[c] for c in MODEL_ATTRS}


def dataset_state(row: Any) -> dict[str, Any]:
    return {
        "ref": f"{row['name']}@{row['version']}",
        "name": row["name"],
        "version": row["version"],
    } | {c: row[c] for c in DATASET_ATTRS}


def record_state(row: Any) -> dict[str, Any]:
    created = row["created_at"]
    created = _aware(created).isoformat() if isinstance(created, dt.datetime) else created
    return {
        "id": row["id"],
        "kind": row["kind"],
        "subject": row["subject"],
        "key": row["key"],
        "created_at": created,
        "actor": row["actor"],
        "hash": row["hash"],
        "body": row["body"],
    }


def edge_entity(parent: str, relation: str, child: str) -> str:
    return f"edge:{parent}|{relation}|{child}"


def catalogue_entry_select() -> Select[Any]:
    """``(node_id, ref, kind, owner, status)`` of every node: what an edge into it carries."""
    return (
        select(
            nodes.c.id.label("node_id"),
            nodes.c.ref,
            nodes.c.kind,
            func.coalesce(models.c.owner, datasets.c.owner).label("owner"),
            models.c.status,
        )
        .outerjoin(models, models.c.node_id == nodes.c.id)
        .outerjoin(datasets, datasets.c.node_id == nodes.c.id)
    )


def catalogue_entries(
    conn: Connection, node_ids: Sequence[int]
) -> dict[int, tuple[str, str, str | None, str | None]]:
    """``node id -> (ref, kind, owner, status)`` for the given nodes."""
    q = catalogue_entry_select().where(nodes.c.id.in_(list(node_ids)))
    return {int(r[0]): (r[1], r[2], r[3], r[4]) for r in conn.execute(q)}


class Registry:
    """Heredity's registry. Open with :meth:`open`; every write is ledgered in its own transaction."""

    def __init__(self, engine: Engine, actor: str | None = None) -> None:
        self.engine = engine
        self.actor = actor or default_actor()

    # -- lifecycle ---------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str | None = None, *, actor: str | None = None) -> Registry:
        """Open (creating and migrating as needed) the registry at ``url``."""
        engine = _db.make_engine(_db.resolve_url(url))
        _db.migrate(engine)
        return cls(engine, actor)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction holding the ledger lock; everything in it commits or nothing does."""
        with _db.write_transaction(self.engine) as conn:
            yield conn

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def ledger_append(self, conn: Connection, events: Iterable[tuple[str, str, Any]]) -> int:
        """Append ledger events inside a write transaction of this registry."""
        return append_many(conn, self.actor, events)

    # -- nodes -------------------------------------------------------------------------------
    @staticmethod
    def _node_id(conn: Connection, ref: str, kind: str | None = None) -> int | None:
        q = select(nodes.c.id, nodes.c.kind).where(nodes.c.ref == ref)
        row = conn.execute(q).first()
        if row is None or (kind and row.kind != kind):
            return None
        return int(row.id)

    def _require_node(self, conn: Connection, ref: str, kind: str | None = None) -> int:
        node = self._node_id(conn, ref, kind)
        if node is None:
            noun = kind or "model or dataset"
            raise NotFound(f"{ref}: no such {noun} in the registry")
        return node

    def _new_node(self, conn: Connection, kind: str, ref: str) -> int:
        res = conn.execute(insert(nodes).values(kind=kind, ref=ref, created_at=_utcnow()))
        return int(res.inserted_primary_key[0])  # type: ignore[index]

    # -- models ------------------------------------------------------------------------------
    def _insert_model(self, conn: Connection, rec: ModelRecord) -> tuple[bool, dict[str, Any]]:
        """Insert a model unless present; returns (created, state). Caller ledgers."""
        ref = rec.ref
        existing = (
            conn.execute(
                select(models).join(nodes, nodes.c.id == models.c.node_id).where(nodes.c.ref == ref)
            )
            .mappings()
            .first()
        )
        if existing is not None:
            return False, model_state(existing)
        if self._node_id(conn, ref) is not None:
            raise Conflict(f"{ref}: already registered as a dataset")
        node = self._new_node(conn, "model", ref)
        row = {"node_id": node, "name": rec.name, "version": rec.version} | {
            c: getattr(rec, c) for c in MODEL_ATTRS
        }
        conn.execute(insert(models).values(**row))
        return True, model_state(row)

    def add_model(self, rec: ModelRecord) -> ModelRecord:
        """Register a model; an identical existing entry is returned, a different one is a Conflict."""
        with self.writing() as conn:
            created, state = self._insert_model(conn, rec)
            if not created:
                wanted = model_state(
                    {"name": rec.name, "version": rec.version}
                    | {c: getattr(rec, c) for c in MODEL_ATTRS}
                )
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
        p = Path(path)
        facts = describe(p)
        rec = ModelRecord(
            name=name,
            version=version,
            licence=licence or facts["licence"],
            provider=provider,
            access=access,
            architecture=facts["architecture"],
            parameters=facts["parameters"],
            base_model=facts["base_model"],
            digest=weights_digest(p),
            path=str(p.resolve()),
            owner=owner,
            card=facts["card"],
        )
        return self.add_model(rec)

    def _model_from_row(self, row: Any, created_at: Any) -> ModelRecord:
        return ModelRecord(
            name=row["name"],
            version=row["version"],
            **{c: row[c] for c in MODEL_ATTRS},
            created_at=_aware(created_at) if isinstance(created_at, dt.datetime) else None,
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
        self, *, status: str | None = None, limit: int | None = None
    ) -> list[ModelRecord]:
        q = (
            select(models, nodes.c.created_at)
            .join(nodes, nodes.c.id == models.c.node_id)
            .order_by(nodes.c.ref)
        )
        if status:
            q = q.where(models.c.status == status)
        if limit:
            q = q.limit(limit)
        with self.reading() as conn:
            return [self._model_from_row(r, r["created_at"]) for r in conn.execute(q).mappings()]

    def set_model_status(
        self, ref: str, status: str, reason: str, *, conn: Connection | None = None
    ) -> ModelRecord:
        """Change a model's lifecycle status (ledgered with the reason)."""
        if status not in STATUSES:
            raise BadInput(f"status: {status!r} is not one of {', '.join(STATUSES)}")
        if conn is None:
            with self.writing() as c:
                self._set_status(c, ref, status, reason)
        else:
            self._set_status(conn, ref, status, reason)
        return self.get_model(ref)

    def _set_status(self, conn: Connection, ref: str, status: str, reason: str) -> None:
        node = self._require_node(conn, ref, "model")
        conn.execute(update(models).where(models.c.node_id == node).values(status=status))
        conn.execute(update(edges).where(edges.c.child_id == node).values(child_status=status))
        row = conn.execute(select(models).where(models.c.node_id == node)).mappings().one()
        self.ledger_append(conn, [("model.status", f"model:{ref}", model_state(row))])
        self._insert_record(
            conn,
            "status_change",
            {"model": ref, "status": status, "reason": reason},
            subject=ref,
            key=None,
        )

    # -- datasets ----------------------------------------------------------------------------
    def _insert_dataset(self, conn: Connection, rec: DatasetRecord) -> tuple[bool, dict[str, Any]]:
        ref = rec.ref
        existing = (
            conn.execute(
                select(datasets)
                .join(nodes, nodes.c.id == datasets.c.node_id)
                .where(nodes.c.ref == ref)
            )
            .mappings()
            .first()
        )
        if existing is not None:
            return False, dataset_state(existing)
        if self._node_id(conn, ref) is not None:
            raise Conflict(f"{ref}: already registered as a model")
        node = self._new_node(conn, "dataset", ref)
        row = {"node_id": node, "name": rec.name, "version": rec.version} | {
            c: getattr(rec, c) for c in DATASET_ATTRS
        }
        conn.execute(insert(datasets).values(**row))
        return True, dataset_state(row)

    def add_dataset(self, rec: DatasetRecord) -> DatasetRecord:
        """Register a dataset; an identical existing entry is returned, a different one is a Conflict."""
        with self.writing() as conn:
            created, state = self._insert_dataset(conn, rec)
            if not created:
                wanted = dataset_state(
                    {"name": rec.name, "version": rec.version}
                    | {c: getattr(rec, c) for c in DATASET_ATTRS}
                )
                if wanted != state:
                    diff = sorted(k for k in wanted if wanted[k] != state[k])
                    raise Conflict(
                        f"{rec.ref}: already registered with different {', '.join(diff)}"
                    )
            else:
                self.ledger_append(conn, [("dataset.add", f"dataset:{rec.ref}", state)])
        return self.get_dataset(rec.ref)

    def find_dataset(self, ref: str) -> DatasetRecord | None:
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
        return DatasetRecord(
            name=row["name"],
            version=row["version"],
            **{c: row[c] for c in DATASET_ATTRS},
            created_at=_aware(row["created_at"]),
        )

    def get_dataset(self, ref: str) -> DatasetRecord:
        parse_ref(ref)
        found = self.find_dataset(ref)
        if found is None:
            raise NotFound(f"{ref}: no such dataset in the registry")
        return found

    def list_datasets(self) -> list[DatasetRecord]:
        q = (
            select(datasets, nodes.c.created_at)
            .join(nodes, nodes.c.id == datasets.c.node_id)
            .order_by(nodes.c.ref)
        )
        with self.reading() as conn:
            return [
                DatasetRecord(
                    name=r["name"],
                    version=r["version"],
                    **{c: r[c] for c in DATASET_ATTRS},
                    created_at=_aware(r["created_at"]),
                )
                for r in conn.execute(q).mappings()
            ]

    # -- edges -------------------------------------------------------------------------------
    def _add_edge(
        self, conn: Connection, parent: str, child: str, relation: str, record_id: str | None
    ) -> tuple[str, str, Any] | None:
        p = self._require_node(conn, parent)
        c = self._require_node(conn, child)
        exists = conn.execute(
            select(edges.c.id).where(
                edges.c.parent_id == p, edges.c.child_id == c, edges.c.relation == relation
            )
        ).first()
        if exists:
            return None
        ref, kind, owner, status = catalogue_entries(conn, [c])[c]
        conn.execute(
            insert(edges).values(
                parent_id=p,
                child_id=c,
                relation=relation,
                record_id=record_id,
                child_ref=ref,
                child_kind=kind,
                child_owner=owner,
                child_status=status,
            )
        )
        state = {"parent": parent, "child": child, "relation": relation, "record_id": record_id}
        return ("edge.add", edge_entity(parent, relation, child), state)

    def add_edge(self, parent: str, child: str, relation: str) -> None:
        """Record a lineage edge between two registered nodes (refused if it makes a cycle)."""
        _lineage.check_relations([relation])
        with self.writing() as conn:
            event = self._add_edge(conn, parent, child, relation, None)
            self._refuse_cycles(conn, [child])
            if event:
                self.ledger_append(conn, [event])

    def _refuse_cycles(self, conn: Connection, refs: Sequence[str]) -> None:
        for ref in refs:
            node = self._require_node(conn, ref)
            if self._reaches_itself(conn, node):
                raise Conflict(f"{ref}: this would make it its own ancestor (a lineage cycle)")

    @staticmethod
    def _reaches_itself(conn: Connection, node: int) -> bool:
        # walk() drops the root from its answer, so look for an edge that closes the loop.
        parents = {r[0] for r in _lineage.walk(conn, node, "up", depth=10_000)}
        if not parents:
            return False
        q = (
            select(func.count())
            .select_from(edges)
            .where(edges.c.parent_id == node, edges.c.child_id.in_(parents))
        )
        return bool(conn.execute(q).scalar())

    def bulk_ingest(
        self,
        items: Sequence[ModelRecord | DatasetRecord],
        links: Iterable[tuple[str, str, str]] = (),
    ) -> int:
        """Insert many new models/datasets and their edges in one ledgered transaction."""
        from heredity.registry._bulk import bulk_ingest

        return bulk_ingest(self, items, links)

    # -- generic immutable records ---------------------------------------------------------------
    def _insert_record(
        self,
        conn: Connection,
        kind: str,
        body: dict[str, Any],
        *,
        subject: str | None,
        key: str | None,
        record_id: str | None = None,
    ) -> StoredRecord:
        created = _utcnow()
        body_json = _jsonable(body)
        content_hash = payload_hash(body_json)
        rid = (
            record_id
            or f"{kind[:12]}_{hashlib.sha256((content_hash + created.isoformat()).encode()).hexdigest()[:16]}"
        )
        if conn.execute(select(records.c.id).where(records.c.id == rid)).first():
            raise Conflict(f"record {rid} already exists")
        row = {
            "id": rid,
            "kind": kind,
            "subject": subject,
            "key": key,
            "created_at": created,
            "actor": self.actor,
            "hash": content_hash,
            "body": body_json,
        }
        conn.execute(insert(records).values(**row))
        self.ledger_append(conn, [(f"{kind}.put", f"record:{rid}", record_state(row))])
        return StoredRecord.model_validate(row)

    def put_record(
        self,
        kind: str,
        body: dict[str, Any],
        *,
        subject: str | None = None,
        key: str | None = None,
        conn: Connection | None = None,
    ) -> StoredRecord:
        """Store an immutable record of ``kind`` (ledgered). Pass ``conn`` to join a write transaction."""
        if conn is not None:
            return self._insert_record(conn, kind, body, subject=subject, key=key)
        with self.writing() as c:
            return self._insert_record(c, kind, body, subject=subject, key=key)

    def get_record(self, record_id: str) -> StoredRecord:
        with self.reading() as conn:
            row = conn.execute(select(records).where(records.c.id == record_id)).mappings().first()
        if row is None:
            raise NotFound(f"{record_id}: no such record")
        return _stored(row)

    def find_records(
        self, kind: str, *, subject: str | None = None, key: str | None = None
    ) -> list[StoredRecord]:
        """Records of a kind, newest first, optionally by subject and key."""
        q = select(records).where(records.c.kind == kind)
        if subject is not None:
            q = q.where(records.c.subject == subject)
        if key is not None:
            q = q.where(records.c.key == key)
        q = q.order_by(records.c.created_at.desc(), records.c.id.desc())
        with self.reading() as conn:
            return [_stored(r) for r in conn.execute(q).mappings()]

    # -- distillation records ---------------------------------------------------------------------
    def record(self, doc: DistillationDocument) -> StoredRecord:
        """Record a distillation provenance document: models, datasets, lineage edges, ledger."""
        from heredity.registry._record import record_distillation

        return record_distillation(self, doc)

    def distillation_for(self, student_ref: str) -> StoredRecord | None:
        """The current provenance record of a student, or None."""
        found = self.find_records("distillation", subject=student_ref)
        return found[0] if found else None

    def distillations(self) -> list[StoredRecord]:
        """The current provenance record of every distilled model (superseded ones left out)."""
        current: dict[str, StoredRecord] = {}
        for rec in self.find_records("distillation"):
            if rec.subject and rec.subject not in current:
                current[rec.subject] = rec
        return sorted(current.values(), key=lambda r: r.subject or "")

    # -- lineage -----------------------------------------------------------------------------
    def _root(self, conn: Connection, ref: str) -> int:
        if "@" not in ref:
            raise BadInput(f"{ref!r}: write the reference as name@version")
        return self._require_node(conn, ref)

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
            raise BadInput(f"--direction: {direction!r} must be up or down")
        if depth is not None and depth < 1:
            raise BadInput("--depth: must be 1 or more")
        rels = _lineage.check_relations(relations)
        with self.reading() as conn:
            return _lineage.lineage(
                conn, self._root(conn, ref), ref, direction, depth=depth, relations=rels
            )

    def ancestors(
        self, ref: str, depth: int | None = None, relations: Sequence[str] | None = None
    ) -> list[LineageNode]:
        rels = _lineage.check_relations(relations)
        with self.reading() as conn:
            rows = _lineage.walk(conn, self._root(conn, ref), "up", depth=depth, relations=rels)
        return [LineageNode(ref=r[1], kind=r[2], depth=r[3]) for r in rows]  # type: ignore[arg-type]

    def descendants(
        self, ref: str, depth: int | None = None, relations: Sequence[str] | None = None
    ) -> list[LineageNode]:
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
                via += _lineage.one_hop(conn, self._require_node(conn, ds), "up", ["generated"])
        return sorted(set(direct) | set(via))

    def students(self, ref: str) -> list[str]:
        """Direct students: ``distilled_from`` children and models trained on data it generated."""
        with self.reading() as conn:
            node = self._root(conn, ref)
            direct = _lineage.one_hop(conn, node, "down", ["distilled_from"])
            via: list[str] = []
            for ds in _lineage.one_hop(conn, node, "down", ["generated"]):
                via += _lineage.one_hop(conn, self._require_node(conn, ds), "down", ["trained_on"])
        return sorted(set(direct) | set(via))

    def impact(self, ref: str) -> Impact:
        """Every model and dataset downstream of ``ref`` through every relation, with paths and owners."""
        with self.reading() as conn:
            return _lineage.impact(conn, self._root(conn, ref), ref)

    # -- ledger ------------------------------------------------------------------------------
    def ledger_events(
        self, *, entity: str | None = None, limit: int | None = None, after: int | None = None
    ) -> list[LedgerEvent]:
        q = select(ledger).order_by(ledger.c.seq)
        if entity:
            q = q.where(ledger.c.entity == entity)
        if after:
            q = q.where(ledger.c.seq > after)
        if limit:
            q = q.limit(limit)
        with self.reading() as conn:
            return [LedgerEvent(**dict(r)) for r in conn.execute(q).mappings()]

    def ledger_length(self) -> int:
        with self.reading() as conn:
            return int(conn.execute(select(func.count()).select_from(ledger)).scalar() or 0)

    def verify_ledger(self) -> VerifyResult:
        """Recompute the hash chain, then check every entity's stored state against its last event."""
        from heredity.registry._verify import verify_entities

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


def _stored(row: Any) -> StoredRecord:
    return StoredRecord(
        id=row["id"],
        kind=row["kind"],
        subject=row["subject"],
        key=row["key"],
        created_at=_aware(row["created_at"]),
        actor=row["actor"],
        hash=row["hash"],
        body=row["body"],
    )


def _jsonable(body: dict[str, Any]) -> dict[str, Any]:
    import json

    return json.loads(canonical_json(body))
