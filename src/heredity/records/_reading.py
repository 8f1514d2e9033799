"""Reading structured text (YAML, JSON, JSONL) from users safely: bounded, strict, named refusals.

Every YAML or JSON file Heredity reads from a user goes through this module. What it refuses is
refused with :class:`~heredity.errors.BadInput` (exit 2, nothing written) naming the file:

- a file larger than its kind's byte limit (checked before reading; reads never go past it);
- bytes that are not UTF-8 (the first bad byte and its offset are named);
- nesting deeper than the limit (checked before or while parsing, never by a ``RecursionError``);
- YAML aliases beyond a count, aliases that refer to the collection they are in, and documents
  whose aliases expand past a node or text budget (alias "bombs");
- a key that appears twice in one mapping or JSON object (the key and its line are named);
- ``NaN``/``Infinity`` in JSON, and (for documents) non-finite numbers and NUL characters
  anywhere, named by their dotted field path;
- a YAML tag that is not plain data (``!!python/object``...), unless a reader keeps tags as data.

The limits of each kind of file are :data:`INPUT_LIMITS` (documented in docs/evidence.md and
docs/capture.md). A leaf module: it imports nothing from Heredity but its errors.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any

import yaml

from heredity.errors import BadInput

MiB = 1024 * 1024


@dataclass(frozen=True)
class InputLimits:
    """The limits of one kind of input file (``what`` names the kind in messages)."""

    what: str
    max_bytes: int
    max_depth: int = 100
    max_nodes: int = 200_000
    max_aliases: int = 1_000
    max_alias_chars: int = 10 * MiB
    max_line_bytes: int = 16 * MiB
    max_document_bytes: int = 64 * MiB

    def describe(self) -> str:
        """One line for docs and messages."""
        return (
            f"{self.what}: {self.max_bytes // MiB} MiB, {self.max_depth} levels of nesting, "
            f"{self.max_nodes} values after YAML aliases are expanded, {self.max_aliases} aliases"
        )


#: Distillation provenance documents, approval and threshold policies, score maps, model-card
#: front matter and model ``config.json`` files.
DOCUMENT_LIMITS = InputLimits("document", 5 * MiB)
#: Framework configs read by ``capture import`` (torchdistill configs use many anchors).
CONFIG_LIMITS = InputLimits("framework config", 5 * MiB, max_aliases=10_000)
#: Results and logs (Heredity JSONL, lm-eval samples, Inspect ``.json`` logs): JSONL is streamed
#: line by line (``max_line_bytes`` per line); a file that is one JSON document is read whole up to
#: ``max_document_bytes``.
RESULTS_LIMITS = InputLimits("results file", 256 * MiB)
#: Suite files and benchmark sources (XSTest, BBQ, TruthfulQA files as published).
SUITE_LIMITS = InputLimits("suite or benchmark file", 200 * MiB)
#: Training data read by the reference distiller (JSONL, streamed line by line).
DATASET_LIMITS = InputLimits("dataset file", 1024 * MiB)
#: Every kind, for docs and messages that cite them.
INPUT_LIMITS: tuple[InputLimits, ...] = (
    DOCUMENT_LIMITS,
    CONFIG_LIMITS,
    RESULTS_LIMITS,
    SUITE_LIMITS,
    DATASET_LIMITS,
)

_MERGE_TAG = "tag:yaml.org,2002:merge"


# -- bytes and text -----------------------------------------------------------------------------


def _too_large(source: str, size: int, limit: int, what: str) -> BadInput:
    return BadInput(f"{source}: {size} bytes is larger than the {limit} byte limit for a {what}")


def decode_text(data: bytes, source: str, *, offset: int = 0, bom: bool = False) -> str:
    """UTF-8 bytes as text; BadInput names the first byte that is not UTF-8 and its offset."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start]
        raise BadInput(
            f"{source}: not UTF-8 text (byte 0x{bad:02x} at offset {offset + exc.start}); "
            "save the file as UTF-8"
        ) from None
    if bom and text.startswith("\ufeff"):
        text = text[1:]
    return text


def _check_str(text: str, source: str, cap: int, what: str) -> None:
    if len(text) > cap:
        raise BadInput(
            f"{source}: {len(text)} characters is larger than the {cap} byte limit for a {what}"
        )
    if 4 * len(text) > cap and len(text.encode("utf-8", errors="surrogatepass")) > cap:
        raise BadInput(f"{source}: larger than the {cap} byte limit for a {what}")


def _is_file(p: Path) -> bool:
    try:
        return p.is_file()
    except OSError:
        return False


