"""Safety-transfer assessment: paired statistics, threshold policies and verdicts (4.2, 4.6)."""

from heredity.records import RecordKind
from heredity.transfer._assess import assess_transfer
from heredity.transfer._models import (
    Calibration,
    Comparison,
    DimensionResult,
    Estimate,
    Flips,
    ModelCalibration,
    MultiTeacherAssessment,
    Overall,
    SliceCoherence,
    TeacherRole,
    Threshold,
    TransferAssessment,
    TransferVerdict,
    Unpaired,
)
from heredity.transfer._multi import assess_multi_teacher
from heredity.transfer._pairing import Pair, Pairing, pair_results
from heredity.transfer._pipeline import (
    DEFAULT_SUITES,
    ROLE_DIMENSIONS,
    assess_files,
    assess_models,
    assess_results,
    plan_for,
    roles_of,
)
from heredity.transfer._policy import (
    Bootstrap,
    Policy,
    ThresholdRule,
    available_threshold_policies,
    load_policy,
)
from heredity.transfer._stats import (
    bbq_bias_score,
    bootstrap_interval,
    bootstrap_p_value,
    brier_score,
    ece_equal_mass,
    mcnemar_exact,
    newcombe_paired_interval,
    wilson_interval,
)
from heredity.transfer._store import (
    DimensionSummary,
    ModelLink,
    TransferAssessmentRecord,
    TransferEvidence,
    assessment_from_record,
    store_assessment,
)

# The record kind under its old name (the registry's one vocabulary is RecordKind).
RECORD_KIND = RecordKind.TRANSFER_ASSESSMENT

__all__ = [
    "DEFAULT_SUITES",
    "ROLE_DIMENSIONS",
    "assess_files",
    "assess_models",
    "assess_results",
    "plan_for",
    "roles_of",
    "RECORD_KIND",
    "DimensionSummary",
    "ModelLink",
    "TransferAssessmentRecord",
    "TransferEvidence",
    "Bootstrap",
    "Calibration",
    "Comparison",
    "DimensionResult",
    "Estimate",
    "Flips",
    "ModelCalibration",
    "MultiTeacherAssessment",
    "Overall",
    "Pair",
    "Pairing",
    "Policy",
    "ThresholdRule",
    "SliceCoherence",
    "TeacherRole",
    "Threshold",
    "TransferAssessment",
    "Unpaired",
    "TransferVerdict",
    "assess_multi_teacher",
    "assess_transfer",
    "assessment_from_record",
    "available_threshold_policies",
    "bbq_bias_score",
    "bootstrap_interval",
    "bootstrap_p_value",
    "brier_score",
    "ece_equal_mass",
    "load_policy",
    "mcnemar_exact",
    "newcombe_paired_interval",
    "pair_results",
    "store_assessment",
    "wilson_interval",
]
