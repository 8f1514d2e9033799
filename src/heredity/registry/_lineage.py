"""Lineage queries run in the database (4.4): both directions, any depth."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import Connection, text

from heredity.errors import BadInput

RELATIONS: tuple[str, ...] = (
    "distilled_from",
    "generated",
    "trained_on",
    "weight_init",
    "merged_from",
    "quantized_from",
    "pruned_from",
    "adapter_of",
)
Direction = Literal["up", "down"]
_NO_LIMIT = 100_000


class LineageNode(BaseModel):
    """A model or dataset reached by a lineage query, with its depth."""

    ref: str
    kind: Literal["model", "dataset"]
    depth: int


class LineageEdge(BaseModel):
    """One lineage relation between two nodes (teacher_of, generated, init_from, ...)."""

    parent: str
    child: str
    relation: str


class Lineage(BaseModel):
    """A lineage answer: ``{"root", "nodes", "edges"}`` (nodes exclude the root)."""

    root: str
    direction: Direction
    nodes: list[LineageNode]
    edges: list[LineageEdge]


@dataclass(slots=True)
class Affected:
    """One node downstream of an impact root: how it is reached and who owns it.

    A plain dataclass, not a pydantic model: an impact answer at a million models holds
    hundreds of thousands of them, and they are built from database rows already typed.
    """

    ref: str
    kind: Literal["model", "dataset"]
    depth: int
    path: list[str] = field(metadata={"description": "refs from the root to this node"})
    owner: str | None = None
    status: str | None = None


class Impact(BaseModel):
    """Everything downstream of a model: ``{"root", "affected"}``."""

    root: str
    affected: list[Affected]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Hold the cyclic garbage collector while building many objects that all stay alive.

    Each collection would walk every object built so far, so answers with 100,000s of nodes
    spend more time in the collector than in building them. Nothing made here forms cycles.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check_relations(relations: Sequence[str] | None) -> list[str] | None:
    if not relations:
        return None
    bad = [r for r in relations if r not in RELATIONS]
    if bad:
        raise BadInput(
            f"relations: unknown relation {bad[0]!r}; choose from {', '.join(RELATIONS)}",
            param="relations",
        )
    return list(relations)


def _walk_sql(direction: Direction, relations: list[str] | None) -> tuple[str, dict[str, Any]]:
    near, far = ("parent_id", "child_id") if direction == "down" else ("child_id", "parent_id")
    params: dict[str, Any] = {}
    rel = ""
    if relations:
        names = []
        for i, r in enumerate(relations):
            params[f"rel{i}"] = r
            names.append(f":rel{i}")
        rel = f" AND e.relation IN ({', '.join(names)})"
    sql = (
        "WITH RECURSIVE walk(id, depth) AS ("
        " SELECT CAST(:root AS BIGINT), 0"
        " UNION"
        f" SELECT e.{far}, w.depth + 1 FROM edges e JOIN walk w ON e.{near} = w.id"
        f" WHERE w.depth < :maxdepth{rel}"
        "), best AS (SELECT id, MIN(depth) AS depth FROM walk GROUP BY id)"
    )
    return sql, params


def walk(
    conn: Connection,
    root_id: int,
    direction: Direction,
    *,
    depth: int | None = None,
    relations: list[str] | None = None,
) -> list[tuple[int, str, str, int]]:
    """``(id, ref, kind, depth)`` of every node reachable from the root, nearest first."""
    cte, params = _walk_sql(direction, relations)
    sql = (
        cte + " SELECT n.id, n.ref, n.kind, b.depth FROM best b JOIN nodes n ON n.id = b.id"
        " WHERE b.id <> :root ORDER BY b.depth, n.ref"
    )
    params.update(root=root_id, maxdepth=depth if depth is not None else _NO_LIMIT)
    return [(int(r[0]), r[1], r[2], int(r[3])) for r in conn.execute(text(sql), params)]


def lineage(
    conn: Connection,
    root_id: int,
    root_ref: str,
    direction: Direction,
    *,
    depth: int | None = None,
    relations: list[str] | None = None,
) -> Lineage:
    cte, params = _walk_sql(direction, relations)
    params.update(root=root_id, maxdepth=depth if depth is not None else _NO_LIMIT)
    nodes_sql = (
        cte + " SELECT n.ref, n.kind, b.depth FROM best b JOIN nodes n ON n.id = b.id"
        " WHERE b.id <> :root ORDER BY b.depth, n.ref"
    )
    nodes = [
        LineageNode(ref=r[0], kind=r[1], depth=int(r[2]))
        for r in conn.execute(text(nodes_sql), params)
    ]
    rel = ""
    if relations:
        rel = " AND e.relation IN (" + ", ".join(f":rel{i}" for i in range(len(relations))) + ")"
    # Every edge between two reached nodes: follow the reached nodes' edges by index, then keep
    # those whose far end was reached too (joining edges to the unindexed CTE twice is quadratic
    # on SQLite).
    near = "parent_id" if direction == "down" else "child_id"
    edges_sql = (
        cte + f" SELECT p.ref, c.ref, e.relation FROM best b JOIN edges e ON e.{near} = b.id"
        " JOIN nodes p ON p.id = e.parent_id JOIN nodes c ON c.id = e.child_id"
        f" WHERE 1 = 1{rel} ORDER BY p.ref, c.ref, e.relation"
    )
    reached = {n.ref for n in nodes} | {root_ref}
    far_end = 1 if direction == "down" else 0
    edges = [
        LineageEdge(parent=r[0], child=r[1], relation=r[2])
        for r in conn.execute(text(edges_sql), params)
        if r[far_end] in reached
    ]
    if depth is not None:
        # Keep only edges that step one level outward within the requested depth.
        level = {n.ref: n.depth for n in nodes} | {root_ref: 0}
        key = (
            (lambda e: (e.parent, e.child))
            if direction == "down"
            else (lambda e: (e.child, e.parent))
        )
        edges = [e for e in edges if level[key(e)[1]] <= depth and level[key(e)[0]] < depth + 1]
    return Lineage(root=root_ref, direction=direction, nodes=nodes, edges=edges)


# One arrival of the downward search: (depth, node, parent, ref, kind, owner, status).
_Arrival = tuple[int, int, int, str, Literal["model", "dataset"], str | None, str | None]

# PostgreSQL: the whole search is one recursive query whose rows stream to the client as its
# levels are produced, so the client builds the answer while the server searches. Each step is
# one probe of the covering index ``ix_edges_down``, which holds the child's catalogue entry.
# UNION ALL yields one row per path, which is cheapest when paths are few; UNION drops repeated
# arrivals (same node, depth and parent), which bounds the rows by edges x depths however many
# paths lead to a node, at the cost of hashing every row.
_IMPACT_PG = (
    "WITH RECURSIVE walk(id, depth, parent, ref, kind, owner, status) AS ("
    " SELECT CAST(%(root)s AS BIGINT), 0, CAST(NULL AS BIGINT), CAST(NULL AS VARCHAR),"
    " CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR)"
    " {union}"
    " SELECT e.child_id, w.depth + 1, e.parent_id, e.child_ref, e.child_kind, e.child_owner,"
    " e.child_status FROM walk w JOIN edges e ON e.parent_id = w.id WHERE w.depth < %(limit)s"
    ") SELECT depth, id, parent, ref, kind, owner, status FROM walk WHERE depth > 0"
)
# Tries in turn: one row per path while paths stay few; one row per distinct arrival; the
# same with the order stated, should the server ever produce levels out of order.
_PG_ATTEMPTS = (
    (_IMPACT_PG.format(union="UNION ALL"), True, True),
    (_IMPACT_PG.format(union="UNION"), True, False),
    (_IMPACT_PG.format(union="UNION") + " ORDER BY depth", False, False),
)
# Rows per network chunk when streaming (libpq 17's chunked mode; older libpq fetches at once).
_STREAM_ROWS = 2000
# The per-path search gives up when arrivals outnumber the nodes placed by this much: paths are
# multiplying (diamonds on diamonds) and the per-arrival search is bounded where it is not.
_PATHS_PER_NODE = 4
_PATHS_SLACK = 10_000


class _Abandon(Exception):
    """A streamed search cannot give the answer: levels came out of order, or paths multiply."""


def impact(conn: Connection, root_id: int, root_ref: str) -> Impact:
    """Every downstream model and dataset through every relation, each with one shortest path.

    Breadth-first: a node's depth is its shortest distance from the root and its path goes
    through the smallest parent id among its shortest arrivals. The search runs in the
    database; the answer is built level by level as the arrivals come.
    """
    with paused_gc():
        if conn.dialect.name == "postgresql":
            affected = _impact_postgres(conn, root_id, root_ref)
        else:
            affected = _impact_sqlite(conn, root_id, root_ref)
        return Impact.model_construct(root=root_ref, affected=affected)


def _impact_postgres(conn: Connection, root_id: int, root_ref: str) -> list[Affected]:
    import psycopg

    raw = conn.connection.driver_connection
    assert raw is not None
    params = {"root": root_id, "limit": _NO_LIMIT}
    chunked = psycopg.pq.version() >= 170000
    with raw.cursor() as cur:
        for query, stream, per_path in _PG_ATTEMPTS:
            if per_path and not chunked:
                continue  # without streaming, multiplying paths would be fetched before seen
            # An abandoned stream is cancelled on the server; the savepoint keeps the
            # surrounding transaction usable for the next attempt.
            cur.execute("SAVEPOINT heredity_impact")
            if stream and chunked:
                rows: Iterator[Any] = cur.stream(query, params, size=_STREAM_ROWS)
            else:
                cur.execute(query, params)
                rows = iter(cur.fetchall())
            try:
                affected = build_impact(rows, root_id, root_ref, bounded=per_path)
            except _Abandon:
                close = getattr(rows, "close", None)
                if close is not None:
                    close()
                cur.execute("ROLLBACK TO SAVEPOINT heredity_impact")
                continue
            cur.execute("RELEASE SAVEPOINT heredity_impact")
            return affected
    raise AssertionError("the ordered search cannot be abandoned")


def _impact_sqlite(conn: Connection, root_id: int, root_ref: str) -> list[Affected]:
    """One set-at-a-time statement per level into a temporary reached set.

    SQLite's recursive queries cannot drop an arrival already reached, so on a DAG they expand
    a node once per arrival; here the next level is every child of this one not reached before
    (a primary-key probe of the reached set), and each node is expanded once.
    """
    conn.execute(text("DROP TABLE IF EXISTS heredity_reach"))
    # An INTEGER PRIMARY KEY is the rowid itself: no second index to keep.
    conn.execute(
        text(
            "CREATE TEMPORARY TABLE heredity_reach (id INTEGER PRIMARY KEY,"
            " depth INTEGER NOT NULL, parent BIGINT, ref TEXT, kind TEXT, owner TEXT, status TEXT)"
        )
    )
    conn.execute(text("CREATE INDEX ix_heredity_reach_depth ON heredity_reach (depth)"))
    conn.execute(
        text("INSERT INTO heredity_reach (id, depth) VALUES (:root, 0)"), {"root": root_id}
    )
    # Frontier rows come in id order, so among a node's arrivals the first (kept; later ones
    # conflict with it and are dropped) is from its smallest parent id. CROSS JOIN fixes the
    # join order: the frontier drives and the covering edge index is probed.
    step = text(
        "INSERT INTO heredity_reach (id, depth, parent, ref, kind, owner, status)"
        " SELECT e.child_id, :next, e.parent_id, e.child_ref, e.child_kind, e.child_owner,"
        " e.child_status FROM heredity_reach r CROSS JOIN edges e ON e.parent_id = r.id"
        " WHERE r.depth = :level ORDER BY r.id ON CONFLICT (id) DO NOTHING"
    )
    level = 0
    while level < _NO_LIMIT:
        if not conn.execute(step, {"next": level + 1, "level": level}).rowcount:
            break
        level += 1
    # Plain driver rows: hundreds of thousands of them, and no parameters to bind.
    cursor = conn.connection.cursor()
    try:
        cursor.execute(
            "SELECT depth, id, parent, ref, kind, owner, status FROM heredity_reach"
            " WHERE depth > 0 ORDER BY depth"
        )
        rows = cursor.fetchall()
    finally:
        cursor.close()
    conn.execute(text("DROP TABLE heredity_reach"))
    return build_impact(iter(rows), root_id, root_ref)


def build_impact(
    rows: Iterator[_Arrival], root_id: int, root_ref: str, *, bounded: bool = False
) -> list[Affected]:
    """The affected list from arrivals that come nearest first (any order within a level).

    An arrival at a node already placed at a nearer level is dropped; among a node's arrivals
    at its own level the smallest parent id wins. Each finished level is ordered by ref (code
    point order, as SQLite compares) and gets its paths: a node's path parent sits one level
    nearer, so its path is already built. Raises ``_Abandon`` if a level comes after a deeper
    one, or, when ``bounded``, once arrivals far outnumber the nodes they reach.
    """
    paths: dict[int, list[str]] = {root_id: [root_ref]}
    affected: list[Affected] = []
    append = affected.append
    ref_of = itemgetter(3)

    def finish(level: int, pending: dict[int, _Arrival]) -> None:
        for _, node, parent, ref, kind, owner, status in sorted(pending.values(), key=ref_of):
            path = paths[parent] + [ref]
            paths[node] = path
            append(Affected(ref, kind, level, path, owner, status))

    level = 1
    arrivals = 0
    pending: dict[int, _Arrival] = {}
    for row in rows:
        depth = row[0]
        if depth != level:
            if depth < level:
                raise _Abandon("levels out of order")
            finish(level, pending)
            pending = {}
            level = depth
            if bounded and arrivals > _PATHS_PER_NODE * len(affected) + _PATHS_SLACK:
                raise _Abandon("paths multiply")
        arrivals += 1
        node = row[1]
        if node in paths:
            continue
        seen = pending.get(node)
        if seen is None or row[2] < seen[2]:
            pending[node] = row
    finish(level, pending)
    return affected


def one_hop(
    conn: Connection, node_id: int, direction: Direction, relations: Sequence[str]
) -> list[str]:
    near, far = ("parent_id", "child_id") if direction == "down" else ("child_id", "parent_id")
    names = ", ".join(f":r{i}" for i in range(len(relations)))
    sql = (
        f"SELECT DISTINCT n.ref FROM edges e JOIN nodes n ON n.id = e.{far}"
        f" WHERE e.{near} = :id AND e.relation IN ({names}) ORDER BY n.ref"
    )
    params: dict[str, Any] = {"id": node_id} | {f"r{i}": r for i, r in enumerate(relations)}
    return [r[0] for r in conn.execute(text(sql), params)]
