"""What the API accepts: request bodies, pagination, and names that must never be paths.

The server reads no file a caller names: policies are published ids, evidence is a stored
record, score maps are inline; documents and results files come in the request itself.
"""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path, PurePath
from typing import Any

from fastapi import Query, Request
from pydantic import BaseModel, ConfigDict, Field

from heredity.errors import BadInput
from heredity.records import TEXT_MAX

_POLICY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}(@[A-Za-z0-9._-]{1,64})?$")
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,199}$")


class Body(BaseModel):
    """A request body: unknown fields are refused (a misspelt field is never ignored)."""

    model_config = ConfigDict(extra="forbid")


class Page(BaseModel):
    """Which slice of a list: ``limit`` items after skipping ``offset``."""

    limit: int
    offset: int


def page(
    limit: int = Query(50, ge=1, le=1000, description="at most this many items"),
    offset: int = Query(0, ge=0, le=1_000_000_000, description="skip this many first"),
) -> Page:
    """Pagination query parameters."""
    return Page(limit=limit, offset=offset)


def paged(items: list[Any], p: Page) -> dict[str, Any]:
    """A page of a list: the items, and where the next page starts (None: this was the last)."""
    return {
        "items": items,
        "limit": p.limit,
        "offset": p.offset,
        "next_offset": p.offset + len(items) if len(items) == p.limit else None,
    }


def policy_name(value: str | None, field: str = "policy") -> str | None:
    """A policy id or ``id@version`` (never a file on the server); BadInput naming ``field``."""
    if value is None:
        return None
    text = value.strip()
    if not _POLICY.match(text) or text.endswith((".yaml", ".yml", ".json")):
        raise BadInput(
            f"{field}: {value!r} is not a policy id or id@version; the server reads no policy "
            "file: publish one first (heredity approval policy publish FILE) and name its id",
            param=field,
        )
    return text


async def document_text(request: Request) -> str:
    """The request body as text (a YAML or JSON document), UTF-8."""
    raw = await request.body()
    if not raw.strip():
        raise BadInput(
            "body: empty; send the document (YAML or JSON) as the request body", param="body"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"body: byte {exc.start} is not UTF-8; send the document as UTF-8 text", param="body"
        ) from None


class Upload(Body):
    """A results file sent in a JSON body: its name (the suffix says its format) and content."""

    name: str = Field(description="file name, e.g. teacher.jsonl or refusal.eval")
    content: str | None = Field(None, description="the file's text (JSONL, JSON)")
    content_base64: str | None = Field(None, description="the file's bytes, base64 (.eval)")

    def write(self, directory: Path, field: str) -> Path:
        """Write the file into ``directory`` under its (checked) name."""
        name = PurePath(self.name).name
        if name != self.name or not _FILE_NAME.match(name) or name in (".", ".."):
            raise BadInput(
                f"{field}.name: {self.name!r} is not a plain file name (letters, digits, . _ - "
                "and spaces; no directories)",
                param=f"{field}.name",
            )
        if (self.content is None) == (self.content_base64 is None):
            raise BadInput(
                f"{field}: give exactly one of content (text) and content_base64 (bytes)",
                param=field,
            )
        if self.content is not None:
            data = self.content.encode("utf-8")
        else:
            try:
                data = base64.b64decode(self.content_base64 or "", validate=True)
            except (binascii.Error, ValueError):
                raise BadInput(
                    f"{field}.content_base64: not valid base64", param=f"{field}.content_base64"
                ) from None
        path = directory / field / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path


def inline_score_map(value: str | None) -> str | None:
    """A score map given inline (``C=comply,P=refuse``); never a file on the server."""
    if value is None:
        return None
    if "=" not in value or "/" in value or "\\" in value or len(value) > TEXT_MAX:
        raise BadInput(
            f"score_map: {value!r} is not an inline score map (C=comply,P=refuse,...); the "
            "server reads no score-map file",
            param="score_map",
        )
    return value
