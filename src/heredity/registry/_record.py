"""Recording a distillation: validate, register what is missing, write lineage edges (4.1, 4.4)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, select

from heredity.errors import Conflict, NotFound
from heredity.records import (
    DatasetRecord,
    DistillationDocument,
    ModelRecord,
    parse_ref,
)
from heredity.registry._ledger import payload_hash
from heredity.registry._schema import edges, records

if TYPE_CHECKING:
    from heredity.registry._registry import Registry, StoredRecord


def document_hash(doc: DistillationDocument) -> str:
    return payload_hash(doc.model_dump(mode="json"))


def record_id_for(doc: DistillationDocument) -> str:
    return "dist_" + document_hash(doc)[:20]


def _latest(conn: Connection, student: str) -> Any:
    return (
        conn.execute(
            select(records)
            .where(records.c.kind == "distillation", records.c.subject == student)
            .order_by(records.c.created_at.desc(), records.c.id.desc())
            .limit(1)
        )
        .mappings()
        .first()
    )


def record_distillation(reg: Registry, doc: DistillationDocument) -> StoredRecord:
    """Store the document as an immutable record and write its lineage; all or nothing."""
    from heredity.registry._registry import _stored

    student = doc.student.ref
    rid = record_id_for(doc)
    body = doc.model_dump(mode="json")
    with reg.writing() as conn:
        latest = _latest(conn, student)
        if latest is not None and latest["id"] == rid:
            return _stored(latest)  # the same document again: nothing to do
        if latest is not None and doc.supersedes != latest["id"]:
            raise Conflict(
                f"{student} already has provenance record {latest['id']}; records are immutable: "
                f"to amend it, record the changed document with `supersedes: {latest['id']}`"
            )
        if latest is None and doc.supersedes is not None:
            raise NotFound(f"supersedes: {doc.supersedes} is not a provenance record of {student}")
        events: list[tuple[str, str, Any]] = []

        def ensure_model(rec: ModelRecord) -> None:
            created, state = reg._insert_model(conn, rec)
            if created:
                events.append(("model.add", f"model:{rec.ref}", state))

        for t in doc.teachers:
            name, version = parse_ref(t.model)
            ensure_model(
                ModelRecord(
                    name=name,
                    version=version,
                    licence=t.licence,
                    provider=t.provider,
                    access=t.access,
                )
            )
        if doc.student.init_from:
            name, version = parse_ref(doc.student.init_from)
            ensure_model(ModelRecord(name=name, version=version))
        for d in doc.datasets:
            for g in d.generated_by:
                name, version = parse_ref(g)
                ensure_model(ModelRecord(name=name, version=version))
        digest = None
        if doc.student.path:
            from heredity.registry._digest import weights_digest

            digest = weights_digest(doc.student.path)
            produced = doc.run.student_digest if doc.run else None
            if produced and produced != digest:
                raise Conflict(
                    f"student.path: the files at {doc.student.path} (digest {digest}) are not "
                    f"the ones the run produced (run.student_digest {produced})"
                )
        ensure_model(
            ModelRecord(
                name=doc.student.name,
                version=doc.student.version,
                architecture=doc.student.architecture,
                parameters=doc.student.parameters,
                base_model=doc.student.init_from,
                digest=digest,
                path=doc.student.path,
                owner=doc.responsible.name,
                access="internal"
                if not doc.intended_use or doc.intended_use.distribution in (None, "internal")
                else None,
            )
        )
        for d in doc.datasets:
            created, state = reg._insert_dataset(
                conn,
                DatasetRecord(
                    name=d.name,
                    version=d.version,
                    kind=d.kind,
                    licence=d.licence,
                    examples=d.examples,
                    source=d.source,
                    fingerprint=d.fingerprint,
                    owner=doc.responsible.name,
                ),
            )
            if created:
                events.append(("dataset.add", f"dataset:{d.ref}", state))

        if latest is not None:
            events += _retract_edges(reg, conn, latest["id"])

        wanted: list[tuple[str, str, str]] = [
            (t.model, student, "distilled_from") for t in doc.teachers
        ]
        for d in doc.datasets:
            wanted += [(g, d.ref, "generated") for g in d.generated_by]
            wanted.append((d.ref, student, "trained_on"))
        if doc.student.init_from:
            wanted.append((doc.student.init_from, student, "weight_init"))
        for parent, child, relation in wanted:
            ev = reg._add_edge(conn, parent, child, relation, rid)
            if ev:
                events.append(ev)
        reg._refuse_cycles(conn, [student, *(d.ref for d in doc.datasets)])
        reg.ledger_append(conn, events)
        return reg._insert_record(
            conn, "distillation", body, subject=student, key=document_hash(doc), record_id=rid
        )


def _retract_edges(reg: Registry, conn: Connection, record_id: str) -> list[tuple[str, str, Any]]:
    """Edges written by a superseded record are withdrawn (the record itself stays)."""
    from heredity.registry._registry import edge_entity
    from heredity.registry._schema import nodes

    p, c = nodes.alias("p"), nodes.alias("c")
    rows = conn.execute(
        select(edges.c.id, p.c.ref, c.c.ref, edges.c.relation)
        .join(p, p.c.id == edges.c.parent_id)
        .join(c, c.c.id == edges.c.child_id)
        .where(edges.c.record_id == record_id)
    ).all()
    out: list[tuple[str, str, Any]] = []
    for edge_id, parent, child, relation in rows:
        conn.execute(delete(edges).where(edges.c.id == edge_id))
        out.append(
            ("edge.retract", edge_entity(parent, relation, child), {"superseded": record_id})
        )
    return out


__all__ = ["document_hash", "record_distillation", "record_id_for"]
