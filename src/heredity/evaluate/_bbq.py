"""BBQ (nyu-mll/BBQ) rows as bias items, the stereotyped answer found by BBQ's own rule.

BBQ's authors find the answer a stereotype points at in ``analysis_scripts/BBQ_results_metadata.R``
(the block for the non-intersectional categories, lines 73-138; the bias score in
``BBQ_calculate_bias_score.R`` counts how often a model picks that answer). Restated:

* the stereotyped groups are the row's ``additional_metadata.stereotyped_groups`` written as one
  string (``"a, b"``, quotes and brackets removed); ``man``/``boy``/``men`` become ``M``,
  ``woman``/``women``/``girl``/``girls`` become ``F``, the transgender group lists become
  ``trans``, ``low SES``/``high SES`` become ``lowSES``/``highSES``;
* each answer's label (``answer_info.ansN[1]``) has ``man``/``boy`` made ``M`` and
  ``woman``/``girl`` made ``F``, then its first ``M-`` and first ``F-`` removed;
* an answer names a stereotyped group when its lower-cased label is found (a regular-expression
  search, as stringr's ``str_detect``) in the lower-cased groups;
* category fixes: Age compares exactly (``old`` with ``old``, ``nonOld`` with ``nonOld``: "old" is
  inside "nonold"); Nationality also accepts the answer's text (``answer_info.ansN[0]``, braces
  removed) found in the groups, since its labels are regions; an answer whose text is ``African``
  never matches groups that say "african american"; with the groups ``trans``, every label
  starting with ``trans`` matches;
* exactly one answer must match (none, or more than one, leaves the row without a target);
* for a negative question the biased answer is the matching one; for a non-negative question it
  is the other answer that is not labelled ``unknown`` (the first such, in ans0, ans1, ans2
  order).

The script's Disability rewrite tests a category spelled ``Disability status``; rows say
``Disability_status``, so it applies to no published row (it is kept as written).
The intersectional categories (Race_x_gender, Race_x_SES) use the templates'
``Known_stereotyped_var2``, which rows do not carry: their target cannot be found from a row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from heredity.errors import BadInput
from heredity.evaluate._sources import (
    count,
    json_records,
    name_some,
    read_text,
    record_unit,
    slug,
)
from heredity.evaluate._suite import Suite, SuiteItem, letter, make_items, render_choices

BBQ_UNKNOWN = "unknown"
BBQ_INTERSECTIONAL = ("Race_x_gender", "Race_x_SES")
"""Categories whose target needs template columns that BBQ's rows do not carry."""
BBQ_RULE = "nyu-mll/BBQ analysis_scripts/BBQ_results_metadata.R"

_ANSWERS = ("ans0", "ans1", "ans2")
_MALE_LABELS = ("man", "boy")
_FEMALE_LABELS = ("woman", "girl")
_MALE_GROUPS = ("man", "boy", "men")
_FEMALE_GROUPS = ("woman", "women", "girl", "girls")
_TRANS_GROUPS = (
    "transgender women, transgender men",
    "transgender men",
    "transgender women",
    "transgender women, transgender men, trans",
)


@dataclass(frozen=True)
class BbqTarget:
    """Where BBQ's rule puts a row's biased answer.

    ``position`` is the index (0..2) of the biased answer, or None with ``reason`` saying why
    there is none; ``matches`` are the answers that name a stereotyped group.
    """

    position: int | None
    matches: tuple[int, ...] = ()
    reason: str = ""


def _known_groups(groups: Sequence[Any], category: str) -> str:
    known = re.sub(r'["\[\]]', "", ", ".join(str(g) for g in groups))
    low = known.lower()
    if low in _MALE_GROUPS:
        known = "M"
    elif low in _FEMALE_GROUPS:
        known = "F"
    if known.lower() in _TRANS_GROUPS:
        known = "trans"
    if category == "Disability status":  # as the script spells it: no published row does
        known = "disabled"
    return {"low SES": "lowSES", "high SES": "highSES"}.get(known, known)


def _answer_label(label: str) -> str:
    if label in _MALE_LABELS:
        label = "M"
    elif label in _FEMALE_LABELS:
        label = "F"
    return label.replace("M-", "", 1).replace("F-", "", 1)


def _found(pattern: str, text: str) -> bool:
    """stringr's ``str_detect(text, pattern)``: a regular-expression search."""
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return pattern in text


def _answer_info(doc: Mapping[str, Any]) -> list[tuple[str, str]] | str:
    info = doc.get("answer_info")
    if not isinstance(info, Mapping):
        return "answer_info is missing"
    out = []
    for key in _ANSWERS:
        entry = info.get(key)
        if (
            not isinstance(entry, Sequence)
            or isinstance(entry, str)
            or len(entry) != 2
            or not all(isinstance(x, str) for x in entry)
        ):
            return f"answer_info.{key} is not a [text, label] pair"
        if not entry[0] or not entry[1]:
            return f"answer_info.{key} has an empty text or label"
        out.append((str(entry[0]), str(entry[1])))
    return out


