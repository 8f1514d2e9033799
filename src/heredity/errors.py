"""One exception tree for Heredity: every error a user can see carries a readable message.

Exit codes follow DESIGN.md: ``BadInput`` (and its subclasses) -> 2; ``GovernanceRefusal``
(blocked, breach, audit finding, tampering) -> 1.
"""

from __future__ import annotations


class HeredityError(Exception):
    """Base of every error Heredity raises on purpose; ``str(err)`` is the user-facing message.

    ``param`` names the library parameter the message is about when it begins ``param: ...``;
    a shell (the CLI) may show its own name for it instead (``--direction: ...``).
    """

    exit_code = 2

    def __init__(
        self, message: str, *, details: list[str] | None = None, param: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details or [])
        self.param = param

    def renamed(self, name: str) -> str:
        """The message with its leading ``param:`` shown as ``name:`` (unchanged without one)."""
        text = str(self)
        if self.param and text.startswith(f"{self.param}:"):
            return name + text[len(self.param) :]
        return text

    def __str__(self) -> str:
        if not self.details:
            return self.message
        return self.message + "\n" + "\n".join(f"  - {d}" for d in self.details)


class BadInput(HeredityError):
    """Input was malformed or inconsistent: nothing was written (exit 2)."""


class ValidationFailed(BadInput):
    """A document failed validation; ``details`` holds one line per problem, each naming its field."""


class NotFound(BadInput):
    """A referenced model, dataset, record or assessment does not exist."""


class Conflict(BadInput):
    """A write would contradict what is stored (duplicate, changed immutable record, cycle)."""


class BadCredentials(BadInput):
    """The credentials given do not establish an identity (garbled, unknown, revoked or expired
    token, or a claimed name they do not establish): exit 2, nothing written."""


class ConfigError(HeredityError):
    """Heredity's own configuration or data files are broken (for example a malformed licence file)."""


class GovernanceRefusal(HeredityError):
    """A governance check said no (exit 1)."""

    exit_code = 1


class RightsBlocked(GovernanceRefusal):
    """The rights gate did not clear the plan; no compute may be spent on it."""

    def __init__(
        self,
        message: str,
        *,
        assessment: object | None = None,
        details: list[str] | None = None,
        record_id: str | None = None,
    ) -> None:
        super().__init__(message, details=details)
        self.assessment = assessment
        self.record_id = record_id


class TamperDetected(GovernanceRefusal):
    """The ledger or a stored record no longer matches its hash chain."""


class ApprovalRefused(GovernanceRefusal):
    """An approval decision is not allowed (missing evidence, segregation of duties, missing role)."""
