"""The suite format: items in JSONL or CSV, validated line by line, with a content digest."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from heredity.errors import BadInput
from heredity.evaluate._upstream import import_hint, kind_of_columns, kind_of_record
from heredity.files import write_file
from heredity.records import (
    ITEM_DIMENSIONS,
    SUITE_LIMITS,
    canonical_json,
    field_problems,
    parse_json,
    read_text,
)

SUITE_DIMENSIONS: tuple[str, ...] = ITEM_DIMENSIONS
"""Dimensions a suite item may measure (calibration and agreement are derived, not items)."""

Expect = Literal["refuse", "comply", "choice", "match"]
SuiteDimension = Literal[
    "safety_refusal", "over_refusal", "bias", "factuality", "task_accuracy", "reasoning"
]
GROUPS = ("biased", "anti_biased", "unknown")
BUILTIN_DIR = Path(__file__).parent / "suites"
MAX_SUITE_BYTES = SUITE_LIMITS.max_bytes
_FIELDS = ("id", "dimension", "slice", "input", "expect", "choices", "target", "context", "groups")
_LIST_FIELDS = ("choices", "groups")


def letter(index: int) -> str:
    """The answer letter of a choice position (0 -> "A")."""
    if not 0 <= index < 26:
        raise ValueError(f"choice position {index} has no letter")
    return chr(ord("A") + index)


def letter_index(value: str) -> int:
    """The choice position of an answer letter ("B" -> 1)."""
    v = value.strip().upper()
    if len(v) != 1 or not "A" <= v <= "Z":
        raise ValueError(f"{value!r} is not a choice letter")
    return ord(v) - ord("A")


CHOICE_INSTRUCTION = "Answer with the letter of the correct option."


def render_choices(question: str, choices: Sequence[str]) -> str:
    """A choice item's prompt: the question, one ``A) ...`` line per option, the instruction."""
    options = "\n".join(f"{letter(i)}) {c}" for i, c in enumerate(choices))
    return f"{question}\n{options}\n{CHOICE_INSTRUCTION}"


class SuiteItem(BaseModel):
    """One item of a suite: a prompt, what the model is expected to do, and how it is scored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    dimension: SuiteDimension
    slice: str = Field("all", min_length=1)
    input: str = Field(min_length=1)
    expect: Expect
    choices: list[str] | None = None
    target: str | None = None
    context: Literal["ambiguous", "disambiguated"] | None = None
    groups: list[Literal["biased", "anti_biased", "unknown"]] | None = None

    @field_validator("groups", mode="before")
    @classmethod
    def _groups_by_letter(cls, value: Any, info: ValidationInfo) -> Any:
        """Accept ``{"A": "biased", ...}`` (letter or choice text -> group) as well as a list."""
        if not isinstance(value, dict):
            return value
        choices = info.data.get("choices") or []
        out = []
        for i, choice in enumerate(choices):
            key = letter(i)
            if key in value:
                out.append(value[key])
            elif choice in value:
                out.append(value[choice])
            else:
                raise ValueError(f"no group for choice {key} ({choice!r})")
        if len(value) != len(choices):
            raise ValueError("one group per choice is needed")
        return out

    @model_validator(mode="after")
    def _consistent(self) -> SuiteItem:
        if self.expect == "choice":
            if not self.choices or len(self.choices) < 2:
                raise ValueError("choices: a choice item needs at least two choices")
            if len(self.choices) > 26:
                raise ValueError("choices: at most 26 choices")
            if not self.target:
                raise ValueError("target: a choice item needs the letter of the correct choice")
            try:
                pos = letter_index(self.target)
            except ValueError:
                raise ValueError(f"target: {self.target!r} is not a choice letter") from None
            if pos >= len(self.choices):
                raise ValueError(
                    f"target: {self.target!r} is beyond the {len(self.choices)} choices"
                )
        elif self.expect == "match" and not self.target:
            raise ValueError("target: a match item needs the text the answer must contain")
        if self.groups is not None and (
            self.choices is None or len(self.groups) != len(self.choices)
        ):
            raise ValueError("groups: must have one group per choice")
        if self.dimension == "bias":
            if self.expect != "choice":
                raise ValueError("expect: bias items are multiple choice ('choice')")
            if self.context is None:
                raise ValueError("context: bias items need 'ambiguous' or 'disambiguated'")
            if self.groups is None:
                raise ValueError("groups: bias items need one group per choice")
        return self

    @property
    def target_index(self) -> int | None:
        """Position of the correct choice, for choice items."""
        if self.expect != "choice" or not self.target:
            return None
        return letter_index(self.target)

    def canonical(self) -> dict[str, Any]:
        """The item as a plain mapping without unset fields (what the digest covers)."""
        return self.model_dump(mode="json", exclude_none=True)


class Suite(BaseModel):
    """A named list of items; ``digest`` identifies its content."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    items: list[SuiteItem]
    description: str = ""
    source: str | None = None
    notes: list[str] = Field(default_factory=list)
    """What an importer flagged or left out, one line each (not part of the digest)."""

    @property
    def digest(self) -> str:
        """``sha256:`` over the canonical item list (items sorted by id, keys sorted)."""
        return suite_digest(self.items)

    def dimensions(self) -> list[str]:
        """Dimensions present, in first-seen order."""
        return list(dict.fromkeys(i.dimension for i in self.items))

    def slices(self) -> dict[str, int]:
        """Item count per slice."""
        out: dict[str, int] = {}
        for item in self.items:
            out[item.slice] = out.get(item.slice, 0) + 1
        return out

    def by_id(self) -> dict[str, SuiteItem]:
        """Items keyed by id."""
        return {i.id: i for i in self.items}


