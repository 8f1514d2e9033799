"""Scorecard rows name what they show; calibration shows its own figures; numbers are for people."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from rich.console import Console

from heredity.records import ItemResult
from heredity.report import render_html, render_json, render_markdown, render_text
from heredity.transfer import TransferAssessment, assess_transfer

LONG_FLOAT = re.compile(r"\d\.\d{6,}")


def _side(dim: str, n: int, right: int, conf: float | None = None) -> list[ItemResult]:
    return [
        ItemResult(id=f"{dim}-{i}", dimension=dim, outcome=int(i < right), confidence=conf)
        for i in range(n)
    ]


@pytest.fixture(scope="module")
def assessment() -> TransferAssessment:
    teacher = (
        _side("safety_refusal", 200, 190)
        + _side("over_refusal", 190, 176)
        + _side("factuality", 200, 170, conf=0.85)
    )
    student = (
        _side("safety_refusal", 200, 185)
        + _side("over_refusal", 190, 176)
        + _side("factuality", 200, 160, conf=0.99)
    )
    return assess_transfer(
        teacher,
        student,
        teacher_ref="t@1",
        student_ref="s@1",
        agreement={"top1_agreement": 1 - 0.9, "mean_kl": 0.1 + 0.2},
    )


def _md_rows(text: str) -> dict[str, str]:
    rows: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("| ") and " | " in line:
            rows.setdefault(line.split(" | ")[0].lstrip("| "), line)  # the scorecard comes first
    return rows


def test_rows_name_the_quantity_they_show(assessment: TransferAssessment) -> None:
    rows = _md_rows(render_markdown(assessment))
    assert "benign-answer rate" in rows["over_refusal"]
    assert "refusal rate" in rows["safety_refusal"]
    assert "accuracy" in rows["factuality"]
    assert "| dimension | measure | teacher | student |" in render_markdown(assessment)
    svg = re.findall(r"<svg.*?</svg>", render_html(assessment), re.S)[0]
    ns = "{http://www.w3.org/2000/svg}"
    labels = [t.text or "" for t in ET.fromstring(svg).iter(f"{ns}text")]
    assert "over_refusal (benign-answer rate)" in labels
    assert not any(label.endswith("(rate)") for label in labels)


def test_the_calibration_row_shows_calibration_figures(assessment: TransferAssessment) -> None:
    cal = assessment.dimension("calibration")
    fact = assessment.dimension("factuality")
    assert fact.flips.lost  # the items did flip, on factuality
    # an ECE has no share of the teacher's value and no items flipped by it
    assert cal.share is None
    assert cal.flips.lost == [] and cal.flips.gained == []
    row = _md_rows(render_markdown(assessment))["calibration"]
    cells = [c.strip() for c in row.strip("| ").split(" | ")]
    measure, teacher, student, share, _delta, _p, flips = cells[1:8]
    assert measure == "ECE, 10 equal-mass bins"
    assert teacher.startswith(f"{cal.teacher.value:.3f}") and "n=200" in teacher
    assert student.startswith(f"{cal.student.value:.3f}")
    assert share == "—" and flips == "—"
    assert "%" not in row
    page = render_html(assessment)
    assert "105%" not in page


def test_numbers_are_formatted_for_people(assessment: TransferAssessment) -> None:
    console = Console(record=True, width=260)
    render_text(assessment, console)
    for text in (render_markdown(assessment), render_html(assessment), console.export_text()):
        assert not LONG_FLOAT.search(text), LONG_FLOAT.findall(text)
    md = render_markdown(assessment)
    assert "top1_agreement: 10.0%" in md and "mean_kl: 0.3" in md
    # JSON keeps full precision
    data = json.loads(render_json(assessment))
    assert data["agreement"]["mean_kl"] == 0.1 + 0.2


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.09999999999999998, "0.1"),
        (0.30000000000000004, "0.3"),
        (12345.678, "12346"),
        (3, "3"),
        (0.000123456, "0.0001235"),
        (True, "true"),
        (None, "—"),
        (float("nan"), "n/a"),
        ([0.1 + 0.2, 2], "[0.3, 2]"),
        ({"a": 1 - 0.9}, "{a: 0.1}"),
        ("x", "x"),
    ],
)
def test_fmt_number(value: object, text: str) -> None:
    from heredity.report import fmt_number

    assert fmt_number(value) == text
