"""Typed records: the distillation provenance document, models, datasets and results."""

from heredity.records._body import Part, RecordBody, RecordHeader, Stored
from heredity.records._distillation import (
    FORMAT_VERSION,
    Config,
    ConfigConflict,
    Dataset,
    DistillationDocument,
    EvaluationPlan,
    Expectations,
    Framework,
    IntendedUse,
    LossTerm,
    Responsible,
    Run,
    Stage,
    Student,
    Teacher,
    TeacherCheck,
)
from heredity.records._hashing import (
    canonical_json,
    content_hash,
    document_hash,
    event_material,
    fingerprint,
    fingerprints,
    sha256_hex,
)
from heredity.records._io import load_mapping, parse_mapping, validate
from heredity.records._kinds import RecordKind
from heredity.records._load import load_document, parse_document
from heredity.records._model import DatasetRecord, ModelRecord
from heredity.records._refs import make_ref, parse_ref, short_name, split_ref
from heredity.records._results import DIMENSIONS, ITEM_DIMENSIONS, ItemResult
from heredity.records._schema import schema_for

__all__ = [
    "DIMENSIONS",
    "ITEM_DIMENSIONS",
    "FORMAT_VERSION",
    "Config",
    "ConfigConflict",
    "Dataset",
    "DatasetRecord",
    "DistillationDocument",
    "EvaluationPlan",
    "Expectations",
    "Framework",
    "IntendedUse",
    "ItemResult",
    "LossTerm",
    "ModelRecord",
    "Part",
    "RecordBody",
    "RecordHeader",
    "RecordKind",
    "Responsible",
    "Run",
    "Stage",
    "Stored",
    "Student",
    "Teacher",
    "TeacherCheck",
    "canonical_json",
    "content_hash",
    "document_hash",
    "event_material",
    "fingerprint",
    "fingerprints",
    "load_document",
    "load_mapping",
    "make_ref",
    "parse_document",
    "parse_mapping",
    "parse_ref",
    "schema_for",
    "sha256_hex",
    "short_name",
    "split_ref",
    "validate",
]