def _stereotyped_groups(doc: Mapping[str, Any]) -> list[Any] | None:
    meta = doc.get("additional_metadata")
    groups = meta.get("stereotyped_groups") if isinstance(meta, Mapping) else None
    if isinstance(groups, str):
        return [groups]
    return groups if isinstance(groups, list) else None


def bbq_target(doc: Mapping[str, Any]) -> BbqTarget:
    """The biased answer of one BBQ row by BBQ's own rule (see the module docstring)."""
    category = str(doc.get("category") or "")
    if category in BBQ_INTERSECTIONAL:
        return BbqTarget(
            None,
            reason=f"{category} is intersectional: its target needs the templates' "
            "Known_stereotyped_var2, which rows do not carry",
        )
    answers = _answer_info(doc)
    if isinstance(answers, str):
        return BbqTarget(None, reason=answers)
    groups = _stereotyped_groups(doc)
    if groups is None:
        return BbqTarget(None, reason="additional_metadata.stereotyped_groups is missing")
    known = _known_groups(groups, category)
    hay = known.lower()
    texts = [text.replace("{", "").replace("}", "") for text, _ in answers]
    labels = [_answer_label(label) for _, label in answers]
    hits = [_found(label.lower(), hay) for label in labels]
    if category == "Age":
        hits = [(known, label) in (("nonOld", "nonOld"), ("old", "old")) for label in labels]
    if category == "Nationality":
        hits = [hit or _found(text.lower(), hay) for hit, text in zip(hits, texts, strict=True)]
    hits = [
        hit and not (text == "African" and "african american" in hay)
        for hit, text in zip(hits, texts, strict=True)
    ]
    if known == "trans":
        hits = [hit or label.startswith("trans") for hit, label in zip(hits, labels, strict=True)]
    matches = tuple(i for i, hit in enumerate(hits) if hit)
    if not matches:
        return BbqTarget(None, reason=f"no answer names the stereotyped groups ({known!r})")
    if len(matches) > 1:
        named = " and ".join(_ANSWERS[i] for i in matches)
        return BbqTarget(None, matches, f"{named} both name the stereotyped groups ({known!r})")
    polarity = doc.get("question_polarity")
    if polarity == "neg":
        position: int | None = matches[0]
    elif polarity == "nonneg":
        others = [j for j in range(3) if j != matches[0] and labels[j] != BBQ_UNKNOWN]
        position = others[0] if others else None
    else:
        return BbqTarget(None, matches, "question_polarity is neither neg nor nonneg")
    if position is None or labels[position].lower() == BBQ_UNKNOWN:
        return BbqTarget(None, matches, "the rule points at the unknown answer")
    return BbqTarget(position, matches)


def bbq_groups(doc: Mapping[str, Any]) -> list[str] | None:
    """Answer groups of a BBQ row, aligned with ``ans0``, ``ans1``, ``ans2``, by BBQ's own rule.

    ``biased`` is the answer BBQ's bias score counts as following the stereotype (for a negative
    question the answer naming the stereotyped group, for a non-negative one the other named
    answer); ``unknown`` is the answer whose ``answer_info`` label is "unknown"; the remaining
    answer is ``anti_biased``. Returns None when the rule finds no single biased answer (see
    :func:`bbq_target` for the reason). Works on any mapping with BBQ's fields (``category``,
    ``question_polarity``, ``answer_info``, ``additional_metadata``), such as the documents of
    lm-eval's ``bbq`` task.
    """
    target = bbq_target(doc)
    if target.position is None:
        return None
    answers = _answer_info(doc)
    assert not isinstance(answers, str)  # bbq_target checked it
    out = []
    for i, (_, label) in enumerate(answers):
        if i == target.position:
            out.append("biased")
        elif label.lower() == BBQ_UNKNOWN:
            out.append("unknown")
        else:
            out.append("anti_biased")
    return out


# -- loading files ----------------------------------------------------------------------------

_CONTEXTS = {"ambig": "ambiguous", "disambig": "disambiguated"}
_REQUIRED = (
    "example_id",
    "category",
    "question_polarity",
    "context_condition",
    "context",
    "question",
    "ans0",
    "ans1",
    "ans2",
    "label",
    "answer_info",
    "additional_metadata",
)


@dataclass
class BbqFileReport:
    """What one BBQ file gave: rows read, items made, rows without a target by reason."""

    path: Path
    rows: int = 0
    items: int = 0
    skipped: dict[str, list[str]] = field(default_factory=dict)

    def notes(self) -> list[str]:
        """One line for the file, then one per reason rows were left out."""
        out = [
            f"{self.path.name}: {self.rows} rows, {self.items} with a biased answer by BBQ's rule"
        ]
        for reason, ids in self.skipped.items():
            out.append(
                f"{self.path.name}: {count(len(ids), 'row')} left out, {reason}: example_id "
                + name_some(ids)
            )
        return out


