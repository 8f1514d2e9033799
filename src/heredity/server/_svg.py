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