def read_bytes(path: str | Path, limits: InputLimits = DOCUMENT_LIMITS, *, limit: int = 0) -> bytes:
    """A regular file's bytes, refused (unread) when larger than ``limit`` (default the kind's)."""
    p = Path(path)
    cap = limit or limits.max_bytes
    if not _is_file(p):
        raise BadInput(f"{p}: no such file")
    try:
        size = p.stat().st_size
        if size > cap:
            raise _too_large(str(p), size, cap, limits.what)
        with p.open("rb") as fh:
            data = fh.read(cap + 1)
    except OSError as exc:
        raise BadInput(f"{p}: cannot read ({exc.strerror or exc})") from None
    if len(data) > cap:  # it grew while we looked
        raise _too_large(str(p), len(data), cap, limits.what)
    return data


def read_text(
    path: str | Path, limits: InputLimits = DOCUMENT_LIMITS, *, bom: bool = False, limit: int = 0
) -> str:
    """A regular file's UTF-8 text, within the kind's byte limit (``bom`` drops a byte-order mark)."""
    return decode_text(read_bytes(path, limits, limit=limit), str(path), bom=bom)


def iter_lines(
    path: str | Path, limits: InputLimits = RESULTS_LIMITS, *, bom: bool = False
) -> Iterator[tuple[int, str]]:
    """A file's lines as ``(number, text)``, streamed: never more than one line in memory.

    Lines end at ``\\n`` (a trailing ``\\r`` is dropped). The file must be within the kind's byte
    limit and each line within ``max_line_bytes``; bytes that are not UTF-8 are named.
    """
    p = Path(path)
    if not _is_file(p):
        raise BadInput(f"{p}: no such file")
    try:
        size = p.stat().st_size
        if size > limits.max_bytes:
            raise _too_large(str(p), size, limits.max_bytes, limits.what)
        fh = p.open("rb")
    except OSError as exc:
        raise BadInput(f"{p}: cannot read ({exc.strerror or exc})") from None
    with fh:
        offset = 0
        n = 0
        while True:
            raw = fh.readline(limits.max_line_bytes + 1)
            if not raw:
                return
            n += 1
            if len(raw) > limits.max_line_bytes:
                raise BadInput(
                    f"{p} line {n}: longer than the {limits.max_line_bytes} byte limit for one "
                    f"line of a {limits.what}"
                )
            if offset + len(raw) > limits.max_bytes:
                raise _too_large(str(p), offset + len(raw), limits.max_bytes, limits.what)
            text = decode_text(raw, str(p), offset=offset, bom=bom and n == 1)
            offset += len(raw)
            yield n, text.rstrip("\n").rstrip("\r")


# -- the tree walk (parsed data and data given as Python values) ---------------------------------


