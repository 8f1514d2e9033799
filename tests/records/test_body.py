"""Record bodies: formats (stored and implicit), upgrades, the stored shape, typed stored records."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import pytest

from heredity.errors import BadInput, ValidationFailed
from heredity.records import Part, RecordBody, RecordKind, Stored


class Closing(RecordBody):
    """A body of format 1 (stored without a format key, as before bodies were typed)."""

    record_kind = RecordKind.INCIDENT_CLOSE
    omit_none: ClassVar[frozenset[str]] = frozenset({"note"})

    format: int = 1
    incident: str
    resolution: str
    note: str | None = None


class Closing2(RecordBody):
    """The same kind raised to format 2: ``resolution`` split into ``summary`` and ``by``."""

    record_kind = RecordKind.INCIDENT_CLOSE

    format: int = 2
    incident: str
    summary: str
    by: str

    @classmethod
    def upgrade(cls, data: dict[str, Any], from_format: int) -> dict[str, Any]:
        if from_format == 1:
            text = data.pop("resolution")
            return data | {"summary": text, "by": "(not recorded before format 2)"}
        return super().upgrade(data, from_format)


class Links(Part):
    sparse = True

    a: str | None = None
    b: str | None = None


def test_format_1_is_stored_without_its_key_and_read_without_one() -> None:
    body = Closing(incident="inc_1", resolution="patched")
    assert body.dump() == {"incident": "inc_1", "resolution": "patched"}  # no format, no note
    again = Closing.read(body.dump())
    assert again == body and again.format == 1
    assert Closing(incident="i", resolution="r", note="n").dump()["note"] == "n"


def test_an_older_format_is_upgraded_and_the_new_one_stores_its_key() -> None:
    old = {"incident": "inc_1", "resolution": "patched"}
    body = Closing2.read(old)
    assert body.format == 2 and body.summary == "patched" and body.by.startswith("(not")
    assert body.dump()["format"] == 2
    assert Closing2.read(body.dump()) == body


def test_a_newer_or_unreadable_format_is_refused() -> None:
    with pytest.raises(BadInput, match="written by a newer Heredity"):
        Closing.read({"format": 2, "incident": "i", "summary": "s", "by": "b"})
    with pytest.raises(BadInput, match="is not a format version"):
        Closing.read({"format": "one", "incident": "i", "resolution": "r"})
    with pytest.raises(ValidationFailed, match="record x: 1 problem") as err:
        Closing.read({"incident": "i"}, source="record x")
    assert err.value.details == ["resolution: required"]


def test_a_sparse_part_dumps_what_it_was_given() -> None:
    assert Links(a="x").model_dump() == {"a": "x"}
    assert Links.model_validate({"b": None}).model_dump() == {"b": None}


def test_stored_carries_the_typed_body() -> None:
    rec = Stored(
        id="r1",
        kind=RecordKind.INCIDENT_CLOSE,
        subject=None,
        key="inc_1",
        created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        actor="ray",
        hash="h",
        body=Closing(incident="inc_1", resolution="patched"),
    )
    assert rec.body.resolution == "patched"
    assert rec.model_dump(mode="json")["body"] == {"incident": "inc_1", "resolution": "patched"}


def test_record_kind_nouns() -> None:
    assert RecordKind.INCIDENT.noun == "an incident"
    assert RecordKind.RIGHTS_ASSESSMENT.noun == "a rights assessment"
