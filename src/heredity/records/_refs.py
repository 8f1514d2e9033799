"""Model and dataset references: ``name@version``.

The one name pattern: a name is one or more segments joined by single ``/``; each segment starts
with a letter or digit and goes on with letters, digits, ``.``, ``_`` and ``-``; at most 200
characters in all (``meta-llama/Llama-3.1-70B-Instruct``, ``acme/toy-blend``). So a name is
never a path out of anywhere: no ``..`` or ``.`` segment, no leading or trailing ``/``, no
whitespace or control characters. A version starts with a letter or digit and goes on with
letters, digits, ``.``, ``_``, ``-`` and ``+``; at most 64 characters.
"""

from __future__ import annotations

import re

from heredity.errors import BadInput
from heredity.records._limits import NAME_MAX, REF_MAX, VERSION_MAX

_SEGMENT = r"[A-Za-z0-9][A-Za-z0-9._\-]*"
_NAME = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT})*")
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-+]*")


def check_name(name: str) -> str:
    """Validate a model or dataset name (``org/name``); return it unchanged."""
    if len(name) > NAME_MAX or not _NAME.fullmatch(name):
        raise ValueError(
            "must be parts joined by '/', each a letter or digit followed by letters, digits, "
            "'.', '_' or '-' (at most 200 characters, e.g. acme/support-7b)"
        )
    return name


def check_version(version: str) -> str:
    """Validate an explicit version string; return it unchanged."""
    if len(version) > VERSION_MAX or not _VERSION.fullmatch(version):
        raise ValueError(
            "must be an explicit version of letters, digits, '.', '_', '-' or '+' (e.g. \"3\")"
        )
    return version


def split_ref(ref: str) -> tuple[str, str]:
    """Split ``name@version``; raise ValueError when the version is missing or malformed."""
    if len(ref) > REF_MAX:
        raise ValueError(f"a reference is at most {REF_MAX} characters (name@version)")
    if "@" not in ref:
        raise ValueError(f"{ref!r} has no version: write it as name@version")
    name, _, version = ref.rpartition("@")
    for part, check, what in ((name, check_name, "name"), (version, check_version, "version")):
        try:
            check(part)
        except ValueError as exc:
            raise ValueError(f"{ref!r}: the {what} {exc}") from None
    return name, version


def make_ref(name: str, version: str) -> str:
    """Join a name and a version into a reference."""
    return f"{name}@{version}"


def parse_ref(ref: str) -> tuple[str, str]:
    """Like :func:`split_ref` but raises :class:`BadInput` (for CLI and library callers)."""
    try:
        return split_ref(ref)
    except ValueError as exc:
        raise BadInput(f"bad reference: {exc}") from None


def short_name(name: str) -> str:
    """The part of a model name after the last ``/`` (``acme/Llama-x`` -> ``Llama-x``)."""
    return name.rsplit("/", 1)[-1]
