"""Limits on every value Heredity stores: ranges, lengths, characters, finite numbers, dates.

One set of rules, checked twice: by the record models when a document, a record or an option is
read (so ``validate`` refuses what ``record`` would), and by the registry's write layer just
before a row is written (the last guard, whatever the surface). Both backends therefore refuse
the same values with the same message, and nothing reaches a database error.

* Integers fit a signed 64-bit column (``MIN_INT64`` .. ``MAX_INT64``); counts are ``>= 0``,
  parameter counts ``> 0``.
* Floats are finite: no ``NaN``, ``Infinity`` (JSON) or ``.inf``/``.nan`` (YAML).
* Text holds no NUL character; names, licences and other labels hold no control characters
  (C0, DEL, C1, line and paragraph separators, bidirectional controls) either.
* Lengths match the registry's columns: names 200, versions 64, licences, providers and other
  labels 100, owners and people 200, digests and fingerprints 80, paths 4,096, free text 65,536.
* Dates and times are not in the future (one day of slack for time zones); a naive time is read
  as UTC when it is compared.

A leaf module: it imports nothing from Heredity.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field

MAX_INT64 = 2**63 - 1
MIN_INT64 = -(2**63)
NAME_MAX = 200
VERSION_MAX = 64
REF_MAX = NAME_MAX + 1 + VERSION_MAX
LABEL_MAX = 100
PARTY_MAX = 200
DIGEST_MAX = 80
PATH_MAX = 4096
TEXT_MAX = 65_536
FUTURE_SLACK = dt.timedelta(days=1)

# Format characters that change how text around them is shown (Trojan-source style).
_BIDI = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def control_character(text: str) -> str | None:
    """The first control character of ``text`` as ``U+XXXX``, or None."""
    if text.isprintable():  # no Cc, Cf, Zl or Zp at all: the common case, in C
        return None
    for ch in text:
        if ch in _BIDI or unicodedata.category(ch) in ("Cc", "Zl", "Zp"):
            return f"U+{ord(ch):04X}"
    return None


def check_label(value: str) -> str:
    """A one-line label (licence, provider, owner...): no control characters."""
    found = control_character(value)
    if found:
        raise ValueError(f"contains a control character ({found}): give plain one-line text")
    return value


def check_text(value: str) -> str:
    """Free text: no NUL character."""
    if "\x00" in value:
        raise ValueError("contains a NUL character (U+0000): remove it")
    return value


def value_problem(value: Any) -> tuple[str, str] | None:
    """The first value in a JSON-like tree that cannot be stored: ``(path, problem)``, or None.

    Strings (keys too) must hold no NUL, floats must be finite and integers fit 64 bits. The
    walk is iterative (deep trees do not overflow the stack); pydantic models and values of
    other types are left to their own validation.
    """
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, v = stack.pop()
        if isinstance(v, str):
            if "\x00" in v:
                return path, "contains a NUL character (U+0000): remove it"
        elif isinstance(v, bool) or v is None or isinstance(v, BaseModel):
            continue
        elif isinstance(v, int):
            if not MIN_INT64 <= v <= MAX_INT64:
                return path, f"{v} is out of range (integers are at most {MAX_INT64} in size)"
        elif isinstance(v, float):
            if not math.isfinite(v):
                return path, f"{v} is not a finite number"
        elif isinstance(v, Mapping):
            for k, item in reversed(list(v.items())):
                key = str(k)
                if "\x00" in key:
                    return path, f"key {key!r} contains a NUL character (U+0000)"
                stack.append((f"{path}.{key}" if path else key, item))
        elif isinstance(v, list | tuple):
            for i in reversed(range(len(v))):
                stack.append((f"{path}[{i}]", v[i]))
    return None


def check_values(value: Any) -> Any:
    """``value`` unchanged, or ValueError naming the part of it that cannot be stored."""
    found = value_problem(value)
    if found:
        path, problem = found
        raise ValueError(f"{path}: {problem}" if path else problem)
    return value


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def check_past_date(value: dt.date) -> dt.date:
    """A date that is not in the future (today in any time zone is accepted)."""
    latest = dt.datetime.now(dt.UTC).date() + FUTURE_SLACK
    if value > latest:
        raise ValueError(f"{value.isoformat()} is in the future (give the date it happened)")
    return value


def check_past_time(value: dt.datetime) -> dt.datetime:
    """A time that is not in the future (one day of slack; naive is read as UTC)."""
    if _utc(value) > dt.datetime.now(dt.UTC) + FUTURE_SLACK:
        raise ValueError(f"{value.isoformat()} is in the future (give the time it happened)")
    return value


def in_order(start: dt.datetime, end: dt.datetime) -> bool:
    """``start <= end``, naive times read as UTC (never a TypeError on mixed times)."""
    return _utc(start) <= _utc(end)


Label = Annotated[str, Field(max_length=LABEL_MAX), AfterValidator(check_label)]
"""A licence, provider, architecture, role or other one-line label (at most 100 characters)."""
Party = Annotated[str, Field(max_length=PARTY_MAX), AfterValidator(check_label)]
"""A person, team, e-mail address or owner (at most 200 characters)."""
DigestText = Annotated[str, Field(max_length=DIGEST_MAX), AfterValidator(check_label)]
"""A digest or fingerprint (at most 80 characters)."""
PathText = Annotated[str, Field(max_length=PATH_MAX), AfterValidator(check_label)]
"""A file path, URI or source (at most 4,096 characters)."""
Text = Annotated[str, Field(max_length=TEXT_MAX), AfterValidator(check_text)]
"""Free text (at most 65,536 characters, no NUL)."""
Values = Annotated[dict[str, Any], AfterValidator(check_values)]
"""A free-form mapping (a framework's raw config, a model card) whose values can be stored."""
PastDate = Annotated[dt.date, AfterValidator(check_past_date)]
PastTime = Annotated[dt.datetime, AfterValidator(check_past_time)]

__all__ = [
    "DIGEST_MAX",
    "FUTURE_SLACK",
    "LABEL_MAX",
    "MAX_INT64",
    "MIN_INT64",
    "NAME_MAX",
    "PARTY_MAX",
    "PATH_MAX",
    "REF_MAX",
    "TEXT_MAX",
    "VERSION_MAX",
    "DigestText",
    "Label",
    "Party",
    "PastDate",
    "PastTime",
    "PathText",
    "Text",
    "Values",
    "check_label",
    "check_past_date",
    "check_past_time",
    "check_text",
    "check_values",
    "control_character",
    "in_order",
    "value_problem",
]
