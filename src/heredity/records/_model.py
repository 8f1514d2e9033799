"""Model and dataset records as stored in the registry.

Their fields are bounded as the registry's columns are (``_limits``): a record that validates
fits its row on SQLite and PostgreSQL alike. Records read back from the registry are built
without validation (what is stored is what it is).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from heredity.records._distillation import Access
from heredity.records._limits import (
    MAX_INT64,
    REF_MAX,
    DigestText,
    Label,
    Party,
    PathText,
    Values,
    check_label,
)
from heredity.records._refs import check_name, check_version

_RECORD_CONFIG = ConfigDict(extra="forbid", allow_inf_nan=False)


def _label_of(value: str | None, limit: int) -> str | None:
    if value is not None and len(value) > limit:
        raise ValueError(f"at most {limit} characters")
    return value if value is None else check_label(value)


ModelStatus = Literal["registered", "approved", "deployed", "suspended", "retired"]


class ModelRecord(BaseModel):
    """A model known to the registry, identified by ``name@version``."""

    model_config = _RECORD_CONFIG

    name: str
    version: str
    licence: Label | None = None
    provider: Label | None = None
    access: Access | None = None
    architecture: Label | None = None
    parameters: int | None = Field(None, gt=0, le=MAX_INT64)
    base_model: str | None = Field(None, description="the model it started from (a ref or a name)")
    digest: DigestText | None = Field(None, description="model-signing root digest of the weights")
    path: PathText | None = None
    owner: Party | None = None
    status: ModelStatus = "registered"
    card: Values = Field(default_factory=dict)
    created_at: dt.datetime | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return check_name(v)

    @field_validator("version")
    @classmethod
    def _version(cls, v: str) -> str:
        return check_version(v)

    @field_validator("base_model")
    @classmethod
    def _base(cls, v: str | None) -> str | None:
        return _label_of(v, REF_MAX)

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"


class DatasetRecord(BaseModel):
    """A dataset known to the registry."""

    model_config = _RECORD_CONFIG

    name: str
    version: str
    kind: Literal["real", "synthetic", "hybrid"] = "real"
    licence: Label | None = None
    examples: int | None = Field(None, ge=0, le=MAX_INT64)
    source: PathText | None = None
    fingerprint: DigestText | None = None
    owner: Party | None = None
    created_at: dt.datetime | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return check_name(v)

    @field_validator("version")
    @classmethod
    def _version(cls, v: str) -> str:
        return check_version(v)

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"
