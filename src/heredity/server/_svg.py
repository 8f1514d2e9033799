"""The lineage of a model drawn server-side: ancestors to the left, descendants to the right."""

from __future__ import annotations

from dataclasses import dataclass

from heredity.registry import Lineage

COL = 340
ROW = 56
BOX_W = 200
BOX_H = 34
MAX_PER_SIDE = 40


@dataclass(frozen=True)
class Box:
    ref: str
    kind: str
    x: int
    y: int
    root: bool = False


@dataclass(frozen=True)
class Line:
    x1: int
    y1: int
    x2: int
    y2: int
    relation: str
    synthetic: bool


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    boxes: list[Box]
    lines: list[Line]
    truncated: bool


def draw(root: str, up: Lineage, down: Lineage) -> Drawing:
    """Boxes and labelled arrows (parent to child) for both directions of ``root``'s lineage;
    a ``generated`` relation (synthetic data) is marked."""
    up_nodes = sorted(up.nodes, key=lambda n: (n.depth, n.ref))[:MAX_PER_SIDE]
    down_nodes = sorted(down.nodes, key=lambda n: (n.depth, n.ref))[:MAX_PER_SIDE]
    truncated = len(up.nodes) > MAX_PER_SIDE or len(down.nodes) > MAX_PER_SIDE
    max_up = max((n.depth for n in up_nodes), default=0)
    max_down = max((n.depth for n in down_nodes), default=0)
    columns: dict[int, list[tuple[str, str]]] = {0: [(root, "model")]}
    for n in up_nodes:
        columns.setdefault(-n.depth, []).append((n.ref, n.kind))
    for n in down_nodes:
        columns.setdefault(n.depth, []).append((n.ref, n.kind))
    tallest = max(len(v) for v in columns.values())
    height = tallest * ROW + 20
    where: dict[str, Box] = {}
    boxes: list[Box] = []
    for col, items in sorted(columns.items()):
        top = (height - len(items) * ROW) // 2
        for i, (ref, kind) in enumerate(items):
            if ref in where:
                continue
            box = Box(ref, kind, 10 + (col + max_up) * COL, top + i * ROW + 10, col == 0)
            where[ref] = box
            boxes.append(box)
    lines: list[Line] = []
    for edge in [*up.edges, *down.edges]:
        a, b = where.get(edge.parent), where.get(edge.child)
        if a is None or b is None:
            continue
        lines.append(
            Line(
                a.x + BOX_W,
                a.y + BOX_H // 2,
                b.x,
                b.y + BOX_H // 2,
                edge.relation,
                edge.relation == "generated",
            )
        )
    width = (max_up + max_down) * COL + BOX_W + 20
    return Drawing(width, height, boxes, lines, truncated)


@dataclass(frozen=True)
class Bar:
    """One model's estimate on one dimension: a bar and its confidence interval, in pixels."""

    who: str
    value: float
    width: int
    lo: int | None
    hi: int | None


@dataclass(frozen=True)
class ScoreRow:
    name: str
    verdict: str
    reason: str
    bars: list[Bar]


PLOT_W = 300


def _x(v: float, top: float) -> int:
    return round(max(0.0, min(v, top)) / top * PLOT_W)


def scorecard(assessment: dict[str, object]) -> list[ScoreRow]:
    """The teacher's and the student's estimate per dimension of a stored transfer assessment,
    scaled for a bar plot (with their confidence intervals); dimensions without numbers get no
    bars."""
    dims = assessment.get("dimensions")
    if not isinstance(dims, list):
        return []
    values: list[float] = []
    parsed: list[tuple[str, str, str, list[tuple[str, float, list[float] | None]]]] = []
    for d in dims:
        if not isinstance(d, dict):
            continue
        ests: list[tuple[str, float, list[float] | None]] = []
        for who in ("teacher", "student"):
            e = d.get(who)
            if isinstance(e, dict) and isinstance(e.get("value"), int | float):
                ci = e.get("ci")
                ci_ok = [float(c) for c in ci] if isinstance(ci, list) and len(ci) == 2 else None
                ests.append((who, float(e["value"]), ci_ok))
                values.extend([float(e["value"]), *(ci_ok or [])])
        parsed.append(
            (str(d.get("name", "?")), str(d.get("verdict", "?")), str(d.get("reason", "")), ests)
        )
    top = max([1.0, *values])
    rows = []
    for name, verdict, reason, ests in parsed:
        bars = [
            Bar(
                who,
                v,
                _x(v, top),
                _x(ci[0], top) if ci else None,
                _x(ci[1], top) if ci else None,
            )
            for who, v, ci in ests
        ]
        rows.append(ScoreRow(name, verdict, reason, bars))
    return rows
