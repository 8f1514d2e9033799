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

What is hashed is bounded (:func:`model_directory`, :func:`model_files`): a model path is a
directory (a symlink to one is followed) that holds model files at its top (``config.json``,
weights such as ``*.safetensors``, ``*.bin``, ``*.gguf``, or tokenizer files). Its model files
are regular files inside it: a symbolic link, a device, a FIFO or a socket among them is refused,
never read, so a path can neither point the digest at ``/dev/zero`` or ``/etc/passwd`` nor
escape the directory. At most ``MAX_MODEL_FILES`` files and ``MAX_MODEL_BYTES`` bytes are hashed.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import stat
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
# A directory is a model directory when one of these is at its top.
MODEL_MARKERS: tuple[str, ...] = (
    "config.json",
    "adapter_config.json",
    "params.json",
    "tokenizer.json",
    "tokenizer.model",
    "tokenizer_config.json",
    "*.safetensors",
    "*.bin",
    "*.gguf",
    "*.pt",
    "*.pth",
    "*.onnx",
)
MAX_MODEL_FILES = 100_000
MAX_MODEL_BYTES = 16 * 2**40  # 16 TiB: beyond any model's weights
_MARKER_HINT = "config.json, *.safetensors, *.bin, *.gguf or tokenizer files"


def model_directory(path: str | Path) -> Path:
    """The model directory at ``path``, resolved; BadInput unless it is a directory that holds
    model files at its top (``config.json``, ``*.safetensors``, ``*.bin``, ``*.gguf``...)."""
    p = Path(path)
    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        raise BadInput(f"{p}: no such directory (a model path is a model directory)") from None
    except OSError as exc:
        raise BadInput(f"{p}: cannot be read ({exc.strerror})") from None
    if not stat.S_ISDIR(mode):
        raise BadInput(
            f"{p}: not a directory; a model path is a directory holding model files "
            f"({_MARKER_HINT})"
        )
    root = p.resolve()
    try:
        with os.scandir(root) as entries:
            found = any(
                e.is_file(follow_symlinks=False)
                and any(fnmatch.fnmatch(e.name, m) for m in MODEL_MARKERS)
                for e in entries
            )
    except OSError as exc:
        raise BadInput(f"{p}: cannot be read ({exc.strerror})") from None
    if not found:
        raise BadInput(f"{p}: holds no model files ({_MARKER_HINT}); give the model's directory")
    return root


def _excluded(rel: Path) -> bool:
    parts = rel.parts
    if any(p.startswith(".") for p in parts):
        return True  # .git, .cache (hub downloads), editor files: never model files
    if any(fnmatch.fnmatch(p, pat) for p in parts[:-1] for pat in NOT_MODEL_DIRS):
        return True
    return len(parts) == 1 and any(fnmatch.fnmatch(parts[0], pat) for pat in NOT_MODEL_FILES)


def _pruned(name: str) -> bool:
    return name.startswith(".") or any(fnmatch.fnmatch(name, pat) for pat in NOT_MODEL_DIRS)


def model_files(path: str | Path) -> list[str]:
    """The model files of a model directory (relative POSIX paths, sorted).

    BadInput when one is not a regular file (a symbolic link, device, FIFO or socket), or when
    there are more than ``MAX_MODEL_FILES`` of them or ``MAX_MODEL_BYTES`` in all.
    """
    where = model_directory(path)
    out: list[str] = []
    total = 0
    for dirpath, dirnames, filenames in os.walk(where, followlinks=False):
        here = Path(dirpath)
        linked = [d for d in dirnames if (here / d).is_symlink()]
        dirnames[:] = sorted(d for d in dirnames if not _pruned(d) and d not in linked)
        for name in [*linked, *filenames]:
            f = here / name
            rel = f.relative_to(where)
            if _excluded(rel):
                continue
            mode = f.lstat().st_mode
            if not stat.S_ISREG(mode):
                what = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file"
                raise BadInput(
                    f"{path}: {rel.as_posix()} is {what}; a model's files must be regular "
                    "files inside its directory (copy them in)"
                )
            out.append(rel.as_posix())
            total += f.lstat().st_size
            if len(out) > MAX_MODEL_FILES:
                raise BadInput(f"{path}: more than {MAX_MODEL_FILES} model files")
    if total > MAX_MODEL_BYTES:
        raise BadInput(
            f"{path}: {total} bytes of model files is over the {MAX_MODEL_BYTES} byte limit"
        )
    return sorted(out)


def _given_files(root: Path, path: str | Path, files: Sequence[str]) -> list[str]:
    """The ``files`` given for a digest, each a regular file inside ``root``."""
    names = sorted(files)
    missing = []
    for n in names:
        f = root / n
        rel = Path(n)
        if rel.is_absolute() or ".." in rel.parts:
            raise BadInput(f"{path}: {n} is not a path inside the model directory")
        try:
            mode = f.lstat().st_mode
        except OSError:
            missing.append(n)
            continue
        if not stat.S_ISREG(mode):
            raise BadInput(f"{path}: {n} is not a regular file inside the model directory")
    if missing:
        raise BadInput(f"{path}: model file(s) missing: {', '.join(missing)}")
    if len(names) > MAX_MODEL_FILES:
        raise BadInput(f"{path}: more than {MAX_MODEL_FILES} model files")
    if sum((root / n).lstat().st_size for n in names) > MAX_MODEL_BYTES:
        raise BadInput(f"{path}: more than {MAX_MODEL_BYTES} bytes of model files")
    return names


def signing_ignore_paths(path: str | Path) -> list[str]:
    """What in ``path`` the digest leaves out: give these to model-signing's ``--ignore-paths``."""
    p = Path(path)
    if not p.is_dir():
        return []
    keep = set(model_files(p))
    p = p.resolve()
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

    where = model_directory(path)
    names = model_files(where) if files is None else _given_files(where, path, files)
    if not names:
        raise BadInput(f"{path}: no model files (weights, config) in the directory")
    try:
        manifest = hashing.Config().hash(where, files_to_hash=[where / n for n in names])
    except (ValueError, OSError) as exc:  # model-signing refuses symlinks and special files
        raise BadInput(f"{path}: cannot digest the model files: {exc}") from None
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

    where = model_directory(path)
    model_files(where)  # refuses links and special files, bounds the size
    try:
        manifest = hashing.hash(where)
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
