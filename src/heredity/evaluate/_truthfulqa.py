"""TruthfulQA (sylinrl/TruthfulQA) multiple choice, single true answer (MC1), as factuality items.

Two published forms hold MC1: ``data/mc_task.json`` (``mc1_targets``: each option mapped to 1 for
the one true answer, 0 otherwise) and ``TruthfulQA.csv`` (``Best Answer`` and the
``Incorrect Answers`` list, separated by ";"; in the current release these are exactly the
``mc1_targets`` options). An item's id is a digest of its normalised question, so both forms
give the same id for the same question. TruthfulQA's own answer splitting
(``truthfulqa/utilities.py``, ``split_multi_answer``) drops empty pieces; the files still hold
blank options (a trailing ";" in the CSV, an empty key in the JSON) and one repeated option: these
are flagged, never offered as choices.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from heredity.errors import BadInput
from heredity.evaluate._sources import (
    count,
    csv_header,
    csv_rows,
    json_records,
    name_some,
    read_text,
    record_unit,
)
from heredity.evaluate._suite import Suite, letter, make_items, render_choices
from heredity.records import SUITE_LIMITS, parse_json

GENERATION_COLUMNS = ("Question", "Best Answer", "Incorrect Answers")


class _Pairs(dict[str, Any]):
    """A JSON object that remembers its key/value pairs in order, repeated keys included."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        self.pairs = pairs