def suite_digest(items: Sequence[SuiteItem]) -> str:
    """Content digest of a list of items, independent of their order."""
    canon = sorted((i.canonical() for i in items), key=lambda d: d["id"])
    return "sha256:" + hashlib.sha256(canonical_json(canon).encode("utf-8")).hexdigest()


def _problem(exc: ValidationError) -> str:
    return "; ".join(
        p.message if p.path == "(document)" else f"field '{p.path}': {p.message}"
        for p in field_problems(exc)
    )


def make_items(rows: Iterable[tuple[int, dict[str, Any]]], source: str) -> list[SuiteItem]:
    """Validate numbered rows into items; errors name the source, line and field."""
    items: list[SuiteItem] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        try:
            item = SuiteItem.model_validate(row)
        except ValidationError as exc:
            raise BadInput(f"{source} line {line}: {_problem(exc)}") from None
        if item.id in seen:
            raise BadInput(
                f"{source} line {line}: field 'id': {item.id!r} already used on line {seen[item.id]}"
            )
        seen[item.id] = line
        items.append(item)
    if not items:
        raise BadInput(f"{source}: the suite has no items")
    return items


SUITE_HEADER_KEY = "suite"
_HEADER_FIELDS = ("name", "description", "notes")


def _header(data: dict[str, Any], source: str) -> dict[str, Any]:
    """A suite file's optional first line ``{"suite": {"name", "description", "notes"}}``."""
    meta = data[SUITE_HEADER_KEY]
    if not isinstance(meta, dict):
        raise BadInput(f"{source} line 1: field 'suite': expected an object")
    for key, value in meta.items():
        if key not in _HEADER_FIELDS:
            raise BadInput(f"{source} line 1: field 'suite.{key}': unknown field")
        ok = (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
            if key == "notes"
            else isinstance(value, str)
        )
        if not ok:
            raise BadInput(f"{source} line 1: field 'suite.{key}': expected text")
    return meta


def _parse_jsonl(text: str, source: str) -> tuple[dict[str, Any], list[SuiteItem]]:
    header: dict[str, Any] = {}
    first = True

    def rows() -> Iterable[tuple[int, dict[str, Any]]]:
        nonlocal header, first
        for n, raw in enumerate(text.splitlines(), start=1):
            if not raw.strip():
                continue
            if first and raw.lstrip().startswith("["):
                kind = _json_array_kind(text)
                if kind:
                    raise BadInput(import_hint(source, kind, "JSON list of questions"))
                raise BadInput(f"{source} line {n}: a JSON array, not JSONL (one item per line)")
            data = parse_json(raw, source, SUITE_LIMITS, line=n)
            if not isinstance(data, dict):
                raise BadInput(f"{source} line {n}: expected a JSON object")
            if first:
                first = False
                if set(data) == {SUITE_HEADER_KEY}:
                    header = _header(data, source)
                    continue
                kind = kind_of_record(data)
                if kind:
                    fields = ", ".join(list(data)[:6])
                    raise BadInput(import_hint(source, kind, f"fields {fields}, ..."))
            yield n, data

    items = make_items(rows(), source)
    return header, items


def _json_array_kind(text: str) -> str | None:
    try:
        data = parse_json(text, "suite", SUITE_LIMITS)
    except BadInput:
        return None
    return kind_of_record(data[0]) if isinstance(data, list) and data else None


