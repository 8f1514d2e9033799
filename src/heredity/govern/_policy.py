"""Approval policies: versioned data files; a published version is immutable (4.5)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from heredity.errors import BadInput, Conflict, NotFound
from heredity.identity import Role
from heredity.records import RecordBody, RecordKind, Stored, content_hash, load_mapping, validate

if TYPE_CHECKING:
    from heredity.registry import Registry

POLICY_DIR = Path(__file__).parent / "policies"
DEFAULT_POLICY = "default"
IncidentKind = Literal["safety", "rights", "data", "bias"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class EvidenceRules(_Strict):
    """What a student must show before anyone may approve it."""

    provenance: bool = True
    rights_before_run: bool = True
    transfer: bool = True
    waivers: bool = True
    inconclusive_blocks: bool = True
    own_evaluations: bool = True
    suites: list[str] = Field(
        default_factory=list, description="required besides the plan's suites"
    )


class Approvers(_Strict):
    """Who must approve: one decision per role, each from a different actor."""

    roles: list[Role] = Field(min_length=1)
    legal_when_obligations: bool = True
    waiver_roles: list[Role] = Field(default_factory=lambda: list[Role](["safety", "model_risk"]))


class IncidentRules(_Strict):
    suspend: list[IncidentKind] = Field(
        default_factory=lambda: list[IncidentKind](["safety", "rights", "data", "bias"])
    )


class ApprovalPolicy(_Strict):
    """An approval policy as written in its YAML file."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    version: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9._+-]*$")
    title: str = ""
    description: str = ""
    evidence: EvidenceRules = Field(default_factory=EvidenceRules)
    approvers: Approvers
    max_validity_days: int | None = Field(365, gt=0)
    incidents: IncidentRules = Field(default_factory=IncidentRules)

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, v: object) -> object:
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v

    @property
    def ref(self) -> str:
        """``id@version``: what every decision names."""
        return f"{self.id}@{self.version}"

    @property
    def digest(self) -> str:
        """Content hash of the policy (what publication freezes)."""
        return "sha256:" + content_hash(self.model_dump(mode="json"))

    def required_roles(self, obligations: bool) -> list[str]:
        """Approver roles for a student; legal is added when its rights verdict carried obligations."""
        roles: list[str] = list(dict.fromkeys(self.approvers.roles))
        if obligations and self.approvers.legal_when_obligations and "legal" not in roles:
            roles.append("legal")
        return roles


def available_approval_policies() -> list[str]:
    """Names of the approval policies shipped with Heredity."""
    return sorted(p.stem for p in POLICY_DIR.glob("*.yaml"))


def load_policy_file(path: str | Path) -> ApprovalPolicy:
    """Read and validate an approval policy file (BadInput naming the file and field)."""
    return validate(ApprovalPolicy, load_mapping(path), f"approval policy {path}")


def builtin_policy(name: str = DEFAULT_POLICY) -> ApprovalPolicy:
    """A policy shipped with Heredity, by file name."""
    path = POLICY_DIR / f"{name}.yaml"
    if not path.is_file():
        raise NotFound(
            f"no shipped approval policy {name!r} (shipped: {', '.join(available_approval_policies())})"
        )
    return load_policy_file(path)


class PolicyPublication(RecordBody):
    """A published policy version (body of an ``approval_policy`` record): frozen by its digest."""

    model_config = ConfigDict(extra="forbid")
    record_kind = RecordKind.APPROVAL_POLICY

    format: int = 1
    policy: ApprovalPolicy
    ref: str
    digest: str
    supersedes: str | None = Field(description="the version it follows (id@version)")


PublishedPolicy = Stored[PolicyPublication]


def publish_policy(registry: Registry, policy: ApprovalPolicy) -> PublishedPolicy:
    """Publish a policy version. Publishing it again unchanged is a no-op; changed, a Conflict."""
    existing = registry.find(PolicyPublication, key=policy.ref)
    if existing:
        if existing[-1].body.digest != policy.digest:
            raise Conflict(
                f"approval policy {policy.ref} is published and cannot be edited; "
                f"publish the change as a new version (raise `version` in the file)"
            )
        return existing[-1]
    earlier = registry.find(PolicyPublication, subject=policy.id)
    body = PolicyPublication(
        policy=policy,
        ref=policy.ref,
        digest=policy.digest,
        supersedes=earlier[0].body.ref if earlier else None,
    )
    return registry.put(body, subject=policy.id, key=policy.ref)


def published(registry: Registry, ref: str) -> tuple[ApprovalPolicy, PublishedPolicy]:
    """A published policy by ``id@version`` (the first publication of it)."""
    found = registry.find(PolicyPublication, key=ref)
    if not found:
        raise NotFound(
            f"approval policy {ref}: not published (heredity approval policy publish FILE)"
        )
    return found[-1].body.policy, found[-1]


def published_policies(registry: Registry) -> list[PublishedPolicy]:
    """Every published policy version, newest first."""
    return registry.find(PolicyPublication)


def lookup_policy(
    registry: Registry, name: str | Path = DEFAULT_POLICY
) -> tuple[ApprovalPolicy, PublishedPolicy | None]:
    """A policy as :func:`resolve_policy` would apply it, without publishing anything: the
    published version when there is one (``id@version``, or an id's newest version), else the
    file or the shipped policy, with None for its publication."""
    text = str(name)
    if "@" in text and not Path(text).exists():
        return published(registry, text)
    found = registry.find(PolicyPublication, subject=text)
    if found:
        return found[0].body.policy, found[0]
    if text.endswith((".yaml", ".yml", ".json")) or "/" in text or Path(text).is_file():
        return load_policy_file(text), None
    return builtin_policy(text), None


def resolve_policy(
    registry: Registry, name: str | Path | None = None
) -> tuple[ApprovalPolicy, PublishedPolicy]:
    """The policy to apply, published: ``id@version``, a policy id (its newest version), a file, or
    a shipped name. A file or shipped policy is published on first use (Conflict if it changed)."""
    text = str(name) if name is not None else DEFAULT_POLICY
    if "@" in text and not Path(text).exists():
        return published(registry, text)
    if text.endswith((".yaml", ".yml", ".json")) or "/" in text or Path(text).is_file():
        policy = load_policy_file(text)
        rec = publish_policy(registry, policy)
        return policy, rec
    versions = registry.find(PolicyPublication, subject=text)
    if versions:
        return versions[0].body.policy, versions[0]
    if text in available_approval_policies():
        policy = builtin_policy(text)
        return policy, publish_policy(registry, policy)
    raise BadInput(
        f"policy: {text!r} is neither a published policy nor a policy file "
        f"(shipped: {', '.join(available_approval_policies())})",
        param="policy",
    )