def normalise_question(text: str) -> str:
    """A question as compared across files: Unicode NFC, whitespace collapsed and trimmed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def truthfulqa_id(question: str) -> str:
    """The content-derived id of a TruthfulQA question (same in the CSV and the JSON)."""
    digest = hashlib.sha256(normalise_question(question).encode("utf-8")).hexdigest()
    return f"truthfulqa-{digest[:16]}"


def _rotate(choices: list[str], correct: int, key: str) -> tuple[list[str], int]:
    """Move the correct answer to a position chosen by a hash of ``key`` (TruthfulQA lists the
    correct answer first; asking with it always in A would measure letter bias)."""
    n = len(choices)
    shift = int(hashlib.sha256(key.encode()).hexdigest(), 16) % n
    rotated = choices[-shift:] + choices[:-shift] if shift else list(choices)
    return rotated, (correct + shift) % n


@dataclass
class _Flags:
    blank: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def notes(self, name: str) -> list[str]:
        out = []
        if self.blank:
            out.append(
                f"{name}: {count(len(self.blank), 'item')} with a blank option, removed (never "
                f"offered as a choice): {name_some(self.blank)}"
            )
        if self.repeated:
            out.append(
                f"{name}: {count(len(self.repeated), 'item')} listing an option twice, offered "
                f"once: {name_some(self.repeated)}"
            )
        if self.skipped:
            out.append(
                f"{name}: {count(len(self.skipped), 'item')} left out (true answer blank or also "
                f"listed as false, or fewer than two options): {name_some(self.skipped)}"
            )
        return out


def _clean(
    where: str, ident: str, options: list[tuple[str, int]], flags: _Flags
) -> tuple[list[str], int] | None:
    """Options without blanks and repeats; None (and flagged) when the item cannot stand."""
    trues = [i for i, (_, label) in enumerate(options) if label == 1]
    if len(trues) != 1 or any(label not in (0, 1) for _, label in options):
        raise BadInput(f"{where}: field 'mc1_targets': needs labels 0 or 1, exactly one 1")
    true_text = options[trues[0]][0].strip()
    kept: list[str] = []
    blank = repeated = False
    for text, _ in options:
        t = text.strip()
        if not t:
            blank = True
        elif t in kept:
            repeated = True
        else:
            kept.append(t)
    true_twice = sum(1 for text, _ in options if text.strip() == true_text) > 1
    if not true_text or true_twice or len(kept) < 2:
        flags.skipped.append(ident)
        return None
    if blank:
        flags.blank.append(ident)
    if repeated:
        flags.repeated.append(ident)
    return kept, kept.index(true_text)


def _mc1_pairs(value: Any, where: str) -> list[tuple[str, int]]:
    if isinstance(value, str):
        try:
            value = parse_json(value, where, SUITE_LIMITS, hook=_Pairs)
        except BadInput as exc:
            raise BadInput(
                f"{where}: field 'mc1_targets': not valid JSON ({exc.message})"
            ) from None
    if isinstance(value, dict) and set(value) == {"choices", "labels"}:
        choices, labels = value["choices"], value["labels"]
        if not isinstance(choices, list) or not isinstance(labels, list):
            raise BadInput(f"{where}: field 'mc1_targets': choices and labels must be lists")
        if len(choices) != len(labels):
            raise BadInput(f"{where}: field 'mc1_targets': as many labels as choices needed")
        pairs = list(zip(choices, labels, strict=True))
    elif isinstance(value, _Pairs):
        pairs = value.pairs
    elif isinstance(value, dict):
        pairs = list(value.items())
    else:
        raise BadInput(f"{where}: field 'mc1_targets': expected a mapping of options to labels")
    out = []
    for text, label in pairs:
        if not isinstance(text, str) or isinstance(label, bool) or not isinstance(label, int):
            raise BadInput(f"{where}: field 'mc1_targets': options are text, labels 0 or 1")
        out.append((text, label))
    if len(out) < 2:
        raise BadInput(f"{where}: field 'mc1_targets': needs two or more options")
    return out


def load_truthfulqa(path: str | Path, *, name: str = "truthfulqa") -> Suite:
    """TruthfulQA MC1 as ``factuality`` items (slice = ``Category`` / ``category`` if present).

    Reads ``data/mc_task.json`` (a JSON list, or JSONL, of ``question`` + ``mc1_targets`` as
    ``{option: label}`` or ``{"choices": [...], "labels": [...]}``), a CSV with ``question`` and
    ``mc1_targets`` (JSON text), or ``TruthfulQA.csv`` (``Question``, ``Best Answer``,
    ``Incorrect Answers`` separated by ";"). Ids are digests of the normalised question; the
    true answer is rotated to a hashed position. Blank options are removed and repeated ones
    offered once, both named in the notes; an item whose true answer is blank or also listed
    as false is left out and named.
    """
    p, text = read_text(path)
    flags = _Flags()
    rows: list[tuple[int, dict[str, Any]]] = []
    lines: dict[str, int] = {}
    form = "mc_task.json form (mc1_targets)"
    unit = "line" if p.suffix.lower() == ".csv" else record_unit(text)

    def add(line: int, question: str, options: list[tuple[str, int]], category: Any) -> None:
        where = f"{p} {unit} {line}"
        q = normalise_question(question)
        if not q:
            raise BadInput(f"{where}: field 'question': empty")
        ident = truthfulqa_id(q)
        if ident in lines:
            raise BadInput(
                f"{where}: field 'question': {q!r} already asked on {unit} {lines[ident]}"
            )
        lines[ident] = line
        cleaned = _clean(where, f"{ident} ({unit} {line})", options, flags)
        if cleaned is None:
            return
        choices, correct = cleaned
        rotated, pos = _rotate(choices, correct, ident)
        slice_name = str(category).strip() if isinstance(category, str) else ""
        rows.append(
            (
                line,
                {
                    "id": ident,
                    "dimension": "factuality",
                    "slice": slice_name or "all",
                    "input": render_choices(q, rotated),
                    "expect": "choice",
                    "choices": rotated,
                    "target": letter(pos),
                },
            )
        )

    if p.suffix.lower() == ".csv":
        header = csv_header(text)
        if "mc1_targets" in header:
            for line, row in csv_rows(p, text, ("question", "mc1_targets")):
                pairs = _mc1_pairs(row["mc1_targets"], f"{p} line {line}")
                add(line, row["question"], pairs, row.get("category") or row.get("Category"))
            form = "CSV with mc1_targets"
        else:
            for line, row in csv_rows(p, text, GENERATION_COLUMNS):
                best = row["Best Answer"]
                wrong = row["Incorrect Answers"].split(";")
                add(line, row["Question"], [(best, 1)] + [(w, 0) for w in wrong], row["Category"])
            form = "TruthfulQA.csv form (Best Answer + Incorrect Answers)"
    else:
        for line, obj in json_records(p, text, hook=_Pairs):
            where = f"{p} {unit} {line}"
            if not isinstance(obj, dict):
                raise BadInput(f"{where}: expected a JSON object")
            if isinstance(obj, _Pairs) and len(obj.pairs) != len(obj):
                twice = next(k for i, (k, _) in enumerate(obj.pairs) if k in dict(obj.pairs[:i]))
                raise BadInput(f"{where}: duplicate key {twice!r}; a key may appear only once")
            for key in ("question", "mc1_targets"):
                if key not in obj:
                    raise BadInput(f"{where}: field '{key}': required field is missing")
            if not isinstance(obj["question"], str):
                raise BadInput(f"{where}: field 'question': expected text")
            pairs = _mc1_pairs(obj["mc1_targets"], where)
            add(line, obj["question"], pairs, obj.get("category") or obj.get("Category"))
    if not lines:
        raise BadInput(f"{p}: no TruthfulQA questions")
    items = make_items(rows, str(p))
    notes = [f"{p.name}: {len(lines)} questions ({form}), {len(items)} items", *flags.notes(p.name)]
    return Suite(
        name=name,
        items=items,
        source=str(p),
        description="\n".join(["TruthfulQA MC1 factuality items", *notes]),
        notes=notes,
    )