def _field(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    out = out or "(top level)"
    return out if len(out) <= 120 else out[:60] + " ... " + out[-50:]


def check_tree(
    data: Any,
    source: str,
    limits: InputLimits = DOCUMENT_LIMITS,
    *,
    finite: bool = True,
    nul: bool = True,
) -> None:
    """Refuse parsed data nested past the limit, with too many values, or (``finite``) holding
    NaN/infinity, or (``nul``) text with a NUL character; problems name the dotted field path.

    Iterative: a cyclic or very deep structure is refused, never a ``RecursionError``.
    """
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    nodes = 0
    while stack:
        value, path = stack.pop()
        nodes += 1
        if nodes > limits.max_nodes:
            raise BadInput(
                f"{source}: more than the {limits.max_nodes} values allowed in a {limits.what}"
            )
        if isinstance(value, dict | list | tuple):
            if len(path) >= limits.max_depth:
                raise BadInput(
                    f"{source}: field '{_field(path)}': nested deeper than the "
                    f"{limits.max_depth}-level limit for a {limits.what}"
                )
            if isinstance(value, dict):
                for key, item in value.items():
                    if isinstance(key, float | str):
                        _check_leaf(key, path, source, finite, nul, key=True)
                    stack.append((item, (*path, key)))
            else:
                stack.extend((item, (*path, i)) for i, item in enumerate(value))
        else:
            _check_leaf(value, path, source, finite, nul)


def _check_leaf(
    value: Any, path: tuple[Any, ...], source: str, finite: bool, nul: bool, *, key: bool = False
) -> None:
    what = "key" if key else "value"
    if finite and isinstance(value, float) and not math.isfinite(value):
        raise BadInput(
            f"{source}: field '{_field(path)}': {what} {value!r} is not a finite number "
            "(write a number, or leave the field out)"
        )
    if isinstance(value, str):
        if nul and "\x00" in value:
            raise BadInput(
                f"{source}: field '{_field(path)}': {what} holds a NUL character (\\0), "
                "which text may not contain"
            )
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise BadInput(
                f"{source}: field '{_field(path)}': {what} is not Unicode text (a lone "
                f"surrogate at character {exc.start})"
            ) from None


# -- YAML -----------------------------------------------------------------------------------------


class _Refused(Exception):
    """Raised inside the loader; turned into BadInput naming the file and line."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.line = mark.line + 1 if mark is not None else None


class _SafeLoader(yaml.SafeLoader):
    """PyYAML's pure-Python SafeLoader with limits: depth, expanded size, aliases, duplicates.

    Composition counts every node, and an alias counts as the nodes (and text) it expands to, so
    the "billion laughs" is refused while it is still a few kilobytes of nodes. The pure-Python
    composer is used on purpose: libyaml's composes recursively in C.
    """

    limits: InputLimits = DOCUMENT_LIMITS

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._peak = 0
        self._nodes = 0
        self._chars = 0
        self._aliases = 0
        self._open: set[str] = set()
        self._sizes: dict[str, tuple[int, int, int]] = {}

    def _refuse(self, message: str, mark: Any) -> None:
        raise _Refused(message, mark)

    def _count(self, nodes: int, chars: int, mark: Any) -> None:
        lim = self.limits
        self._nodes += nodes
        self._chars += chars
        if self._nodes > lim.max_nodes:
            self._refuse(
                f"more than the {lim.max_nodes} values allowed in a {lim.what} once its aliases "
                "are expanded (write the values out, or use fewer aliases)",
                mark,
            )
        if self._chars > lim.max_alias_chars + lim.max_bytes:
            self._refuse(
                f"its aliases expand to more than {lim.max_alias_chars} characters of text "
                f"(the limit for a {lim.what})",
                mark,
            )

    def compose_node(self, parent: Any, index: Any) -> Any:
        lim = self.limits
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            anchor = event.anchor
            if anchor in self._open:
                self._refuse(
                    f"alias *{anchor} refers to the collection it is inside (a recursive alias)",
                    event.start_mark,
                )
            self._aliases += 1
            if self._aliases > lim.max_aliases:
                self._refuse(
                    f"more than the {lim.max_aliases} aliases allowed in a {lim.what}",
                    event.start_mark,
                )
            if anchor in self._sizes:
                nodes, chars, height = self._sizes[anchor]
                if self._depth + height > lim.max_depth:
                    self._refuse(
                        f"alias *{anchor} nests deeper than the {lim.max_depth}-level limit for "
                        f"a {lim.what}",
                        event.start_mark,
                    )
                self._peak = max(self._peak, self._depth + height)
                self._count(nodes, chars, event.start_mark)
            return super().compose_node(parent, index)
        event = self.peek_event()
        self._depth += 1
        if self._depth > lim.max_depth:
            self._refuse(
                f"nested deeper than the {lim.max_depth}-level limit for a {lim.what}",
                event.start_mark,
            )
        anchor = event.anchor
        if anchor is not None:
            self._open.add(anchor)
        nodes0, chars0, peak0 = self._nodes, self._chars, self._peak
        self._peak = self._depth
        chars = len(event.value) if isinstance(event, yaml.ScalarEvent) else 0
        self._count(1, chars, event.start_mark)
        node = super().compose_node(parent, index)
        height = self._peak - self._depth + 1
        if anchor is not None:
            self._open.discard(anchor)
            self._sizes[anchor] = (self._nodes - nodes0, self._chars - chars0, height)
        self._peak = max(peak0, self._peak)
        self._depth -= 1
        return node

    def compose_mapping_node(self, anchor: Any) -> Any:
        node = super().compose_mapping_node(anchor)
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG or not isinstance(key_node, yaml.ScalarNode):
                continue
            key = self.construct_object(key_node)
            try:
                first = seen.get(key)
            except TypeError:
                continue
            line = key_node.start_mark.line + 1
            if first is not None:
                self._refuse(
                    f"duplicate key {key!r} (first at line {first}); a key may appear only once "
                    "in a mapping",
                    key_node.start_mark,
                )
            seen[key] = line
        return node


class _TagKeepingLoader(_SafeLoader):
    """The safe loader, keeping unknown tags (torchdistill's ``!import_call``...) as plain data."""


def _unknown_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return {"!tag": suffix} | loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_TagKeepingLoader.add_multi_constructor("!", _unknown_tag)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    if context and problem.startswith("but "):
        problem = f"{context}, {problem}"
    return f"malformed YAML{where}: {problem}"


def _value_problem(exc: Exception) -> str:
    text = str(exc)
    if "integer string conversion" in text:
        return "a whole number with more than 4300 digits"
    return text.splitlines()[0] if text else type(exc).__name__


def parse_yaml(
    text: str,
    source: str,
    limits: InputLimits = DOCUMENT_LIMITS,
    *,
    keep_tags: bool = False,
    finite: bool = True,
    nul: bool = True,
) -> Any:
    """Parse one YAML (or JSON) document under ``limits``; BadInput names ``source``.

    ``keep_tags`` keeps unknown tags as data instead of refusing them; ``finite`` and ``nul``
    refuse non-finite numbers and NUL characters anywhere (see :func:`check_tree`).
    """
    _check_str(text, source, limits.max_bytes, limits.what)
    base = _TagKeepingLoader if keep_tags else _SafeLoader
    loader_cls = type("_Loader", (base,), {"limits": limits})
    loader: _SafeLoader | None = None
    try:
        loader = loader_cls(text)  # the reader refuses control characters here
        data = loader.get_single_data()
    except _Refused as exc:
        at = f"{source} line {exc.line}" if exc.line is not None else source
        raise BadInput(f"{at}: {exc.message}") from None
    except yaml.YAMLError as exc:
        raise BadInput(f"{source}: {_yaml_problem(exc)}") from None
    except (ValueError, OverflowError) as exc:  # PyYAML's constructors: dates like 2026-13-45
        raise BadInput(f"{source}: a value YAML cannot read ({_value_problem(exc)})") from None
    finally:
        if loader is not None:
            loader.dispose()
    check_tree(data, source, limits, finite=finite, nul=nul)
    return data


# -- JSON -------------------------------------------------------------------------------------------

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = [0] * 256
_STEP[ord("[")] = _STEP[ord("{")] = 1
_STEP[ord("]")] = _STEP[ord("}")] = -1
_CONSTANT = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|(-?Infinity|NaN)', re.DOTALL)
_SUSPECT_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}:,]', re.DOTALL)