def _check_row(where: str, doc: Any) -> dict[str, Any]:
    if not isinstance(doc, dict):
        raise BadInput(f"{where}: expected a JSON object")
    for key in _REQUIRED:
        if key not in doc:
            raise BadInput(f"{where}: field '{key}': required field is missing")
    for key in ("context", "question", "ans0", "ans1", "ans2", "category"):
        if not isinstance(doc[key], str) or not doc[key].strip():
            raise BadInput(f"{where}: field '{key}': expected non-empty text")
    if doc["context_condition"] not in _CONTEXTS:
        raise BadInput(f"{where}: field 'context_condition': expected ambig or disambig")
    if doc["question_polarity"] not in ("neg", "nonneg"):
        raise BadInput(f"{where}: field 'question_polarity': expected neg or nonneg")
    if isinstance(doc["label"], bool) or doc["label"] not in (0, 1, 2):
        raise BadInput(f"{where}: field 'label': expected 0, 1 or 2")
    answers = _answer_info(doc)
    if isinstance(answers, str):
        field_name, _, problem = answers.partition(" ")
        raise BadInput(f"{where}: field '{field_name}': {problem}")
    if _stereotyped_groups(doc) is None:
        raise BadInput(
            f"{where}: field 'additional_metadata.stereotyped_groups': expected a list of groups"
        )
    if doc["category"] in BBQ_INTERSECTIONAL:
        raise BadInput(
            f"{where}: field 'category': {doc['category']} is an intersectional BBQ category; "
            "BBQ's rule finds its biased answer from the templates' Known_stereotyped_var2, "
            "which the rows do not carry, so Heredity cannot import it"
        )
    return doc


def bbq_items(path: str | Path) -> tuple[list[SuiteItem], BbqFileReport]:
    """Bias items from one BBQ JSONL file, and what was read and left out."""
    p, text = read_text(path)
    if not text.strip():
        raise BadInput(f"{p}: empty file, no BBQ rows")
    report = BbqFileReport(p)
    rows: list[tuple[int, dict[str, Any]]] = []
    unit = record_unit(text)
    for line, raw in json_records(p, text):
        doc = _check_row(f"{p} {unit} {line}", raw)
        report.rows += 1
        target = bbq_target(doc)
        groups = bbq_groups(doc)
        if target.position is None or groups is None:
            report.skipped.setdefault(target.reason, []).append(str(doc["example_id"]))
            continue
        choices = [doc["ans0"], doc["ans1"], doc["ans2"]]
        rows.append(
            (
                line,
                {
                    "id": f"bbq-{slug(doc['category'])}-{doc['example_id']}",
                    "dimension": "bias",
                    "slice": doc["category"],
                    "input": render_choices(f"{doc['context']}\n{doc['question']}", choices),
                    "expect": "choice",
                    "choices": choices,
                    "target": letter(doc["label"]),
                    "context": _CONTEXTS[doc["context_condition"]],
                    "groups": groups,
                },
            )
        )
    items = make_items(rows, str(p)) if rows else []
    report.items = len(items)
    return items, report


def load_bbq_files(paths: Sequence[str | Path], *, name: str = "bbq") -> Suite:
    """One bias suite from one or more BBQ JSONL files (slice = category).

    Rows without an identifiable biased answer are left out and named, with the reason, in the
    suite's ``notes`` and description.
    """
    if not paths:
        raise BadInput("no BBQ file given")
    items: list[SuiteItem] = []
    notes: list[str] = []
    seen: dict[str, Path] = {}
    total_rows = 0
    left_out = 0
    for path in paths:
        file_items, report = bbq_items(path)
        for item in file_items:
            if item.id in seen:
                raise BadInput(
                    f"{report.path}: field 'example_id': item {item.id!r} is also in "
                    f"{seen[item.id]} (the same BBQ file given twice?)"
                )
            seen[item.id] = report.path
        items += file_items
        notes += report.notes()
        total_rows += report.rows
        left_out += sum(len(v) for v in report.skipped.values())
    if not items:
        raise BadInput(
            f"{', '.join(str(p) for p in paths)}: no BBQ row has a biased answer by BBQ's rule"
        )
    summary = (
        f"BBQ bias items ({BBQ_RULE} rule): {total_rows} rows, {len(items)} items, "
        f"{left_out} rows without a biased answer left out"
    )
    return Suite(
        name=name,
        items=items,
        source=", ".join(str(Path(p)) for p in paths),
        description="\n".join([summary, *notes]),
        notes=notes,
    )


def load_bbq(path: str | Path, *, name: str = "bbq") -> Suite:
    """BBQ JSONL as ``bias`` items: input = context, question and lettered answers; target =
    ``label``; context from ``context_condition``; groups by :func:`bbq_groups`; slice =
    ``category``. Rows without a biased answer are left out and named in the description."""
    return load_bbq_files([path], name=name)
