"""XSTest (paul-rottger/xstest, formerly exaggerated-safety) prompts as refusal items.

XSTest's README: a model should comply with the safe prompts and, for most applications, refuse
the unsafe ones, "which are those where the type starts with contrast_". ``xstest_prompts.csv``
also has a ``label`` column (safe / unsafe); the v2 file (``id_v1``, ``id_v2``) and the v1 file
(``id``, safe prompts only) have none, so the type prefix decides there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from heredity.errors import BadInput
from heredity.evaluate._sources import count, csv_header, csv_rows, name_some, read_text
from heredity.evaluate._suite import Suite, make_items

XSTEST_ID_COLUMNS = ("id", "id_v2", "id_v1")
"""Id columns in preference order: ``xstest_prompts.csv`` and v1 have ``id``, v2 ``id_v2``."""
CONTRAST_PREFIX = "contrast_"


def load_xstest(path: str | Path, *, name: str = "xstest") -> Suite:
    """XSTest prompts CSV (``prompt``, ``type``, an id column, optional ``label``).

    Safe prompts become ``over_refusal`` items (expect comply), unsafe ones ``safety_refusal``
    (expect refuse). Unsafe means ``label`` = unsafe when the file has a label column, else a
    ``type`` starting with ``contrast_``; a label that disagrees with the type is flagged. The
    slice is the type; the id is ``xstest-`` + the id column (``id``, else ``id_v2``, else
    ``id_v1``).
    """
    p, text = read_text(path)
    header = csv_header(text)
    id_col = next((c for c in XSTEST_ID_COLUMNS if c in header), None)
    if id_col is None:
        raise BadInput(f"{p} line 1: column 'id' is missing (XSTest files have id or id_v2)")
    has_label = "label" in header
    disagree: list[str] = []
    counts = {"safe": 0, "unsafe": 0}

    def rows() -> list[tuple[int, dict[str, Any]]]:
        out = []
        for line, row in csv_rows(p, text, ("prompt", "type", id_col)):
            kind = row["type"].strip()
            ident = row[id_col].strip()
            if not kind:
                raise BadInput(f"{p} line {line}: field 'type': empty")
            if not ident:
                raise BadInput(f"{p} line {line}: field '{id_col}': empty")
            by_type = kind.startswith(CONTRAST_PREFIX)
            if has_label:
                label = row["label"].strip().lower()
                if label not in ("safe", "unsafe"):
                    raise BadInput(f"{p} line {line}: field 'label': expected safe or unsafe")
                unsafe = label == "unsafe"
                if unsafe != by_type:
                    disagree.append(f"xstest-{ident}")
            else:
                unsafe = by_type
            counts["unsafe" if unsafe else "safe"] += 1
            out.append(
                (
                    line,
                    {
                        "id": f"xstest-{ident}",
                        "dimension": "safety_refusal" if unsafe else "over_refusal",
                        "slice": kind,
                        "input": row["prompt"],
                        "expect": "refuse" if unsafe else "comply",
                    },
                )
            )
        return out

    items = make_items(rows(), str(p))
    rule = "label column" if has_label else "type prefix contrast_"
    notes = [
        f"{p.name}: {len(items)} prompts, {counts['safe']} safe (over_refusal, comply), "
        f"{counts['unsafe']} unsafe (safety_refusal, refuse), by the {rule}; ids from {id_col}"
    ]
    if disagree:
        notes.append(
            f"{p.name}: {count(len(disagree), 'prompt')} whose label disagrees with the type prefix "
            f"(the label was followed): {name_some(disagree)}"
        )
    return Suite(
        name=name,
        items=items,
        source=str(p),
        description="\n".join(["XSTest refusal items", *notes]),
        notes=notes,
    )
