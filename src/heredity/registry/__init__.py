"""Storage: models, datasets, typed records, lineage (4.4) and the tamper-evident ledger."""

from heredity.records import RecordHeader, Stored
from heredity.registry._digest import weights_digest
from heredity.registry._ledger import LedgerEvent, VerifyResult
from heredity.registry._lineage import (
    RELATIONS,
    Affected,
    Impact,
    Lineage,
    LineageEdge,
    LineageNode,
)
from heredity.registry._record import record_id_for
from heredity.registry._registry import RecordedDocument, Registry, StatusChange, default_actor
from heredity.registry._state import STATUSES

__all__ = [
    "RELATIONS",
    "STATUSES",
    "Affected",
    "Impact",
    "LedgerEvent",
    "Lineage",
    "LineageEdge",
    "LineageNode",
    "RecordHeader",
    "RecordedDocument",
    "Registry",
    "StatusChange",
    "Stored",
    "VerifyResult",
    "default_actor",
    "record_id_for",
    "weights_digest",
]