def parse_jsonl(text: str, source: str) -> list[SuiteItem]:
    """Parse suite items from JSONL text (an optional ``{"suite": {...}}`` first line is
    the suite's name, description and notes)."""
    return _parse_jsonl(text, source)[1]


def parse_csv(text: str, source: str) -> list[SuiteItem]:
    """Parse suite items from CSV text (list columns hold JSON arrays; empty cells are unset)."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None:
        raise BadInput(f"{source}: empty CSV file")
    unknown = [f for f in reader.fieldnames if f not in _FIELDS]
    kind = kind_of_columns(reader.fieldnames) if unknown else None
    if kind:
        raise BadInput(import_hint(source, kind, f"columns {', '.join(reader.fieldnames)}"))
    if unknown:
        raise BadInput(f"{source} line 1: unknown column(s) {', '.join(unknown)}")

    def rows() -> Iterable[tuple[int, dict[str, Any]]]:
        for row in reader:
            line = reader.line_num
            data: dict[str, Any] = {}
            for key, value in row.items():
                if key is None or value is None or value == "":
                    continue
                if key in _LIST_FIELDS:
                    try:
                        parsed = parse_json(value, source, SUITE_LIMITS, line=line)
                    except BadInput:
                        raise BadInput(
                            f"{source} line {line}: field '{key}': expected a JSON array"
                        ) from None
                    data[key] = parsed
                else:
                    data[key] = value
            yield line, data

    return make_items(rows(), source)


def load_suite(path: str | Path, *, name: str | None = None) -> Suite:
    """Load a suite from a ``.jsonl`` or ``.csv`` file (name defaults to the file stem)."""
    p = Path(path)
    if not p.is_file():
        raise BadInput(f"{p}: no such suite file")
    text = read_text(p, SUITE_LIMITS, bom=True)
    suffix = p.suffix.lower()
    header: dict[str, Any] = {}
    if suffix == ".csv":
        items = parse_csv(text, str(p))
    elif suffix in (".jsonl", ".ndjson", ".json"):
        header, items = _parse_jsonl(text, str(p))
    else:
        raise BadInput(f"{p}: unknown suite format (use .jsonl or .csv)")
    return Suite(
        name=name or header.get("name") or p.stem,
        items=items,
        source=str(p),
        description=header.get("description", ""),
        notes=header.get("notes", []),
    )


def builtin_suites() -> list[str]:
    """Names of the suites shipped with Heredity."""
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.jsonl"))


_DESCRIPTIONS = {
    "safety-refusal": "harmful requests across categories; the model should refuse",
    "over-refusal": "benign requests that look risky; the model should answer",
    "bias": "BBQ-style ambiguous and disambiguated questions about social groups",
    "factuality": "multiple-choice questions with known answers",
    "task-accuracy": "everyday assistant tasks (routing, sentiment, extraction, conversion, dates, spelling)",
    "reasoning": "multi-step problems (word problems, ordering, syllogisms, calendar, sequences, proportion)",
}


def get_suite(name_or_path: str | Path) -> Suite:
    """A built-in suite by name, or a suite file by path."""
    text = str(name_or_path)
    builtin = BUILTIN_DIR / f"{text}.jsonl"
    if "/" not in text and "\\" not in text and builtin.is_file():
        suite = load_suite(builtin, name=text)
        return suite.model_copy(
            update={"description": _DESCRIPTIONS.get(text, ""), "source": f"builtin:{text}"}
        )
    p = Path(text)
    if p.is_file():
        return load_suite(p)
    known = ", ".join(builtin_suites())
    raise BadInput(f"suite {text!r}: not a built-in suite ({known}) nor a suite file")


def write_suite(items: Sequence[SuiteItem], path: str | Path) -> None:
    """Write items as JSONL, one canonical object per line (never through a symbolic link)."""
    write_file(path, [json.dumps(i.canonical(), ensure_ascii=False) + "\n" for i in items])


def save_suite(suite: Suite, path: str | Path) -> Path:
    """Write a suite as JSONL with its header line (name, description, notes), then its items.

    The file is written beside its destination and renamed into place (never through a
    symbolic link: a link at ``path`` is refused, BadInput), so a failure leaves
    nothing behind; ``load_suite`` reads it back with the same digest.
    """
    header = {"name": suite.name, "description": suite.description, "notes": suite.notes}
    lines = [json.dumps({SUITE_HEADER_KEY: header}, ensure_ascii=False) + "\n"]
    lines += [json.dumps(item.canonical(), ensure_ascii=False) + "\n" for item in suite.items]
    return write_file(path, lines, param="out")
