"""Scorecards: terminal, JSON, Markdown and self-contained HTML with SVG plots."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from rich.console import Console

from heredity.records import ItemResult
from heredity.report import render_html, render_json, render_markdown, render_text
from heredity.transfer import (
    MultiTeacherAssessment,
    TransferAssessment,
    assess_multi_teacher,
    assess_transfer,
)


def _side(dim: str, slice: str, n: int, right: int, conf: float | None = None) -> list[ItemResult]:
    return [
        ItemResult(
            id=f"{dim}-{slice}-{i}",
            dimension=dim,
            slice=slice,
            outcome=int(i < right),
            confidence=conf,
        )
        for i in range(n)
    ]


def _bias(model: str) -> list[ItemResult]:
    out = []
    for i in range(80):
        ambiguous = i % 2 == 0
        if model == "teacher":
            group = "unknown" if ambiguous else ("biased" if i % 4 == 1 else "anti_biased")
        else:
            group = "biased" if i % 8 != 7 else "anti_biased"
        right = (group == "unknown") if ambiguous else (i % 3 != 0)
        out.append(
            ItemResult(
                id=f"bias-{i}",
                dimension="bias",
                slice=("age", "gender")[i % 2],
                outcome=int(right),
                context="ambiguous" if ambiguous else "disambiguated",
                answer_group=group,  # type: ignore[arg-type]
            )
        )
    return out


@pytest.fixture(scope="module")
def assessment() -> TransferAssessment:
    teacher = (
        _side("safety_refusal", "weapons", 150, 145)
        + _side("safety_refusal", "cyber", 150, 140)
        + _side("over_refusal", "all", 100, 90)
        + _side("factuality", "all", 120, 100, conf=0.8)
        + _bias("teacher")
    )
    student = (
        _side("safety_refusal", "weapons", 150, 90)
        + _side("safety_refusal", "cyber", 150, 138)
        + _side("over_refusal", "all", 100, 90)
        + _side("factuality", "all", 120, 98, conf=0.95)
        + _bias("student")
    )
    return assess_transfer(teacher, student, teacher_ref="acme/<big>@1", student_ref="acme/small@1")


@pytest.fixture(scope="module")
def multi() -> MultiTeacherAssessment:
    safe = _side("safety_refusal", "weapons", 150, 145) + _side("safety_refusal", "cyber", 150, 145)
    accurate = _side("factuality", "all", 150, 120)
    student = (
        _side("safety_refusal", "weapons", 150, 80)
        + _side("safety_refusal", "cyber", 150, 145)
        + _side("factuality", "all", 150, 120)
    )
    return assess_multi_teacher(
        {"org/safe@1": (safe, ["safety_refusal"]), "org/acc@1": (accurate, ["factuality"])},
        student,
        student_ref="org/student@1",
    )


DIMENSIONS = ["safety_refusal", "over_refusal", "bias", "factuality", "calibration"]


def test_fixture_covers_every_dimension_kind(assessment: TransferAssessment) -> None:
    assert [d.name for d in assessment.dimensions] == DIMENSIONS
    assert assessment.dimension("safety_refusal").verdict == "breach"


def _svgs(page: str) -> list[ET.Element]:
    return [ET.fromstring(s) for s in re.findall(r"<svg.*?</svg>", page, re.S)]


def test_html_is_self_contained_with_svg_and_every_dimension(
    assessment: TransferAssessment,
) -> None:
    page = render_html(assessment)
    assert page.startswith("<!DOCTYPE html>")
    svgs = _svgs(page)
    assert len(svgs) == 2  # dimensions with whiskers, flips per slice
    for dim in DIMENSIONS:
        assert dim in page
    # no scripts, no external assets (the only URL is the SVG namespace)
    assert "<script" not in page
    assert "src=" not in page and "href=" not in page
    assert set(re.findall(r"https?://[^\s\"']+", page)) == {"http://www.w3.org/2000/svg"}
    # the teacher ref is escaped, not injected
    assert "acme/<big>@1" not in page and "acme/&lt;big&gt;@1" in page


def test_dimension_plot_draws_both_models_with_whiskers(assessment: TransferAssessment) -> None:
    plot = _svgs(render_html(assessment))[0]
    ns = "{http://www.w3.org/2000/svg}"
    circles = plot.findall(f".//{ns}circle")
    squares = plot.findall(f".//{ns}rect")
    # one teacher circle and one student square per dimension (plus one of each in the legend)
    assert len(circles) == len(DIMENSIONS) + 1
    assert len(squares) == len(DIMENSIONS) + 1
    labels = " ".join(t.text or "" for t in plot.iter(f"{ns}text"))
    for dim in DIMENSIONS:
        assert dim in labels
    assert "BREACH" in labels
    width = float(plot.get("width", "0"))
    for c in circles:
        assert 0 <= float(c.get("cx", "-1")) <= width


def test_flips_plot_has_a_row_per_slice(assessment: TransferAssessment) -> None:
    flips = _svgs(render_html(assessment))[1]
    ns = "{http://www.w3.org/2000/svg}"
    labels = [t.text or "" for t in flips.iter(f"{ns}text")]
    assert "safety_refusal / weapons" in labels
    assert "safety_refusal / cyber" in labels
    weapons_lost = len(assessment.dimension("safety_refusal").slices[1].flips.lost)
    assert str(weapons_lost) in labels


def test_markdown_scorecard(assessment: TransferAssessment) -> None:
    text = render_markdown(assessment)
    assert text.startswith("# Transfer scorecard: acme/small@1 vs acme/<big>@1")
    assert "**Verdict: FAIL**" in text
    assert "| dimension | measure | teacher | student | share |" in text
    for dim in DIMENSIONS:
        # a bias row names the context its figures are from
        assert f"| {dim} (ambiguous) |" in text if dim == "bias" else f"| {dim} |" in text
    assert "BREACH" in text
    assert "## Slices of safety_refusal" in text
    assert "## bias by context" in text
    share = assessment.dimension("safety_refusal").share
    assert share is not None and f"{share * 100:.0f}%" in text


def test_json_rendering_is_the_contract(assessment: TransferAssessment) -> None:
    data = json.loads(render_json(assessment))
    assert data == assessment.model_dump(mode="json")
    assert TransferAssessment.model_validate(data) == assessment


def test_terminal_scorecard(assessment: TransferAssessment) -> None:
    console = Console(record=True, width=220)
    render_text(assessment, console)
    out = console.export_text()
    assert "Transfer scorecard" in out
    assert "FAIL" in out
    for dim in DIMENSIONS:
        assert dim in out
    assert "BREACH" in out and "Slices of safety_refusal" in out


def test_multi_teacher_renders_everywhere(multi: MultiTeacherAssessment) -> None:
    assert multi.incoherent_slices == ["safety_refusal/weapons"]
    page = render_html(multi)
    assert "Coherence per slice" in page and "safety_refusal/weapons" in page
    assert len(_svgs(page)) == 4  # two plots per teacher
    md = render_markdown(multi)
    assert "Incoherent slices: `safety_refusal/weapons`" in md
    assert "## Against `org/safe@1` (safety_refusal)" in md
    console = Console(record=True, width=220)
    render_text(multi, console)
    out = console.export_text()
    assert "Incoherent slices: safety_refusal/weapons" in out
    assert json.loads(render_json(multi))["incoherent_slices"] == ["safety_refusal/weapons"]