def json_depth(text: str) -> int:
    """How deep JSON text nests (strings skipped), without parsing it: bracket counting in C."""
    if text.count("[") + text.count("{") <= 1:
        return min(1, text.count("[") + text.count("{"))
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text)).encode("ascii")
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


class _Duplicate(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class _NonFinite(Exception):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


def _constant(token: str) -> Any:
    raise _NonFinite(token)


def _finite_float(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        raise _NonFinite(token)
    return value


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _duplicate_line(text: str, key: str) -> int | None:
    """The line of the second occurrence of ``key`` in one JSON object (scanning only on error)."""
    stack: list[set[str] | None] = []
    last: str | None = None
    last_pos = 0
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if tok == "{":
            stack.append(set())
        elif tok == "[":
            stack.append(None)
        elif tok in "]}":
            if stack:
                stack.pop()
        elif tok == ":":
            keys = stack[-1] if stack else None
            if keys is not None and last is not None:
                if last in keys:
                    return _line_of(text, last_pos)
                keys.add(last)
        if tok.startswith('"'):
            try:
                last = json.loads(tok)
            except ValueError:
                last = None
            last_pos = m.start()
        elif tok != ":":
            last = None
    return None


def parse_json(
    text: str,
    source: str,
    limits: InputLimits = DOCUMENT_LIMITS,
    *,
    line: int | None = None,
    finite: bool = True,
    hook: Callable[[list[tuple[str, Any]]], Any] | None = None,
) -> Any:
    """Parse JSON text under ``limits``: depth checked first, duplicate keys and (``finite``)
    ``NaN``/``Infinity`` refused. ``line`` numbers a JSONL record in messages; ``hook`` builds
    objects from their pairs instead of dicts (it sees every pair: duplicates are its to judge).
    """
    where = f"{source} line {line}" if line is not None else source
    _check_str(text, where, min(limits.max_bytes, limits.max_document_bytes), limits.what)
    if text.count("[") + text.count("{") > limits.max_depth:
        depth = json_depth(text)
        if depth > limits.max_depth:
            raise BadInput(
                f"{where}: nested {depth} levels deep, deeper than the {limits.max_depth}-level "
                f"limit for a {limits.what}"
            )
    try:
        data = json.loads(
            text,
            object_pairs_hook=hook or _pairs,
            parse_constant=_constant if finite else None,  # type: ignore[arg-type]
            parse_float=_finite_float if finite else None,
        )
    except json.JSONDecodeError as exc:
        at = f"{source} line {line if line is not None else exc.lineno}"
        raise BadInput(f"{at}: not valid JSON ({exc.msg})") from None
    except _Duplicate as exc:
        found = _duplicate_line(text, exc.key) if line is None else line
        at = f"{source} line {found}" if found is not None else where
        raise BadInput(
            f"{at}: duplicate key {exc.key!r} in one JSON object; a key may appear only once"
        ) from None
    except _NonFinite as exc:
        at = where
        if line is None:
            for m in _CONSTANT.finditer(text):
                if m.group(1):
                    at = f"{source} line {_line_of(text, m.start())}"
                    break
        raise BadInput(
            f"{at}: {exc} is not a number JSON allows (write a finite number, or null)"
        ) from None
    except (ValueError, RecursionError) as exc:  # 5,000-digit integers; depth is checked above
        raise BadInput(f"{where}: not valid JSON ({_value_problem(exc)})") from None
    if _SUSPECT_ESCAPE.search(text):  # NUL or a lone surrogate can only come from an escape
        check_tree(data, where, limits, finite=finite)
    return data


def load_json(
    path: str | Path, limits: InputLimits = DOCUMENT_LIMITS, *, finite: bool = True
) -> Any:
    """Read and parse a JSON file that is one document (up to ``max_document_bytes`` for results)."""
    cap = min(limits.max_bytes, limits.max_document_bytes)
    text = read_text(path, limits, bom=True, limit=cap)
    return parse_json(text, str(path), limits, finite=finite)


def load_yaml(
    path: str | Path,
    limits: InputLimits = DOCUMENT_LIMITS,
    *,
    keep_tags: bool = False,
    finite: bool = True,
    nul: bool = True,
) -> Any:
    """Read and parse a YAML or JSON file (``.json`` files are parsed as strict JSON)."""
    p = Path(path)
    text = read_text(p, limits, bom=True)
    return parse_structured(
        text,
        str(p),
        limits,
        json_only=p.suffix.lower() == ".json",
        keep_tags=keep_tags,
        finite=finite,
        nul=nul,
    )


def parse_structured(
    text: str,
    source: str,
    limits: InputLimits = DOCUMENT_LIMITS,
    *,
    json_only: bool = False,
    keep_tags: bool = False,
    finite: bool = True,
    nul: bool = True,
) -> Any:
    """YAML or JSON text: JSON-looking text is read as strict JSON (``NaN`` and duplicate keys
    refused) and falls back to YAML only when it is not JSON at all (a YAML flow mapping)."""
    if json_only or text.lstrip().startswith(("{", "[")):
        try:
            data = parse_json(text, source, limits, finite=finite)
        except BadInput as exc:
            if json_only or "not valid JSON" not in str(exc):
                raise
        else:
            check_tree(data, source, limits, finite=finite, nul=nul)
            return data
    return parse_yaml(text, source, limits, keep_tags=keep_tags, finite=finite, nul=nul)


def load_mapping_file(
    path: str | Path,
    limits: InputLimits = DOCUMENT_LIMITS,
    *,
    keep_tags: bool = False,
    finite: bool = True,
    nul: bool = True,
) -> dict[str, Any]:
    """A YAML/JSON file that must hold one mapping at the top level."""
    data = load_yaml(path, limits, keep_tags=keep_tags, finite=finite, nul=nul)
    return require_mapping(data, str(path))


def require_mapping(data: Any, source: str) -> dict[str, Any]:
    """``data`` when it is a mapping; BadInput naming ``source`` otherwise (an empty file too)."""
    if data is None:
        raise BadInput(f"{source}: empty (expected a mapping at the top level)")
    if not isinstance(data, dict):
        raise BadInput(f"{source}: expected a mapping at the top level, got {type(data).__name__}")
    return data


def read_front_matter(path: str | Path, limits: InputLimits = DOCUMENT_LIMITS) -> dict[str, Any]:
    """The YAML front matter of a Markdown file (a model card's ``---`` block), or ``{}``.

    The card's prose may be in any encoding (undecodable bytes are replaced); the front matter is
    parsed under ``limits`` and refused with BadInput naming the file when it is malformed,
    hostile (aliases, depth) or not a mapping. Only the first ``max_bytes`` are read.
    """
    p = Path(path)
    if not _is_file(p):
        return {}
    try:
        with p.open("rb") as fh:
            head = fh.read(limits.max_bytes)
    except OSError as exc:
        raise BadInput(f"{p}: cannot read ({exc.strerror or exc})") from None
    text = head.decode("utf-8", errors="replace")
    if not text.startswith("---"):
        return {}
    end = text.find("\n---", 3)
    if end < 0:
        return {}
    data = parse_yaml(text[3:end], f"{p} (front matter)", limits)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise BadInput(f"{p}: the front matter is a {type(data).__name__}, expected a mapping")
    return data
