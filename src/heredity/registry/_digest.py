"""Content digests of models: the model-signing root over a directory's model files, and tensor digests.

Two digests identify a model:

* :func:`weights_digest`, the model's identity in the registry: the root of the OpenSSF
  model-signing manifest over the directory's *model files* (weights, config, generation config,
  tokenizer and processor files, chat template, adapter files, custom code). Training by-products
  (``checkpoint-*/``, ``runs/``, ``training_args.bin``, ``trainer_state.json``, optimizer,
  scheduler and RNG states, metrics files) and the model card ``README.md`` are not model files:
  they change with every run or edit without changing the model. The value equals what
  ``model_signing`` computes over a directory holding only the model files, or over the whole
  directory with :func:`signing_ignore_paths` ignored.
* :func:`model_tensors` / :func:`directory_tensors`: a manifest of every tensor (name, dtype,
  shape, SHA-256 of its bytes), computed alike from a model in memory and from the safetensors
  (or ``pytorch_model*.bin``) files of a directory, so the model a trainer holds can be compared
  with the one registered.
"""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from heredity.errors import BadInput

# Files and directories of a model directory that are not part of the model (see the module doc).
NOT_MODEL_FILES: tuple[str, ...] = (
    "README.md",
    "training_args.bin",
    "trainer_state.json",
    "optimizer.pt",
    "optimizer.bin",
    "scheduler.pt",
    "scaler.pt",
    "rng_state*.pth",
    "all_results.json",
    "train_results.json",
    "eval_results.json",
    "*.log",
)
NOT_MODEL_DIRS: tuple[str, ...] = ("checkpoint-*", "runs", "__pycache__")


def _excluded(rel: Path) -> bool:
    parts = rel.parts
    if any(p.startswith(".") for p in parts):
        return True  # .git, .cache (hub downloads), editor files: never model files
    if any(fnmatch.fnmatch(p, pat) for p in parts[:-1] for pat in NOT_MODEL_DIRS):
        return True
    return len(parts) == 1 and any(fnmatch.fnmatch(parts[0], pat) for pat in NOT_MODEL_FILES)


def model_files(path: str | Path) -> list[str]:
    """The model files of a directory (relative POSIX paths, sorted); a file is its own list."""
    p = Path(path)
    if not p.exists():
        raise BadInput(f"{p}: no such file or directory (model weights)")
    if p.is_file():
        return [p.name]
    out = []
    for f in p.rglob("*"):
        rel = f.relative_to(p)
        if (f.is_file() or f.is_symlink()) and not _excluded(rel):
            out.append(rel.as_posix())
    return sorted(out)


def signing_ignore_paths(path: str | Path) -> list[str]:
    """What in ``path`` the digest leaves out: give these to model-signing's ``--ignore-paths``."""
    p = Path(path)
    if not p.is_dir():
        return []
    keep = set(model_files(p))
    out: set[str] = set()
    for f in p.iterdir():
        rel = f.relative_to(p)
        if rel.parts[0] in {".git", ".gitattributes", ".github", ".gitignore"}:
            continue  # model-signing ignores these itself
        if f.is_dir():
            if not any(k.startswith(rel.as_posix() + "/") for k in keep):
                out.add(rel.as_posix())
            else:
                out.update(
                    g.relative_to(p).as_posix()
                    for g in f.rglob("*")
                    if g.is_file() and g.relative_to(p).as_posix() not in keep
                )
        elif rel.as_posix() not in keep:
            out.add(rel.as_posix())
    return sorted(out)


