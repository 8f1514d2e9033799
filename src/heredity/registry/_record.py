"""Recording a distillation: validate, register what is missing, write lineage edges (4.1, 4.4)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, delete, select

from heredity.errors import BadInput, Conflict, NotFound
from heredity.records import (
    DatasetRecord,
    DistillationDocument,
    ModelRecord,
    RecordKind,
    document_hash,
    parse_ref,
    validate,
)
from heredity.registry import _lineage, _writes
from heredity.registry._digest import weights_digest
from heredity.registry._ledger import Event
from heredity.registry._schema import datasets, edges, ledger, models, nodes, records
from heredity.registry._state import edge_entity


def record_id_for(doc: DistillationDocument) -> str:
    """The id a document is recorded under: the same document always gets the same id."""
    return "dist_" + document_hash(doc)[:20]


def _latest(conn: Connection, student: str) -> Any:
    return (
        conn.execute(
            select(records)
            .where(records.c.kind == RecordKind.DISTILLATION, records.c.subject == student)
            .order_by(records.c.created_at.desc(), records.c.id.desc())
            .limit(1)
        )
        .mappings()
        .first()
    )


SameLicence = Callable[[str | None, str | None], bool]
_UNDECLARED = frozenset({"", "unknown", "other", "none", "unspecified", "noassertion", "null"})


def _spelling(name: str) -> str:
    return re.sub(r"[\s_]+", "-", name.strip().lower())


def literal_same_licence(a: str | None, b: str | None) -> bool:
    """Two licence names that do not contradict: either undeclared, or spelled the same."""
    if a is None or b is None or _spelling(a) in _UNDECLARED or _spelling(b) in _UNDECLARED:
        return True
    return _spelling(a) == _spelling(b)


def _registered_by(conn: Connection, entity: str) -> str:
    ev = conn.execute(
        select(ledger.c.seq, ledger.c.actor, ledger.c.ts)
        .where(ledger.c.entity == entity)
        .order_by(ledger.c.seq)
        .limit(1)
    ).first()
    if ev is None:
        return "the registry"
    return (
        f"the registry (registered by {ev.actor} at {str(ev.ts)[:19]} UTC, ledger event {ev.seq})"
    )


def contradictions(
    conn: Connection, doc: DistillationDocument, same_licence: SameLicence
) -> list[str]:
    """What the document states otherwise than the registry about its teachers and datasets."""
    out: list[str] = []

    def say(field: str, ref: str, entity: str, stored: object, planned: object) -> None:
        out.append(
            f"{field} of {ref}: {_registered_by(conn, entity)} says {stored}; "
            f"the plan says {planned}"
        )

    for i, t in enumerate(doc.teachers):
        row = conn.execute(
            select(models.c.licence, models.c.access, models.c.provider)
            .join(nodes, nodes.c.id == models.c.node_id)
            .where(nodes.c.ref == t.model)
        ).first()
        if row is None:
            continue
        if not same_licence(t.licence, row.licence):
            say(f"teachers[{i}].licence", t.model, f"model:{t.model}", row.licence, t.licence)
        if row.access == "api" and t.access in ("open-weights", "internal"):
            say(f"teachers[{i}].access", t.model, f"model:{t.model}", "api", t.access)
        if (
            t.provider
            and row.provider
            and "api" in (t.access, row.access)
            and t.provider.strip().casefold() != row.provider.strip().casefold()
        ):
            say(f"teachers[{i}].provider", t.model, f"model:{t.model}", row.provider, t.provider)
    for j, d in enumerate(doc.datasets):
        ds = conn.execute(
            select(datasets.c.licence, datasets.c.kind)
            .join(nodes, nodes.c.id == datasets.c.node_id)
            .where(nodes.c.ref == d.ref)
        ).first()
        if ds is None:
            continue
        if not same_licence(d.licence, ds.licence):
            say(f"datasets[{j}].licence", d.ref, f"dataset:{d.ref}", ds.licence, d.licence)
        if ds.kind != d.kind:
            say(f"datasets[{j}].kind", d.ref, f"dataset:{d.ref}", ds.kind, d.kind)
    return out


def record_distillation(
    conn: Connection,
    actor: str,
    doc: DistillationDocument,
    *,
    same_licence: SameLicence | None = None,
) -> tuple[dict[str, Any], bool]:
    """Store the document as an immutable record and write its lineage, in the caller's write
    transaction: ``(stored row, whether it was written)`` (False: the same document again).

    A document that contradicts the registry about a teacher or dataset is a Conflict naming
    both values (:func:`contradictions`); nothing is written."""
    student = doc.student.ref
    rid = record_id_for(doc)
    latest = _latest(conn, student)
    if latest is not None and latest["id"] == rid:
        return dict(latest), False
    if latest is not None and doc.supersedes != latest["id"]:
        raise Conflict(
            f"{student} already has provenance record {latest['id']}; records are immutable: "
            f"to amend it, record the changed document with `supersedes: {latest['id']}`"
        )
    if latest is None and doc.supersedes is not None:
        raise NotFound(f"supersedes: {doc.supersedes} is not a provenance record of {student}")
    found = contradictions(conn, doc, same_licence or literal_same_licence)
    if found:
        raise Conflict(
            f"{student}: the document contradicts what is registered; nothing was recorded. "
            "Correct the document to match (or register a new version with the right facts)",
            details=found,
        )
    events: list[Event] = []

    def ensure_model(rec: ModelRecord) -> None:
        created, state = _writes.insert_model(conn, rec)
        if created:
            events.append(("model.add", f"model:{rec.ref}", state))

    _refuse_own_ancestors(conn, doc)
    for i, t in enumerate(doc.teachers):
        name, version = parse_ref(t.model)
        ensure_model(
            _model(
                f"teachers[{i}]",
                name=name,
                version=version,
                licence=t.licence,
                provider=t.provider,
                access=t.access,
            )
        )
    if doc.student.init_from:
        name, version = parse_ref(doc.student.init_from)
        ensure_model(_model("student.init_from", name=name, version=version))
    for i, d in enumerate(doc.datasets):
        for g in d.generated_by:
            name, version = parse_ref(g)
            ensure_model(_model(f"datasets[{i}].generated_by", name=name, version=version))
    digest = None
    if doc.student.path:
        try:
            digest = weights_digest(doc.student.path)
        except BadInput as exc:
            raise BadInput(f"student.path: {exc}") from None
        produced = doc.run.student_digest if doc.run else None
        if produced and produced != digest:
            raise Conflict(
                f"student.path: the files at {doc.student.path} (digest {digest}) are not "
                f"the ones the run produced (run.student_digest {produced})"
            )
    ensure_model(
        _model(
            "student",
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
    for i, d in enumerate(doc.datasets):
        created, state = _writes.insert_dataset(
            conn,
            validate(
                DatasetRecord,
                dict(
                    name=d.name,
                    version=d.version,
                    kind=d.kind,
                    licence=d.licence,
                    examples=d.examples,
                    source=d.source,
                    fingerprint=d.fingerprint,
                    owner=doc.responsible.name,
                ),
                f"datasets[{i}]",
            ),
        )
        if created:
            events.append(("dataset.add", f"dataset:{d.ref}", state))

    if latest is not None:
        events += _retract_edges(conn, latest["id"])

    wanted: list[tuple[str, str, str]] = [
        (t.model, student, "distilled_from") for t in doc.teachers
    ]
    for d in doc.datasets:
        wanted += [(g, d.ref, "generated") for g in d.generated_by]
        wanted.append((d.ref, student, "trained_on"))
    if doc.student.init_from:
        wanted.append((doc.student.init_from, student, "weight_init"))
    for parent, child, relation in wanted:
        ev = _writes.add_edge(conn, parent, child, relation, rid)
        if ev:
            events.append(ev)
    _writes.refuse_cycles(conn, [student, *(d.ref for d in doc.datasets)])
    _writes.ledger(conn, actor, events)
    row = _writes.insert_record(
        conn,
        actor,
        RecordKind.DISTILLATION,
        doc.dump(),
        subject=student,
        key=document_hash(doc),
        record_id=rid,
    )
    return row, True


def _model(source: str, **fields: Any) -> ModelRecord:
    return validate(ModelRecord, fields, source)


def _refuse_own_ancestors(conn: Connection, doc: DistillationDocument) -> None:
    """A parent the document names that already descends from the student would make the student
    its own ancestor: refused naming the field, before anything is written."""
    student = _writes.node_id(conn, doc.student.ref)
    if student is None:
        return
    below = {ref for _, ref, _, _ in _lineage.walk(conn, student, "down", depth=10_000)}
    if not below:
        return
    named = [(f"teachers[{i}].model", t.model) for i, t in enumerate(doc.teachers)]
    named += [("student.init_from", doc.student.init_from)] if doc.student.init_from else []
    for i, d in enumerate(doc.datasets):
        named.append((f"datasets[{i}]", d.ref))
        named += [(f"datasets[{i}].generated_by", g) for g in d.generated_by]
    for field, ref in named:
        if ref in below:
            raise Conflict(
                f"{field}: {ref} descends from {doc.student.ref} in the registry; a model "
                "cannot be its own ancestor (a lineage cycle)"
            )


def _retract_edges(conn: Connection, record_id: str) -> list[Event]:
    """Edges written by a superseded record are withdrawn (the record itself stays)."""
    p, c = nodes.alias("p"), nodes.alias("c")
    rows = conn.execute(
        select(edges.c.id, p.c.ref, c.c.ref, edges.c.relation)
        .join(p, p.c.id == edges.c.parent_id)
        .join(c, c.c.id == edges.c.child_id)
        .where(edges.c.record_id == record_id)
    ).all()
    out: list[Event] = []
    for edge_id, parent, child, relation in rows:
        conn.execute(delete(edges).where(edges.c.id == edge_id))
        out.append(
            ("edge.retract", edge_entity(parent, relation, child), {"superseded": record_id})
        )
    return out


__all__ = [
    "SameLicence",
    "contradictions",
    "literal_same_licence",
    "record_distillation",
    "record_id_for",
]
