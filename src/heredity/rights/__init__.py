"""Rights: the licence knowledge base, the engine that judges a plan, gate and reviews (4.3, 4.8).

Decision support for legal review, not legal advice.
"""

from heredity.records import RecordKind
from heredity.rights._assessment import (
    VERDICTS,
    Obligation,
    RightsAssessment,
    RightsFinding,
    RightsVerdict,
    RuleHit,
    TeacherFinding,
    worst,
)
from heredity.rights._context import (
    Ancestor,
    DatasetFacts,
    LocalLicence,
    ModelFacts,
    RegistryContext,
    RightsContext,
    StaticContext,
    read_local_licence,
)
from heredity.rights._contradictions import (
    Contradiction,
    contradictions,
    refuse_contradictions,
    same_licence,
)
from heredity.rights._engine import assess, document_hash
from heredity.rights._gate import (
    AuthorizationEntry,
    Decider,
    EffectiveRights,
    EvidenceFile,
    EvidenceRecord,
    ReviewEntry,
    RightsAuthorization,
    RightsReview,
    assessments_for,
    authorize,
    clearing_assessment,
    decision_parties,
    effective,
    gate,
    plan_rights,
    record_assessment,
    review,
)
from heredity.rights._kb import (
    BUILTIN_DIR,
    ENV_VAR,
    KnowledgeBase,
    default_knowledge_base,
    load_knowledge_base,
    load_licence_file,
)
from heredity.rights._render import render_assessment, render_effective, render_licence
from heredity.rights._schema import (
    OBLIGATION_KINDS,
    Condition,
    LicenceRule,
    LicenceSpec,
    ObligationSpec,
)

# The record kinds under their old names (the registry's one vocabulary is RecordKind).
ASSESSMENT_KIND = RecordKind.RIGHTS_ASSESSMENT
REVIEW_KIND = RecordKind.RIGHTS_REVIEW
AUTHORIZATION_KIND = RecordKind.RIGHTS_AUTHORIZATION

__all__ = [
    "ASSESSMENT_KIND",
    "AUTHORIZATION_KIND",
    "REVIEW_KIND",
    "AuthorizationEntry",
    "Decider",
    "EffectiveRights",
    "EvidenceFile",
    "EvidenceRecord",
    "ReviewEntry",
    "RightsAuthorization",
    "RightsReview",
    "assessments_for",
    "authorize",
    "clearing_assessment",
    "decision_parties",
    "effective",
    "gate",
    "plan_rights",
    "record_assessment",
    "render_assessment",
    "render_effective",
    "render_licence",
    "review",
    "BUILTIN_DIR",
    "ENV_VAR",
    "OBLIGATION_KINDS",
    "VERDICTS",
    "Ancestor",
    "Condition",
    "RightsFinding",
    "KnowledgeBase",
    "LicenceSpec",
    "Contradiction",
    "DatasetFacts",
    "LocalLicence",
    "ModelFacts",
    "contradictions",
    "refuse_contradictions",
    "same_licence",
    "Obligation",
    "ObligationSpec",
    "RegistryContext",
    "RightsAssessment",
    "RightsContext",
    "LicenceRule",
    "RuleHit",
    "StaticContext",
    "TeacherFinding",
    "RightsVerdict",
    "assess",
    "default_knowledge_base",
    "document_hash",
    "load_knowledge_base",
    "load_licence_file",
    "read_local_licence",
    "worst",
]
