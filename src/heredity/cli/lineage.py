"""``lineage`` and ``impact``: provenance questions in both directions (4.4)."""

from __future__ import annotations

import typer
from rich.table import Table
from rich.tree import Tree

from heredity.cli._app import app, check_format, console, open_registry, print_json, styled
from heredity.registry import Lineage


def _tree(lin: Lineage) -> Tree:
    kinds = {n.ref: n.kind for n in lin.nodes}
    children: dict[str, list[tuple[str, str]]] = {}
    for e in lin.edges:
        src, dst = (e.parent, e.child) if lin.direction == "down" else (e.child, e.parent)
        children.setdefault(src, []).append((dst, e.relation))
    tree = Tree(styled((lin.root, "bold")))
    seen: set[str] = set()

    def grow(node: Tree, ref: str) -> None:
        for dst, relation in sorted(children.get(ref, [])):
            label = (dst, ""), (f" ({relation}, {kinds.get(dst, 'model')})", "dim")
            if dst in seen:
                node.add(styled(*label, (" …(shown above)", "dim")))
                continue
            seen.add(dst)
            grow(node.add(styled(*label)), dst)

    grow(tree, lin.root)
    return tree


@app.command()
def lineage(
    ref: str = typer.Argument(..., help="model or dataset name@version"),
    direction: str = typer.Option(
        "up", "--direction", help="up (teachers, ancestors) | down (students, descendants)"
    ),
    depth: int | None = typer.Option(None, "--depth", help="hops to follow (default: all)"),
    relation: list[str] = typer.Option(
        [], "--relation", help="follow only this relation (repeatable)"
    ),
    fmt: str = typer.Option("text", "--format", help="text | json"),
) -> None:
    """Ancestors or descendants of a model, through datasets, as a tree or JSON."""
    check_format(fmt, ("text", "json"))
    lin = open_registry().lineage(ref, direction, depth=depth, relations=relation or None)  # type: ignore[arg-type]
    if fmt == "json":
        print_json(lin.model_dump(mode="json", exclude={"direction"}))
        return
    console.print(_tree(lin))


@app.command()
def impact(
    ref: str = typer.Argument(..., help="the model found defective (name@version)"),
    fmt: str = typer.Option("text", "--format", help="text | json"),
) -> None:
    """Everything downstream of a model — every student, dataset and descendant, with owners."""
    check_format(fmt, ("text", "json"))
    result = open_registry().impact(ref)
    if fmt == "json":
        print_json(result.model_dump(mode="json"))
        return
    table = Table(
        "affected", "kind", "depth", "status", "owner", "reached via", title=f"impact of {ref}"
    )
    for a in result.affected:
        table.add_row(
            a.ref,
            a.kind,
            str(a.depth),
            a.status or "-",
            a.owner or "-",
            " → ".join(a.path[1:-1]) or "(direct)",
        )
    console.print(table)
    console.print(f"{len(result.affected)} affected")
