"""The format of a knowledge-base file: one licence or terms version, its sources and its rules.

Rules are data. A rule says under which facts of a plan it applies (``when``), what follows
(``effect``), which obligations it imposes, and which clause of which source it rests on.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Effect = Literal["allow", "condition", "review", "deny"]
IfUnknown = Literal["review", "apply", "skip"]
LicenceKind = Literal["model_licence", "provider_terms", "open_licence", "organisation"]
Evidence = Literal["primary", "secondary", "declared"]
ObligationKind = Literal[
    "name_prefix",
    "attribution",
    "licence_copy",
    "notice",
    "pass_use_restrictions",
    "non_commercial",
    "user_threshold",
    "authorization_required",
]
Role = Literal["teacher", "generator", "init_from", "dataset", "inherited"]
Access = Literal["open-weights", "api", "internal"]

OBLIGATION_KINDS: tuple[str, ...] = ObligationKind.__args__  # type: ignore[attr-defined]
EFFECTS: tuple[str, ...] = Effect.__args__  # type: ignore[attr-defined]

# What a rule does when the plan does not state a fact its condition needs (fail closed).
DEFAULT_IF_UNKNOWN: dict[str, IfUnknown] = {
    "deny": "review",
    "review": "review",
    "condition": "apply",
    "allow": "skip",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _as_list(value: object) -> object:
    if isinstance(value, str):
        return [value]
    return value


class Match(_Strict):
    """A test on a text fact (or on a list fact): ``any`` of the values, ``none`` of them."""

    any: list[str] | None = None
    none: list[str] | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: object) -> object:
        # `access: api` and `access: [api, internal]` mean "any of".
        if isinstance(data, str | list):
            return {"any": _as_list(data)}
        return data

    @model_validator(mode="after")
    def _something(self) -> Match:
        if self.any is None and self.none is None:
            raise ValueError("a match needs `any` or `none`")
        return self


class Contains(_Strict):
    """A test on free text (``intended_use.purpose``): contains ``any`` / ``none`` of the words."""

    any: list[str] | None = None
    none: list[str] | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: object) -> object:
        if isinstance(data, str | list):
            return {"any": _as_list(data)}
        return data

    @model_validator(mode="after")
    def _something(self) -> Contains:
        if self.any is None and self.none is None:
            raise ValueError("a text test needs `any` or `none`")
        return self


class Range(_Strict):
    """A test on a number: every bound given must hold."""

    gt: int | None = None
    ge: int | None = None
    lt: int | None = None
    le: int | None = None

    @model_validator(mode="after")
    def _something(self) -> Range:
        if all(v is None for v in (self.gt, self.ge, self.lt, self.le)):
            raise ValueError("a range needs at least one of gt, ge, lt, le")
        return self


class NameTest(_Strict):
    """A test on the student's short name (the part after the last ``/``)."""

    starts_with: list[str] | None = None
    not_starts_with: list[str] | None = None

    @field_validator("starts_with", "not_starts_with", mode="before")
    @classmethod
    def _list(cls, v: object) -> object:
        return _as_list(v)


class Condition(_Strict):
    """Facts a rule tests; every field given must hold (``any_of`` is an OR of sub-conditions).

    Facts: ``role`` of the judged party (teacher, generator, init_from, dataset, inherited,
    platform); ``access``; ``provider``; ``method``; ``signals`` (any overlap); intended use:
    ``commercial``, ``distribution``, ``distributed`` (made available outside the organisation),
    ``competes`` (the licensor is in ``competes_with``), ``monthly_active_users``, ``regions``;
    ``purpose`` (words in ``intended_use.purpose``); ``general_purpose`` (derived from
    ``intended_use.purpose``: false only when it names a specialised task the terms themselves
    give as non-competing and no general-purpose kind); ``student_base`` (licence ids and
    families of the student's ``init_from`` lineage); ``student_name``.
    """

    role: Match | None = None
    access: Match | None = None
    provider: Match | None = None
    method: Match | None = None
    signals: Match | None = None
    distribution: Match | None = None
    regions: Match | None = None
    student_base: Match | None = None
    purpose: Contains | None = None
    commercial: bool | None = None
    distributed: bool | None = None
    competes: bool | None = None
    general_purpose: bool | None = None
    monthly_active_users: Range | None = None
    student_name: NameTest | None = None
    any_of: list[Condition] | None = None


class ObligationSpec(_Strict):
    """An obligation a rule imposes on the plan or on the student."""

    kind: ObligationKind
    value: str | int | None = None
    explain: str = Field(min_length=1)

    @model_validator(mode="after")
    def _value(self) -> ObligationSpec:
        if self.kind == "name_prefix" and not (isinstance(self.value, str) and self.value):
            raise ValueError("value: a name_prefix obligation needs the prefix as text")
        if self.kind == "user_threshold" and not isinstance(self.value, int):
            raise ValueError("value: a user_threshold obligation needs a whole number of users")
        return self


class LicenceRule(_Strict):
    """One sourced rule: when it applies, what follows, and the clause it rests on."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")
    when: Condition = Field(default_factory=Condition)
    effect: Effect
    clause: str = Field(min_length=1)
    explain: str = Field(min_length=1)
    obligations: list[ObligationSpec] = Field(default_factory=list)
    if_unknown: IfUnknown | None = None
    carries_forward: bool = Field(
        False, description="applies to descendants of a model under this licence (4.3 inheritance)"
    )
    source: str | None = Field(
        None, description="URL of the text, when not the file's first source"
    )
    evidence: Evidence | None = Field(
        None, description="when this rule's grade differs from the file's"
    )

    @property
    def unknown_policy(self) -> IfUnknown:
        """What the rule does when a fact it tests is not stated by the plan."""
        return self.if_unknown or DEFAULT_IF_UNKNOWN[self.effect]


class Source(_Strict):
    url: str = Field(min_length=1)
    title: str | None = None
    note: str | None = None


def _api_only() -> list[Access]:
    return ["api"]


class Platform(_Strict):
    """When a teacher is reached this way, these terms apply on top of its own licence."""

    providers: list[str] = Field(min_length=1)
    access: list[Access] = Field(default_factory=_api_only)


class LicenceSpec(_Strict):
    """One knowledge-base file."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")
    title: str = Field(min_length=1)
    kind: LicenceKind
    version: str = Field(min_length=1)
    date: dt.date | None = None
    evidence: Evidence
    sources: list[Source] = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    family: str | None = None
    licensor: list[str] = Field(default_factory=list, description="providers the terms protect")
    platform: Platform | None = None
    text_markers: list[str] = Field(
        default_factory=list, description="phrases that identify the licence in a LICENSE file"
    )
    summary: str = Field(min_length=1)
    uncertain: str | None = Field(None, description="what about these facts is not verified")
    rules: list[LicenceRule] = Field(min_length=1)

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, v: object) -> object:
        return str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v

    @model_validator(mode="after")
    def _unique_rules(self) -> LicenceSpec:
        ids = [r.id for r in self.rules]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"rules: rule id listed twice: {', '.join(dupes)}")
        return self

    def source_for(self, rule: LicenceRule) -> str:
        """The URL a rule rests on."""
        return rule.source or self.sources[0].url

    def evidence_for(self, rule: LicenceRule) -> Evidence:
        """The evidence grade of a rule."""
        return rule.evidence or self.evidence
