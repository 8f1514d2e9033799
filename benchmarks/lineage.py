"""Lineage benchmark: bulk ingest, ancestry of leaves and impact of the largest family root.

Builds a synthetic registry of N models plus teacher-generated datasets through
``Registry.bulk_ingest`` (ledger included), then times ``Registry.ancestors`` on random leaves and
``Registry.impact`` on the root of the largest family, with networkx BFS on the same graph in
memory as the reference. One JSON object goes to stdout (``--json``); progress goes to stderr.

    python benchmarks/lineage.py --models 100000 --backend sqlite --json
    python benchmarks/lineage.py --models 100000 --backend postgresql --db URL --json
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from heredity.records import DatasetRecord, ModelRecord
from heredity.registry import Registry
from heredity.registry._lineage import paused_gc

MAX_DEPTH = 12  # edges from a family root to its deepest node (dataset hops included)
ZIPF_ALPHA = 1.1  # family sizes ~ rank^-alpha
DATASET_LINK_P = 0.055  # share of student links that go teacher -generated-> data -trained_on->
REUSE_DATASET_P = 0.3  # a teacher with a generated dataset reuses it for another student
SECOND_TEACHER_P = 0.05  # multi-teacher students get a second distilled_from parent
DEFAULT_PG_URL = "postgresql+psycopg://heredity:heredity@127.0.0.1:5432/heredity_test"
RELATIONS = ("distilled_from",) * 17 + ("weight_init", "quantized_from", "pruned_from")

stderr = Console(stderr=True)


@dataclass
class Synthetic:
    """A generated registry: items in creation order, edges by index, and what to query."""

    refs: list[str] = field(default_factory=list)  # index -> ref
    is_dataset: list[bool] = field(default_factory=list)
    family: list[int] = field(default_factory=list)
    edges: list[tuple[int, int, str]] = field(default_factory=list)  # (parent, child, relation)
    edge_owner: list[int] = field(
        default_factory=list
    )  # edge i is ingested with item edge_owner[i]
    roots: list[int] = field(default_factory=list)  # family k -> index of its root
    family_sizes: list[int] = field(default_factory=list)  # models per family

    @property
    def models(self) -> int:
        return len(self.refs) - sum(self.is_dataset)

    def leaves(self) -> list[int]:
        has_child = bytearray(len(self.refs))
        for p, _, _ in self.edges:
            has_child[p] = 1
        return [i for i, d in enumerate(self.is_dataset) if not d and not has_child[i]]


def family_sizes(models: int, rng: random.Random) -> list[int]:
    """Zipf-sized families summing to ``models``; the largest holds well over a tenth of them."""
    count = max(1, models // 100)
    weights = [(k + 1) ** -ZIPF_ALPHA * rng.uniform(0.8, 1.2) for k in range(count)]
    total = sum(weights)
    sizes = [max(1, int(models * w / total)) for w in weights]
    sizes[0] += models - sum(sizes)
    if sizes[0] < 1:  # tiny N: one family holds everything
        return [models]
    return sizes


def generate(models: int, seed: int = 0) -> Synthetic:
    """Families with preferential-attachment (heavy-tailed) fan-out, depth <= 12, some via data."""
    rng = random.Random(seed)
    syn = Synthetic()
    sizes = family_sizes(models, rng)
    order = list(range(len(sizes)))
    rng.shuffle(order)  # the largest family is not ingested first
    syn.family_sizes = sizes
    syn.roots = [0] * len(sizes)

    def new_node(ref: str, dataset: bool, fam: int) -> int:
        syn.refs.append(ref)
        syn.is_dataset.append(dataset)
        syn.family.append(fam)
        return len(syn.refs) - 1

    def link(parent: int, child: int, relation: str) -> None:
        syn.edges.append((parent, child, relation))
        syn.edge_owner.append(child)

    for fam in order:
        size = sizes[fam]
        root = new_node(f"fam{fam:05d}/base@1", False, fam)
        syn.roots[fam] = root
        depth = {root: 0}
        urn = [root]  # a node appears once plus once per student: preferential attachment
        generated: dict[int, list[int]] = {}
        for i in range(1, size):
            parent = urn[rng.randrange(len(urn))]
            via_data = rng.random() < DATASET_LINK_P
            tries = 0
            while depth[parent] + (2 if via_data else 1) > MAX_DEPTH and tries < 8:
                parent = urn[rng.randrange(len(urn))]
                tries += 1
            if depth[parent] + (2 if via_data else 1) > MAX_DEPTH:
                parent = root
            ds = -1
            if via_data:
                own = generated.setdefault(parent, [])
                if own and rng.random() < REUSE_DATASET_P:
                    ds = own[rng.randrange(len(own))]
                else:
                    ds = new_node(f"fam{fam:05d}/data-{len(own)}-of-{parent}@1", True, fam)
                    own.append(ds)
                    depth[ds] = depth[parent] + 1
                    link(parent, ds, "generated")
            child = new_node(f"fam{fam:05d}/student-{i}@1", False, fam)
            if ds >= 0:
                link(ds, child, "trained_on")
                depth[child] = depth[ds] + 1
            else:
                link(parent, child, RELATIONS[rng.randrange(len(RELATIONS))])
                depth[child] = depth[parent] + 1
            if rng.random() < SECOND_TEACHER_P and len(urn) > 2:
                other = urn[rng.randrange(len(urn))]
                if other != parent:
                    link(other, child, "distilled_from")
                    depth[child] = min(depth[child], depth[other] + 1)
            urn.append(parent)
            urn.append(child)
    return syn


def _record(syn: Synthetic, i: int) -> ModelRecord | DatasetRecord:
    name, version = syn.refs[i].rsplit("@", 1)
    team = f"team-{syn.family[i] % 97}"
    if syn.is_dataset[i]:
        return DatasetRecord(
            name=name,
            version=version,
            kind="synthetic",
            licence="cc-by-4.0",
            examples=50_000,
            source="generated by its teacher",
            owner=team,
        )
    return ModelRecord(
        name=name,
        version=version,
        licence="apache-2.0",
        access="open-weights",
        architecture="LlamaForCausalLM",
        parameters=125_000_000 + i,
        owner=team,
        status="deployed" if i % 7 == 0 else "registered",
    )


def batches(syn: Synthetic, size: int) -> Iterator[tuple[int, int, int, int]]:
    """``(item_lo, item_hi, edge_lo, edge_hi)``: items in order, each edge with its child's batch."""
    edge = 0
    for lo in range(0, len(syn.refs), size):
        hi = min(lo + size, len(syn.refs))
        start = edge
        while edge < len(syn.edges) and syn.edge_owner[edge] < hi:
            edge += 1
        yield lo, hi, start, edge


