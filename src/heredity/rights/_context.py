"""What the rights engine asks about the world: models, their lineage, local model directories."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from heredity.errors import NotFound
from heredity.records import read_front_matter

if TYPE_CHECKING:
    from heredity.registry import Registry

# Relations along which the child holds the parent's weights (the parent's licence binds it fully).
WEIGHT_RELATIONS = frozenset(
    {"weight_init", "merged_from", "quantized_from", "pruned_from", "adapter_of"}
)
_LICENCE_FILES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "LICENCE.md", "LICENCE.txt")
_MAX_LICENCE_BYTES = 1_000_000


@dataclass(frozen=True)
class ModelFacts:
    """What is known about a model: its licence, provider and access route."""

    ref: str
    licence: str | None = None
    provider: str | None = None
    access: str | None = None
    path: str | None = None
    recorded: str | None = None
    """Where these facts come from (for the registry: who registered the model, when, which
    ledger event); named when a plan contradicts them."""


@dataclass(frozen=True)
class DatasetFacts:
    """What is known about a dataset: its licence and kind, and where that comes from."""

    ref: str
    licence: str | None = None
    kind: str | None = None
    recorded: str | None = None


@dataclass(frozen=True)
class Ancestor:
    """A model or dataset upstream of a model, with the relations on the path that leads to it."""

    ref: str
    kind: str
    licence: str | None
    depth: int
    relations: tuple[str, ...]
    via: str

    @property
    def holds_weights(self) -> bool:
        """True when every step from the root to this ancestor passes weights on."""
        return bool(self.relations) and all(r in WEIGHT_RELATIONS for r in self.relations)


@dataclass(frozen=True)
class LocalLicence:
    """What a local model directory says about its licence."""

    path: str
    card_license: str | None = None
    card_license_name: str | None = None
    licence_file: str | None = None
    licence_text: str | None = field(default=None, repr=False)


@runtime_checkable
class RightsContext(Protocol):
    """The questions the engine asks the registry (or any other source of facts)."""

    def model(self, ref: str) -> ModelFacts | None:
        """Licence, provider and access of a model, or None when unknown."""
        ...

    def dataset(self, ref: str) -> DatasetFacts | None:
        """Licence and kind of a dataset, or None when unknown."""
        ...

    def ancestors(self, ref: str) -> list[Ancestor]:
        """Everything upstream of a model (any depth), nearest first, with licences, relations."""
        ...

    def local_licence(self, ref: str) -> LocalLicence | None:
        """The licence a local model directory declares, when the model is a local directory."""
        ...


def read_local_licence(path: str | Path) -> LocalLicence:
    """Read ``license``/``license_name`` from the README front matter and the LICENSE file."""
    p = Path(path)
    card = read_front_matter(p / "README.md")
    licence_file = licence_text = None
    for name in _LICENCE_FILES:
        f = p / name
        if f.is_file():
            licence_file = str(f)
            with f.open("rb") as fh:
                licence_text = fh.read(_MAX_LICENCE_BYTES).decode("utf-8", errors="replace")
            break

    def _text(value: object) -> str | None:
        if isinstance(value, list):
            value = value[0] if value else None
        return str(value).strip() if value not in (None, "") else None

    return LocalLicence(
        path=str(p),
        card_license=_text(card.get("license")),
        card_license_name=_text(card.get("license_name")),
        licence_file=licence_file,
        licence_text=licence_text,
    )


def _is_model_dir(p: Path) -> bool:
    return p.is_dir() and any(
        (p / n).is_file() for n in ("config.json", "README.md", *_LICENCE_FILES)
    )


def walk_ancestors(
    root: str,
    parents: Mapping[str, Iterable[tuple[str, str]]],
    licence_of: Mapping[str, str | None],
    kinds: Mapping[str, str] | None = None,
) -> list[Ancestor]:
    """Breadth-first walk up a parent map (child -> [(parent, relation)]), nearest first."""
    out: list[Ancestor] = []
    seen = {root}
    queue: deque[tuple[str, tuple[str, ...], str]] = deque([(root, (), root)])
    while queue:
        node, rels, _ = queue.popleft()
        for parent, relation in parents.get(node, ()):
            if parent in seen:
                continue
            seen.add(parent)
            path = (*rels, relation)
            out.append(
                Ancestor(
                    ref=parent,
                    kind=(kinds or {}).get(parent, "model"),
                    licence=licence_of.get(parent),
                    depth=len(path),
                    relations=path,
                    via=node,
                )
            )
            queue.append((parent, path, node))
    return out


class StaticContext:
    """A context made of plain dicts, for use without a registry.

    ``models``: ref -> ModelFacts or a dict of its fields; ``parents``: child ref -> list of
    (parent ref, relation); ``dirs``: ref -> local model directory.
    """

    def __init__(
        self,
        models: Mapping[str, ModelFacts | Mapping[str, Any]] | None = None,
        parents: Mapping[str, Iterable[tuple[str, str]]] | None = None,
        dirs: Mapping[str, str | Path] | None = None,
        dataset_licences: Mapping[str, str | None] | None = None,
    ) -> None:
        self._models: dict[str, ModelFacts] = {}
        for ref, facts in (models or {}).items():
            self._models[ref] = (
                facts if isinstance(facts, ModelFacts) else ModelFacts(ref=ref, **dict(facts))
            )
        self._parents = {k: list(v) for k, v in (parents or {}).items()}
        self._dirs = {k: Path(v) for k, v in (dirs or {}).items()}
        self._datasets = dict(dataset_licences or {})

    def model(self, ref: str) -> ModelFacts | None:
        """The facts given for a model."""
        return self._models.get(ref)

    def dataset(self, ref: str) -> DatasetFacts | None:
        """The licence given for a dataset."""
        if ref not in self._datasets:
            return None
        return DatasetFacts(ref=ref, licence=self._datasets[ref], recorded="given to the check")

    def ancestors(self, ref: str) -> list[Ancestor]:
        """Walk the given parent map."""
        licences: dict[str, str | None] = {r: f.licence for r, f in self._models.items()}
        licences.update(self._datasets)
        kinds = {r: "dataset" for r in self._datasets}
        return walk_ancestors(ref, self._parents, licences, kinds)

    def local_licence(self, ref: str) -> LocalLicence | None:
        """Read the directory given for a model (or the model's recorded path)."""
        path = self._dirs.get(ref)
        if path is None:
            facts = self._models.get(ref)
            path = Path(facts.path) if facts and facts.path else None
        return read_local_licence(path) if path is not None and _is_model_dir(path) else None


class RegistryContext:
    """The rights context answered by a Heredity registry."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def model(self, ref: str) -> ModelFacts | None:
        """The registry's model record, if any."""
        rec = self.registry.find_model(ref)
        if rec is None:
            return None
        return ModelFacts(
            ref=ref,
            licence=rec.licence,
            provider=rec.provider,
            access=rec.access,
            path=rec.path,
            recorded=self._recorded(f"model:{ref}"),
        )

    def dataset(self, ref: str) -> DatasetFacts | None:
        """The registry's dataset record, if any."""
        rec = self.registry.find_dataset(ref)
        if rec is None:
            return None
        return DatasetFacts(
            ref=ref, licence=rec.licence, kind=rec.kind, recorded=self._recorded(f"dataset:{ref}")
        )

    def _recorded(self, entity: str) -> str | None:
        """Who registered ``entity``, when, and by which ledger event."""
        first = self.registry.ledger_events(entity=entity, limit=1)
        if not first:
            return None
        ev = first[0]
        return f"registered by {ev.actor} at {ev.ts[:19]} UTC, ledger event {ev.seq}"

    def ancestors(self, ref: str) -> list[Ancestor]:
        """Upstream lineage from the registry (one recursive query), with each node's licence."""
        if self.registry.find_model(ref) is None:
            return []
        try:
            lineage = self.registry.lineage(ref, "up")
        except NotFound:
            return []
        parents: dict[str, list[tuple[str, str]]] = {}
        for edge in lineage.edges:
            parents.setdefault(edge.child, []).append((edge.parent, edge.relation))
        licences: dict[str, str | None] = {}
        kinds: dict[str, str] = {}
        for node in lineage.nodes:
            kinds[node.ref] = node.kind
            if node.kind == "dataset":
                ds = self.registry.find_dataset(node.ref)
                licences[node.ref] = ds.licence if ds else None
            else:
                m = self.registry.find_model(node.ref)
                licences[node.ref] = m.licence if m else None
        return walk_ancestors(ref, parents, licences, kinds)

    def local_licence(self, ref: str) -> LocalLicence | None:
        """Read the model's recorded weights directory, when it has one on this machine."""
        rec = self.registry.find_model(ref)
        if rec is None or not rec.path:
            return None
        path = Path(rec.path)
        return read_local_licence(path) if _is_model_dir(path) else None
