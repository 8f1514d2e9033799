"""Every kind of record the registry stores, in one enumeration (the ``records.kind`` column)."""

from __future__ import annotations

from enum import StrEnum


class RecordKind(StrEnum):
    """The kind of a stored record; its value is what the registry's ``kind`` column holds."""

    DISTILLATION = "distillation"
    EVALUATION = "evaluation"
    RIGHTS_ASSESSMENT = "rights_assessment"
    RIGHTS_REVIEW = "rights_review"
    RIGHTS_AUTHORIZATION = "rights_authorization"
    TRANSFER_ASSESSMENT = "transfer_assessment"
    TRANSFER_WAIVER = "transfer_waiver"
    APPROVAL_POLICY = "approval_policy"
    APPROVAL_REQUEST = "approval_request"
    APPROVAL_DECISION = "approval_decision"
    APPROVAL_REVOCATION = "approval_revocation"
    DEPLOYMENT = "deployment"
    SUSPENSION = "suspension"
    CLEARANCE = "clearance"
    ACTOR = "actor"
    ADMIN_BOOTSTRAP = "admin_bootstrap"
    API_TOKEN = "api_token"
    TOKEN_REVOCATION = "token_revocation"
    INCIDENT = "incident"
    INCIDENT_CLOSE = "incident_close"
    STATUS_CHANGE = "status_change"

    @property
    def noun(self) -> str:
        """The kind in words, with its article: ``a rights assessment``, ``an incident``."""
        words = self.value.replace("_", " ")
        return ("an " if words[0] in "aeiou" else "a ") + words