@contextmanager
def database(backend: str, db: str | None, workdir: Path, keep: bool = False) -> Iterator[str]:
    """A fresh, empty registry URL; a PostgreSQL run gets its own schema, dropped afterwards
    unless ``keep`` (then its URL goes to stderr, for profiling the queries on it)."""
    if backend == "sqlite":
        path = Path(db) if db else workdir / "bench.db"
        if path.exists():
            raise SystemExit(f"--db: {path} already exists; the benchmark needs a fresh registry")
        yield f"sqlite:///{path}"
        return
    import sqlalchemy as sa

    server = db or os.environ.get("HEREDITY_BENCH_PG_URL") or DEFAULT_PG_URL
    schema = "bench_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(server)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in server else "?"
    url = f"{server}{sep}options=-csearch_path%3D{schema}"
    try:
        yield url
    finally:
        if keep:
            stderr.log(f"kept the registry: {url}")
        else:
            with admin.begin() as conn:
                conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=stderr,
        transient=False,
    )


def _median_time(fn: Any, runs: int, *, pause_gc: bool = False) -> tuple[float, list[float], Any]:
    """Median of ``runs`` calls.

    ``pause_gc`` gives the networkx reference the treatment ``Registry.impact`` gives itself:
    the collector is held during the work (the same ``paused_gc``) and the collection that the
    pause deferred runs inside the timed call, at the first container allocations after it, as
    it does inside ``impact`` (whose own code allocates after its pause ends).
    """
    times, out = [], None
    for _ in range(runs):
        out = None
        t0 = time.perf_counter()
        if pause_gc:
            with paused_gc():
                out = fn()
            _after = [[] for _ in range(1000)]
            del _after
        else:
            out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times, out


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def run(
    models: int,
    backend: str,
    db: str | None = None,
    *,
    batch: int = 20_000,
    samples: int = 200,
    seed: int = 0,
    impact_runs: int = 3,
    keep: bool = False,
) -> dict[str, Any]:
    """Generate, ingest and measure; returns the result object (see the module docstring)."""
    if models < 100:
        raise SystemExit("--models: at least 100")
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    syn = generate(models, seed)
    gen_s = time.perf_counter() - t0
    datasets = len(syn.refs) - models
    via_data = sum(1 for _, _, rel in syn.edges if rel in ("generated", "trained_on"))
    stderr.log(
        f"generated {models:,} models, {datasets:,} datasets, {len(syn.edges):,} edges "
        f"in {gen_s:.1f}s ({via_data / len(syn.edges):.1%} of edges through datasets)"
    )

    with (
        tempfile.TemporaryDirectory(prefix="heredity-bench-") as tmp,
        database(backend, db, Path(tmp), keep) as url,
    ):
        reg = Registry.open(url, actor="benchmark")
        try:
            result = _measure(
                reg, syn, batch=batch, samples=samples, seed=seed, impact_runs=impact_runs
            )
            server = _server_version(reg)
        finally:
            reg.close()
    return {
        "models": models,
        "backend": backend,
        "server": server,
        "datasets": datasets,
        "edges": len(syn.edges),
        "edges_through_datasets": round(via_data / len(syn.edges), 4),
        "families": len(syn.family_sizes),
        "largest_family": max(syn.family_sizes),
        "batch": batch,
        "generate_s": round(gen_s, 3),
        **result,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_avg_1m_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def _server_version(reg: Registry) -> str:
    with reg.reading() as conn:
        if reg.engine.dialect.name == "sqlite":
            return "sqlite " + str(conn.exec_driver_sql("select sqlite_version()").scalar())
        return "postgresql " + str(conn.exec_driver_sql("show server_version").scalar()).split()[0]


def _measure(
    reg: Registry, syn: Synthetic, *, batch: int, samples: int, seed: int, impact_runs: int
) -> dict[str, Any]:
    rng = random.Random(seed + 1)
    models = syn.models
    refs = syn.refs
    # -- ingest: building the records and every bulk_ingest call (ledger included) ----------------
    events, records_s, library_s = 0, 0.0, 0.0
    t0, c0 = time.perf_counter(), time.process_time()
    with _progress() as progress:
        task = progress.add_task("bulk ingest", total=len(refs))
        for lo, hi, elo, ehi in batches(syn, batch):
            t = time.perf_counter()
            items = [_record(syn, i) for i in range(lo, hi)]
            links = [(refs[p], refs[c], rel) for p, c, rel in syn.edges[elo:ehi]]
            t_call = time.perf_counter()
            events += reg.bulk_ingest(items, links)
            library_s += time.perf_counter() - t_call
            records_s += t_call - t
            progress.update(task, completed=hi)
    ingest_s, ingest_cpu_s = time.perf_counter() - t0, time.process_time() - c0
    stderr.log(
        f"ingested in {ingest_s:.1f}s: {models / ingest_s:,.0f} models/s, {events:,} ledger events"
    )

    # -- ancestry of random leaves ---------------------------------------------------------------
    leaves = syn.leaves()
    picks = rng.sample(leaves, min(samples + 10, len(leaves)))
    warm, timed = picks[:10], picks[10:]
    for i in warm:  # untimed: opens the pool's connection and warms the page cache
        reg.ancestors(refs[i])
    graph = nx.DiGraph()
    graph.add_nodes_from(range(len(refs)))
    graph.add_edges_from((p, c) for p, c, _ in syn.edges)
    # The generator's lists and the networkx graph are millions of long-lived objects that only
    # this harness holds; move them out of the collector's reach so its passes over them do not
    # land inside the timed calls (of Heredity or of networkx).
    gc.collect()
    gc.freeze()
    anc_ms: list[float] = []
    with _progress() as progress:
        task = progress.add_task("ancestors of leaves", total=len(timed))
        for i in timed:
            t = time.perf_counter()
            got = reg.ancestors(refs[i])
            anc_ms.append((time.perf_counter() - t) * 1000)
            want = nx.ancestors(graph, i)
            if {n.ref for n in got} != {refs[a] for a in want}:
                raise AssertionError(f"ancestors of {refs[i]} differ from networkx")
            progress.advance(task)

    # -- impact of the largest family root ---------------------------------------------------------
    largest = max(range(len(syn.family_sizes)), key=syn.family_sizes.__getitem__)
    root = syn.roots[largest]
    stderr.log(f"impact of {refs[root]} ({syn.family_sizes[largest]:,} models in its family)")
    impact_s, impact_times, answer = _median_time(lambda: reg.impact(refs[root]), impact_runs)
    nx_s, nx_times, paths = _median_time(
        lambda: nx.single_source_shortest_path(graph, root), impact_runs, pause_gc=True
    )
    reach_s, _, reach = _median_time(
        lambda: nx.descendants(graph, root), impact_runs, pause_gc=True
    )

    want_depth = {refs[n]: len(p) - 1 for n, p in paths.items() if n != root}
    got_depth = {a.ref: a.depth for a in answer.affected}
    if len(answer.affected) != len(reach) or got_depth != want_depth:
        raise AssertionError(f"impact: {len(answer.affected)} nodes, networkx finds {len(reach)}")
    index = {ref: i for i, ref in enumerate(refs)}
    for a in answer.affected:  # every reported path is a real shortest path from the root
        hops = [index[r] for r in a.path]
        if (
            hops[0] != root
            or a.path[-1] != a.ref
            or len(hops) != a.depth + 1
            or not all(graph.has_edge(u, v) for u, v in zip(hops, hops[1:], strict=False))
        ):
            raise AssertionError(f"impact: bad path for {a.ref}: {a.path}")
    impact_models = sum(1 for n in reach if not syn.is_dataset[n])
    if impact_models * 10 < models:
        raise AssertionError(
            f"largest root reaches {impact_models} models, under a tenth of {models}"
        )
    stderr.log(
        f"impact: {len(reach):,} nodes in {impact_s:.3f}s; networkx paths {nx_s:.3f}s, "
        f"reach {reach_s:.3f}s"
    )

    p50, p99 = _percentile(anc_ms, 0.50), _percentile(anc_ms, 0.99)
    ingest_per_s = models / ingest_s
    return {
        "ledger_events": events,
        "ingest_s": round(ingest_s, 3),
        "ingest_per_s": round(ingest_per_s, 1),
        "ingest_client_cpu_s": round(ingest_cpu_s, 3),
        "ingest_records_s": round(records_s, 3),
        "ingest_bulk_calls_s": round(library_s, 3),
        "ancestors_samples": len(anc_ms),
        "ancestors_p50_ms": round(p50, 3),
        "ancestors_p99_ms": round(p99, 3),
        "ancestors_max_ms": round(max(anc_ms), 3),
        "impact_root": refs[root],
        "impact_count": len(answer.affected),
        "impact_models": impact_models,
        "impact_networkx_count": len(reach),
        "impact_s": round(impact_s, 4),
        "impact_runs_s": [round(t, 4) for t in impact_times],
        "impact_networkx_s": round(nx_s, 4),
        "impact_networkx_runs_s": [round(t, 4) for t in nx_times],
        "impact_networkx_reach_s": round(reach_s, 4),
        "impact_ratio": round(impact_s / nx_s, 2),
        "targets_met": {
            "impact_le_1s": impact_s <= 1.0,
            "impact_le_5x_networkx": impact_s <= 5 * nx_s,
            "ancestors_p99_le_20ms": p99 <= 20.0,
            "ingest_ge_10k_per_s": ingest_per_s >= 10_000,
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--models", type=int, default=100_000, help="number of models (default 100000)"
    )
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--db",
        help="SQLite file to create, or PostgreSQL server URL "
        "(default $HEREDITY_BENCH_PG_URL or the local test server)",
    )
    parser.add_argument("--batch", type=int, default=20_000, help="items per bulk_ingest call")
    parser.add_argument("--samples", type=int, default=200, help="leaves whose ancestry is timed")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print one JSON object to stdout")
    parser.add_argument(
        "--keep", action="store_true", help="PostgreSQL: keep the benchmark's schema afterwards"
    )
    args = parser.parse_args(argv)
    result = run(
        args.models,
        args.backend,
        args.db,
        batch=args.batch,
        samples=args.samples,
        seed=args.seed,
        keep=args.keep,
    )
    if args.json:
        print(json.dumps(result))
    else:
        table = Table(
            "measure", "value", title=f"lineage benchmark ({args.backend}, {args.models:,} models)"
        )
        for key, value in result.items():
            table.add_row(key, str(value))
        Console().print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