def weights_digest(path: str | Path, files: Sequence[str] | None = None) -> str:
    """Root digest of a model: ``sha256:<hex>`` over its model files (or the ``files`` given).

    The manifest comes from ``model_signing``'s hashing (file serialisation, SHA-256); the root is
    the SHA-256 over the file digests in identifier order, the value a model-signing signature's
    in-toto subject carries. A directory's digest is over :func:`model_files`, so a deployed copy
    holding just those files has the same digest.
    """
    from model_signing import hashing

    p = Path(path)
    names = model_files(p) if files is None else sorted(files)
    if p.is_dir():
        missing = [n for n in names if not (p / n).is_file()]
        if missing:
            raise BadInput(f"{p}: model file(s) missing: {', '.join(missing)}")
        if not names:
            raise BadInput(f"{p}: no model files (weights, config) in the directory")
    try:
        manifest = (
            hashing.Config().hash(p, files_to_hash=[p / n for n in names])
            if p.is_dir()
            else hashing.hash(p)
        )
    except ValueError as exc:  # model-signing refuses symlinks and special files
        raise BadInput(f"{p}: cannot digest the model files: {exc}") from None
    root = hashlib.sha256()
    for descriptor in manifest.resource_descriptors():
        root.update(descriptor.digest.digest_value)
    return "sha256:" + root.hexdigest()


def whole_directory_digest(path: str | Path) -> str:
    """The root over every file (model-signing's default), as digests were computed before model files.

    Registries written before the digest left out cards and training by-products hold this value;
    it is only compared against, never stored anew.
    """
    from model_signing import hashing

    try:
        manifest = hashing.hash(Path(path))
    except ValueError as exc:
        raise BadInput(f"{path}: cannot digest the files: {exc}") from None
    root = hashlib.sha256()
    for descriptor in manifest.resource_descriptors():
        root.update(descriptor.digest.digest_value)
    return "sha256:" + root.hexdigest()


# -- tensor manifests ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TensorEntry:
    """One tensor: dtype (torch name without ``torch.``), shape and SHA-256 of its bytes."""

    dtype: str
    shape: tuple[int, ...]
    sha256: str


@dataclass
class TensorManifest:
    """Every tensor of a model by name; ``digest`` is one value over all of them."""

    tensors: dict[str, TensorEntry] = field(default_factory=dict)
    source: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def digest(self) -> str:
        h = hashlib.sha256()
        for name in sorted(self.tensors):
            t = self.tensors[name]
            h.update(f"{name}\0{t.dtype}\0{','.join(map(str, t.shape))}\0{t.sha256}\n".encode())
        return "sha256:" + h.hexdigest()

    @property
    def dtypes(self) -> dict[str, str]:
        return {n: t.dtype for n, t in self.tensors.items()}

    def differences(self, other: TensorManifest, limit: int = 3) -> list[str]:
        """What differs from ``other``, in words (empty when the tensors are the same)."""
        mine, theirs = set(self.tensors), set(other.tensors)
        out: list[str] = []
        if mine - theirs:
            out.append(
                f"{len(mine - theirs)} tensor(s) only in {self.source}: {_few(mine - theirs)}"
            )
        if theirs - mine:
            out.append(
                f"{len(theirs - mine)} tensor(s) only in {other.source}: {_few(theirs - mine)}"
            )
        shared = sorted(mine & theirs)
        shape = [n for n in shared if self.tensors[n].shape != other.tensors[n].shape]
        dtype = [n for n in shared if self.tensors[n].dtype != other.tensors[n].dtype]
        values = [
            n
            for n in shared
            if n not in shape and n not in dtype and self.tensors[n] != other.tensors[n]
        ]
        if shape:
            out.append(f"{len(shape)} tensor(s) differ in shape: {_few(shape, limit)}")
        if dtype:
            out.append(f"{len(dtype)} tensor(s) differ in dtype: {_few(dtype, limit)}")
        if values:
            out.append(
                f"{len(values)} of {len(shared)} tensor(s) differ in value: {_few(values, limit)}"
            )
        return out

    def same_content(self, other: TensorManifest) -> bool:
        """The same tensors under possibly different names (a model renamed on load)."""
        key = lambda m: sorted((t.dtype, t.shape, t.sha256) for t in m.tensors.values())  # noqa: E731
        return bool(self.tensors) and key(self) == key(other)


def _few(names: Iterable[str], limit: int = 3) -> str:
    items = sorted(names)
    return ", ".join(items[:limit]) + (
        f" and {len(items) - limit} more" if len(items) > limit else ""
    )


def _dtype_name(dtype: Any) -> str:
    return str(dtype).removeprefix("torch.")


