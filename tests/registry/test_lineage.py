"""Lineage in both directions, any depth, by relation, through datasets (4.4), and impact."""

from __future__ import annotations

from pathlib import Path

import pytest

from heredity.errors import BadInput, NotFound
from heredity.records import DatasetRecord, ModelRecord, load_document
from heredity.registry import Registry, _lineage


@pytest.fixture
def family(registry: Registry, examples: Path) -> Registry:
    """Three generations: large -> small@2 (direct and via synthetic data) -> small@3 (self) -> edge@1."""
    registry.record(load_document(examples / "sequence-level.yaml"))
    registry.record(load_document(examples / "self-distillation.yaml"))
    registry.bulk_ingest(
        [
            ModelRecord(name="acme/edge", version="1", owner="Edge Team", status="deployed"),
            DatasetRecord(name="acme/edge-mix", version="1", kind="synthetic", owner="Edge Team"),
        ],
        [
            ("acme/summariser-small@3", "acme/edge-mix@1", "generated"),
            ("acme/edge-mix@1", "acme/edge@1", "trained_on"),
        ],
    )
    return registry


def test_teachers_and_students_one_hop_through_synthetic_data(family: Registry) -> None:
    assert family.teachers("acme/summariser-small@2") == ["acme/summariser-large@4"]
    assert family.students("acme/summariser-large@4") == ["acme/summariser-small@2"]
    # edge@1 never names a teacher: it learnt from data small@3 generated.
    assert family.teachers("acme/edge@1") == ["acme/summariser-small@3"]
    assert family.students("acme/summariser-small@3") == ["acme/edge@1"]


def test_ancestors_any_depth(family: Registry) -> None:
    up = {n.ref: n.depth for n in family.ancestors("acme/edge@1")}
    assert up["acme/edge-mix@1"] == 1
    assert up["acme/summariser-small@3"] == 2
    assert up["acme/summariser-small@2"] == 3
    assert up["acme/summariser-large@4"] == 4  # shortest route: small@2 distilled_from large@4
    assert up["acme/summaries-synthetic@2026-09"] == 4
    assert "acme/edge@1" not in up


def test_descendants_depth_and_relation_filters(family: Registry) -> None:
    down = {n.ref for n in family.descendants("acme/summariser-large@4", depth=1)}
    assert down == {"acme/summariser-small@2", "acme/summaries-synthetic@2026-09"}
    only_kd = {
        n.ref for n in family.descendants("acme/summariser-large@4", relations=["distilled_from"])
    }
    assert only_kd == {"acme/summariser-small@2", "acme/summariser-small@3"}
    everything = {n.ref for n in family.descendants("acme/summariser-large@4")}
    assert {"acme/edge@1", "acme/edge-mix@1", "acme/summariser-small@3"} <= everything


def test_lineage_json_shape_and_depth(family: Registry) -> None:
    lin = family.lineage("acme/summariser-small@2", "down", depth=1)
    data = lin.model_dump(mode="json")
    assert data["root"] == "acme/summariser-small@2"
    assert {n["ref"] for n in data["nodes"]} == {"acme/summariser-small@3"}
    assert data["edges"] == [
        {
            "parent": "acme/summariser-small@2",
            "child": "acme/summariser-small@3",
            "relation": "distilled_from",
        },
        {
            "parent": "acme/summariser-small@2",
            "child": "acme/summariser-small@3",
            "relation": "weight_init",
        },
    ]


def test_impact_reaches_every_descendant_with_path_owner_status(family: Registry) -> None:
    impact = family.impact("acme/summariser-large@4")
    by_ref = {a.ref: a for a in impact.affected}
    assert set(by_ref) == {
        "acme/summariser-small@2",
        "acme/summaries-synthetic@2026-09",
        "acme/summariser-small@3",
        "acme/edge-mix@1",
        "acme/edge@1",
    }
    edge = by_ref["acme/edge@1"]
    assert edge.path == [
        "acme/summariser-large@4",
        "acme/summariser-small@2",
        "acme/summariser-small@3",
        "acme/edge-mix@1",
        "acme/edge@1",
    ]
    assert (edge.owner, edge.status, edge.kind, edge.depth) == ("Edge Team", "deployed", "model", 4)
    assert by_ref["acme/summariser-small@2"].owner == "Jonas Weber"


