"""Typed record bodies and the stored records that carry them.

Every kind of record the registry stores has one body model (a :class:`RecordBody`), defined
next to the code that owns it (rights assessments in ``rights``, approvals in ``govern``...). A
body names its :class:`RecordKind`, carries a ``format`` version and knows how to bring an
older stored format up to date (:meth:`RecordBody.upgrade`). The registry stores
:meth:`RecordBody.dump` and returns :class:`Stored` records whose ``body`` is the model.

Stored bodies are immutable and hashed, so a body must dump to exactly the JSON that was stored
for it. Two rules keep that true:

* Format 1 is the shape every kind had before bodies were typed. Most kinds stored no format
  key then; their format-1 bodies still store none (``format_key_since`` is 2). A kind whose
  body always carried its format (a transfer assessment's ``format``, a distillation
  document's ``heredity``) sets ``format_key_since = 1``.
* Optional parts that the untyped code left out when empty are left out again: ``omit_none``
  names fields dropped when None, and a :class:`Part` with ``sparse = True`` dumps only the
  fields it was given.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Generic, Self, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    SerializerFunctionWrapHandler,
    ValidationError,
    model_serializer,
)

from heredity.errors import BadInput
from heredity.records._kinds import RecordKind
from heredity.records._validation import validation_failed


class Part(BaseModel):
    """A part of a record body: drops ``omit_none`` fields when None; ``sparse`` parts dump only
    the fields they were given (as the untyped code wrote them)."""

    omit_none: ClassVar[frozenset[str]] = frozenset()
    sparse: ClassVar[bool] = False

    @model_serializer(mode="wrap")
    def _dump_stored_shape(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if not isinstance(data, dict):
            return data
        if self.sparse:
            given = self.model_fields_set | set(self.__pydantic_extra__ or {})
            data = {k: v for k, v in data.items() if k in given}
        for name in self.omit_none:
            if name in data and data[name] is None:
                del data[name]
        return self._shape(data)

    def _shape(self, data: dict[str, Any]) -> dict[str, Any]:
        """Last adjustments of the dumped mapping (a subclass hook)."""
        return data


class RecordBody(Part):
    """The body of one kind of stored record.

    Subclasses set ``record_kind`` and declare their format field (``format: int = 1``, raised
    with each change of shape, with :meth:`upgrade` reading the older ones).
    """

    record_kind: ClassVar[RecordKind]
    format_key: ClassVar[str] = "format"
    format_key_since: ClassVar[int] = 2

    @classmethod
    def current_format(cls) -> int:
        """The format this model writes."""
        default = cls.model_fields[cls.format_key].default
        return int(default)

    @classmethod
    def upgrade(cls, data: dict[str, Any], from_format: int) -> dict[str, Any]:
        """Bring a stored body of ``from_format`` to the current format.

        Format 1 is the current format of every kind so far: the step is the identity, and
        each kind's test reads the format-1 bodies of a registry written before bodies were
        typed. A kind that changes shape raises its format and converts the older ones here.
        """
        if from_format != cls.current_format():
            raise BadInput(
                f"{cls.record_kind.value} records of format {from_format} cannot be read "
                f"(this Heredity reads format {cls.current_format()})"
            )
        return data

    @classmethod
    def read(cls, data: Any, *, source: str = "stored record") -> Self:
        """Validate a stored body, upgrading it first when it is of an older format."""
        if not isinstance(data, dict):
            raise BadInput(f"{source}: the body is not a mapping")
        stored = data.get(cls.format_key, 1)
        if not isinstance(stored, int) or isinstance(stored, bool) or stored < 1:
            raise BadInput(f"{source}: {cls.format_key}: {stored!r} is not a format version")
        current = cls.current_format()
        if stored > current:
            raise BadInput(
                f"{source}: {cls.format_key} {stored} was written by a newer Heredity "
                f"(this one reads {cls.record_kind.value} records up to format {current})"
            )
        if stored < current:
            data = cls.upgrade(dict(data), stored) | {cls.format_key: current}
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise validation_failed(exc, source) from None

    def dump(self) -> dict[str, Any]:
        """The JSON mapping the registry stores (and hashes) for this body."""
        data: dict[str, Any] = self.model_dump(mode="json")
        return data

    def _shape(self, data: dict[str, Any]) -> dict[str, Any]:
        key = self.format_key
        if key in data and isinstance(data[key], int) and data[key] < self.format_key_since:
            del data[key]
        return data


B = TypeVar("B", bound=RecordBody)


class RecordHeader(BaseModel):
    """What the registry keeps about a stored record besides its body."""

    model_config = ConfigDict(frozen=True)

    id: str
    kind: str
    subject: str | None
    key: str | None
    created_at: dt.datetime
    actor: str
    hash: str


class Stored(RecordHeader, Generic[B]):
    """An immutable stored record with its typed body."""

    body: B


__all__ = ["B", "Part", "RecordBody", "RecordHeader", "Stored"]