def _entry(tensor: Any) -> TensorEntry:
    import torch

    t = tensor.detach()
    if t.device.type == "meta":
        raise BadInput("tensor on the meta device (offloaded weights): its values cannot be read")
    t = t.to("cpu").contiguous()
    data = t.reshape(-1).view(torch.uint8).numpy() if t.numel() else b""
    return TensorEntry(
        _dtype_name(t.dtype), tuple(int(s) for s in t.shape), hashlib.sha256(data).hexdigest()
    )


def _saved_state(model: Any) -> tuple[dict[str, Any], list[str]]:
    """The state dict ``save_pretrained`` would write: tied aliases removed, load-time conversions reverted."""
    notes: list[str] = []
    state = dict(model.state_dict())
    for key in getattr(model, "_keys_to_ignore_on_save", None) or []:
        state.pop(key, None)
    try:
        from transformers.modeling_utils import (
            remove_tied_weights_from_state_dict,
            revert_weight_conversion,
        )
    except ImportError:  # pragma: no cover - older transformers
        seen: dict[Any, str] = {}
        for name in sorted(state):
            t = state[name]
            ptr = (t.untyped_storage().data_ptr(), t.storage_offset(), tuple(t.shape))
            if ptr in seen:
                del state[name]
                notes.append(f"{name}: tied to {seen[ptr]}")
            else:
                seen[ptr] = name
        return state, notes
    if hasattr(model, "config") and hasattr(model, "get_parameter_or_buffer"):
        state = remove_tied_weights_from_state_dict(state, model)
        if not getattr(model, "_hf_peft_config_loaded", False):
            state = revert_weight_conversion(model, state)
    return state, notes


def model_tensors(model: Any, source: str = "the model in memory") -> TensorManifest:
    """Tensor manifest of a model in memory, named as ``save_pretrained`` would save it."""
    import torch

    inner = getattr(model, "module", model)  # DDP / DataParallel wrappers
    state, notes = _saved_state(inner)
    bad = sorted(n for n, t in state.items() if not isinstance(t, torch.Tensor))
    if bad:
        raise BadInput(
            f"{source}: entries that are not tensors ({_few(bad)}): a quantised model cannot be "
            "compared with its registered weights"
        )
    return TensorManifest({n: _entry(t) for n, t in state.items()}, source, notes)


def _weight_files(p: Path) -> tuple[list[Path], str]:
    files = sorted(f for f in p.glob("*.safetensors") if not f.name.startswith("."))
    if files:
        return files, "safetensors"
    files = sorted(p.glob("pytorch_model*.bin"))
    if files:
        return files, "bin"
    raise BadInput(f"{p}: no weights (*.safetensors or pytorch_model*.bin) to compare tensors with")


def _file_tensors(files: list[Path], kind: str) -> Iterator[tuple[str, Any]]:
    if kind == "safetensors":
        from safetensors import safe_open

        for f in files:
            with safe_open(str(f), framework="pt") as handle:
                for name in handle.keys():  # noqa: SIM118 - safe_open has no __iter__
                    yield name, handle.get_tensor(name)
        return
    import torch

    for f in files:
        state = torch.load(f, map_location="cpu", weights_only=True, mmap=True)
        yield from state.items()


def directory_tensors(
    path: str | Path, *, as_dtypes: Mapping[str, str] | None = None
) -> TensorManifest:
    """Tensor manifest of a model directory's weight files.

    ``as_dtypes`` (name -> dtype) casts those tensors first, to compare with a model loaded in
    another precision; the manifest's notes say which were cast.
    """
    import torch

    p = Path(path)
    if not p.is_dir():
        raise BadInput(f"{p}: not a model directory")
    files, kind = _weight_files(p)
    out = TensorManifest(source=str(p))
    cast: dict[tuple[str, str], int] = {}
    for name, tensor in _file_tensors(files, kind):
        want = (as_dtypes or {}).get(name)
        if want and want != _dtype_name(tensor.dtype):
            cast[(_dtype_name(tensor.dtype), want)] = (
                cast.get((_dtype_name(tensor.dtype), want), 0) + 1
            )
            tensor = tensor.to(getattr(torch, want))
        out.tensors[name] = _entry(tensor)
    out.notes += [f"{n} tensor(s) cast from {a} to {b}" for (a, b), n in sorted(cast.items())]
    return out