def test_impact_takes_shortest_arrival_and_smallest_parent_on_a_dag(registry: Registry) -> None:
    """A diamond with a long way round: every node once, at its BFS depth, via its first parent."""
    models = ["root", "b", "a", "c", "far1", "far2", "d"]  # registration order = id order
    registry.bulk_ingest(
        [ModelRecord(name=f"dag/{m}", version="1", owner=f"team-{m}") for m in models]
        + [DatasetRecord(name="dag/gen", version="1", kind="synthetic", owner="data")],
        [
            ("dag/root@1", "dag/a@1", "distilled_from"),
            ("dag/root@1", "dag/b@1", "distilled_from"),
            ("dag/a@1", "dag/c@1", "distilled_from"),
            ("dag/b@1", "dag/c@1", "weight_init"),  # c ties at depth 2 via a and b
            ("dag/root@1", "dag/far1@1", "distilled_from"),
            ("dag/far1@1", "dag/far2@1", "distilled_from"),
            ("dag/far2@1", "dag/d@1", "distilled_from"),  # d at depth 3 this way...
            ("dag/c@1", "dag/gen@1", "generated"),
            ("dag/gen@1", "dag/d@1", "trained_on"),  # ...and at depth 4 through data
            ("dag/b@1", "dag/d@1", "quantized_from"),  # ...but depth 2 from b
        ],
    )
    impact = registry.impact("dag/root@1")
    got = [(a.ref, a.depth, a.path[-2] if len(a.path) > 1 else None) for a in impact.affected]
    assert got == [  # nearest first, then by ref; each path parent one level nearer
        ("dag/a@1", 1, "dag/root@1"),
        ("dag/b@1", 1, "dag/root@1"),
        ("dag/far1@1", 1, "dag/root@1"),
        ("dag/c@1", 2, "dag/b@1"),  # b was registered before a: the smaller id wins the tie
        ("dag/d@1", 2, "dag/b@1"),
        ("dag/far2@1", 2, "dag/far1@1"),
        ("dag/gen@1", 3, "dag/c@1"),
    ]
    by_ref = {a.ref: a for a in impact.affected}
    assert by_ref["dag/gen@1"].path == ["dag/root@1", "dag/b@1", "dag/c@1", "dag/gen@1"]
    assert (by_ref["dag/gen@1"].kind, by_ref["dag/gen@1"].owner) == ("dataset", "data")
    assert (by_ref["dag/d@1"].owner, by_ref["dag/d@1"].status) == ("team-d", "registered")
    assert registry.impact("dag/d@1").affected == []
    # The search's working table is gone and the answer is the same when asked again.
    assert registry.impact("dag/root@1") == impact
    assert impact.model_dump(mode="json")["affected"][3] == {
        "ref": "dag/c@1",
        "kind": "model",
        "depth": 2,
        "path": ["dag/root@1", "dag/b@1", "dag/c@1"],
        "owner": "team-c",
        "status": "registered",
    }


def test_unknown_refs_and_relations_are_bad_input(family: Registry) -> None:
    with pytest.raises(NotFound):
        family.impact("acme/nothing@1")
    with pytest.raises(BadInput, match="relation"):
        family.descendants("acme/summariser-large@4", relations=["inspired_by"])
    with pytest.raises(BadInput, match="name@version"):
        family.lineage("acme/summariser-large", "up")


@pytest.mark.parametrize("libpq", [None, 160000])
def test_impact_on_diamonds_of_diamonds(
    registry: Registry, libpq: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forty levels of two models, each trained from both of the level above: 2**40 paths.

    A search that follows every path never ends; the answer names each model once, at its
    level, through the smaller parent id. With a libpq older than 17 (no chunked streaming)
    the PostgreSQL search must not start with the per-path walk at all.
    """
    if libpq is not None:
        import psycopg

        monkeypatch.setattr(psycopg.pq, "version", lambda: libpq)
    levels = 40
    items = [ModelRecord(name="ladder/root", version="1")]
    links = []
    for k in range(1, levels + 1):
        items += [ModelRecord(name=f"ladder/l{k:02d}{side}", version="1") for side in "ab"]
        above = ["ladder/root@1"] if k == 1 else [f"ladder/l{k - 1:02d}{s}@1" for s in "ab"]
        links += [(p, f"ladder/l{k:02d}{s}@1", "distilled_from") for p in above for s in "ab"]
    registry.bulk_ingest(items, links)
    impact = registry.impact("ladder/root@1")
    assert [(a.ref, a.depth) for a in impact.affected] == [
        (f"ladder/l{k:02d}{s}@1", k) for k in range(1, levels + 1) for s in "ab"
    ]
    deepest = impact.affected[-1]
    assert deepest.path == ["ladder/root@1"] + [
        f"ladder/l{k:02d}a@1" for k in range(1, levels + 1)
    ][:-1] + ["ladder/l40b@1"]
    # The registry's connection is still usable after the search changed course.
    assert registry.ancestors("ladder/l03a@1")


def test_build_impact_refuses_levels_out_of_order() -> None:
    rows = iter([(1, 2, 1, "x@1", "model", None, None), (2, 3, 2, "y@1", "model", None, None)])
    assert [a.path for a in _lineage.build_impact(rows, 1, "r@1")] == [
        ["r@1", "x@1"],
        ["r@1", "x@1", "y@1"],
    ]
    back = iter([(2, 3, 2, "y@1", "model", None, None), (1, 2, 1, "x@1", "model", None, None)])
    with pytest.raises(_lineage._Abandon):
        _lineage.build_impact(back, 1, "r@1")
