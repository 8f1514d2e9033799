"""Property-based: whatever text, bytes or nested values arrive, the parsers raise only BadInput.

Over the document parser (``parse_document``/``load_document``), the mapping loader, the limited
YAML/JSON readers, the results and evidence importers (``import_evidence``, ``read_results``) and
``capture import``'s normalisation of framework configs, the only exception ever raised is a
:class:`~heredity.errors.HeredityError` (BadInput, exit 2): never a ``RecursionError``,
``UnicodeDecodeError``, ``TypeError`` or a pydantic/PyYAML error. Example counts stay modest.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heredity.capture import import_config, normalise
from heredity.errors import BadInput, HeredityError
from heredity.evaluate import import_evidence, read_results
from heredity.records import (
    check_tree,
    load_document,
    load_mapping,
    parse_document,
    parse_json,
    parse_mapping,
    parse_yaml,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DOC = (EXAMPLES / "standard-kd.yaml").read_text(encoding="utf-8")
CONFIGS = EXAMPLES / "configs"

SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FEW = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# JSON-like values, nested, with the awkward leaves: NaN, infinities, huge integers, NUL, surrogates.
leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**63 - 2, max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["", "\x00", "a\x00b", "\ud800", "[/]", "../../etc", "2026-13-45", "1e999"]),
)
values = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)

# Text that looks like the structures the parsers meet: YAML/JSON punctuation, anchors, tags.
fragments = st.sampled_from(
    [
        "{",
        "}",
        "[",
        "]",
        ":",
        ", ",
        "- ",
        "\n",
        "  ",
        "\t",
        "&a ",
        "*a",
        "<<: ",
        "!!python/name:x",
        "!tag ",
        '"',
        "'",
        "#",
        "---\n",
        "...\n",
        "NaN",
        "Infinity",
        "-Infinity",
        ".inf",
        ".nan",
        "1e999",
        "9" * 50,
        "\\u0000",
        "\\ud800",
        "\x00",
        "\ufeff",
        "key",
        "student",
        "teachers",
        "config",
        "raw",
        "? ",
        "|\n",
        ">\n",
        "%YAML 1.1\n",
        "2026-02-30",
        "0x",
        "0o9",
        "~",
    ]
)
scalars = st.one_of(
    fragments,
    st.sampled_from(["2026-02-30", "2026-13-45 10:00:00", "0000-01-01", "1_000", "0b102", "+.inf"]),
    st.integers().map(str),
    st.text(max_size=8),
)
yaml_lines = st.lists(
    st.tuples(st.integers(0, 3), st.sampled_from(["a", "b", "seed", "<<", "- a", "?"]), scalars),
    max_size=12,
).map(lambda rows: "".join(f"{'  ' * i}{k}: {v}\n" for i, k, v in rows))
deep = st.tuples(
    st.sampled_from(["[", "{a: ", '{"a":', "- ", "[&a ", "!t ["]), st.integers(0, 3000)
).map(lambda pair: pair[0] * pair[1])
structured_text = st.one_of(
    st.text(max_size=200),
    st.lists(fragments, max_size=60).map("".join),
    st.lists(st.one_of(fragments, st.text(max_size=5)), max_size=60).map("".join),
    yaml_lines,
    deep,
    st.tuples(yaml_lines, deep).map("".join),
)


def _only_bad_input(call: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return call(*args, **kwargs)
    except HeredityError:
        return None


@SETTINGS
@given(text=structured_text)
def test_parse_document_text_raises_only_bad_input(text: str) -> None:
    _only_bad_input(parse_document, text, "doc.yaml")
    _only_bad_input(parse_mapping, text, "doc.yaml")
    _only_bad_input(parse_yaml, text, "doc.yaml")
    _only_bad_input(parse_json, text, "doc.json")


@SETTINGS
@given(data=st.dictionaries(st.text(max_size=12), values, max_size=8))
def test_parse_document_mapping_raises_only_bad_input(data: dict[str, Any]) -> None:
    _only_bad_input(parse_document, data, "doc")


@SETTINGS
@given(
    path=st.lists(
        st.sampled_from(
            [
                "student",
                "teachers",
                "config",
                "raw",
                "run",
                "hardware",
                "datasets",
                "intended_use",
                "0",
                "name",
                "weight",
            ]
        ),
        min_size=1,
        max_size=4,
    ),
    value=values,
)
def test_a_mutated_document_raises_only_bad_input(path: list[str], value: Any) -> None:
    """The standard example with one value replaced (or added) anywhere by anything."""
    data: Any = yaml.safe_load(DOC)
    node = data
    for key in path[:-1]:
        if isinstance(node, list):
            node = node[0] if node else node
        elif isinstance(node, dict):
            node = node.setdefault(key, {})
        else:
            break
    if isinstance(node, dict):
        node[path[-1]] = value
    elif isinstance(node, list) and node:
        node[0] = value
    _only_bad_input(parse_document, data, "doc")
    try:
        text = json.dumps(data, default=str)
    except ValueError:
        return
    _only_bad_input(parse_document, text, "doc.json")


@FEW
@given(raw=st.binary(max_size=300))
def test_files_of_arbitrary_bytes_raise_only_bad_input(tmp_path: Path, raw: bytes) -> None:
    for name in ("doc.yaml", "doc.json"):
        path = tmp_path / name
        path.write_bytes(raw)
        _only_bad_input(load_document, path)
        _only_bad_input(load_mapping, path)
    results = tmp_path / "results.jsonl"
    results.write_bytes(raw)
    _only_bad_input(import_evidence, results)
    _only_bad_input(read_results, results)


@FEW
@given(text=structured_text)
def test_results_files_of_arbitrary_text_raise_only_bad_input(tmp_path: Path, text: str) -> None:
    path = tmp_path / "results.jsonl"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _only_bad_input(import_evidence, path)
    _only_bad_input(read_results, path)


result_rows = st.dictionaries(
    st.sampled_from(["id", "dimension", "slice", "outcome", "score", "group", "context", "x"]),
    values,
    max_size=6,
) | st.fixed_dictionaries(
    {
        "id": st.one_of(st.text(max_size=10), values),
        "dimension": st.one_of(st.sampled_from(["safety_refusal", "over_refusal", "bias"]), values),
        "outcome": st.one_of(st.sampled_from([0, 1]), values),
    }
)


@FEW
@given(rows=st.lists(st.one_of(result_rows, values), min_size=1, max_size=6))
def test_results_of_arbitrary_json_values_raise_only_bad_input(
    tmp_path: Path, rows: list[Any]
) -> None:
    path = tmp_path / "results.jsonl"
    lines = []
    for row in rows:
        try:
            lines.append(json.dumps(row))
        except ValueError:
            lines.append(str(row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    _only_bad_input(import_evidence, path)
    _only_bad_input(read_results, path)


@SETTINGS
@given(data=values, depth=st.integers(min_value=0, max_value=400))
def test_tree_check_is_iterative_and_raises_only_bad_input(data: Any, depth: int) -> None:
    for _ in range(depth):
        data = [data] if depth % 2 else {"a": data}
    _only_bad_input(check_tree, data, "data")


# -- capture import: any value of the wrong type, anywhere in a framework config ----------------

FRAMEWORK_FILES = [
    ("trl-gkd.yaml", "trl", "gkd"),
    ("torchdistill-kd.yaml", "torchdistill", None),
    ("torchdistill-two-stage.yaml", "torchdistill", None),
    ("distillkit-hidden.yaml", "distillkit", None),
    ("modelopt-kd.yaml", "modelopt", None),
]


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += _paths(value, (*prefix, i))
    return out


def _replace(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    out = copy.deepcopy(data)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


@pytest.mark.parametrize(("name", "framework", "trainer"), FRAMEWORK_FILES)
@FEW
@given(choice=st.integers(min_value=0), value=values)
def test_wrongly_typed_framework_values_raise_only_bad_input(
    tmp_path: Path, name: str, framework: str, trainer: str | None, choice: int, value: Any
) -> None:
    raw = yaml.safe_load((CONFIGS / name).read_text(encoding="utf-8").replace("!import_call", ""))
    paths = _paths(raw)
    mutated = _replace(raw, paths[choice % len(paths)], value)
    _only_bad_input(normalise, framework, mutated, trainer=trainer)
    if isinstance(value, float) and not math.isfinite(value):
        return
    path = tmp_path / "config.json"
    try:
        path.write_text(json.dumps(mutated), encoding="utf-8")
    except (ValueError, UnicodeEncodeError):
        return
    _only_bad_input(import_config, path, framework, trainer=trainer)


def test_the_helper_sees_a_crash() -> None:
    """The property's own check: anything but a HeredityError escapes."""
    with pytest.raises(ZeroDivisionError):
        _only_bad_input(lambda: 1 / 0)
    assert _only_bad_input(lambda: (_ for _ in ()).throw(BadInput("x"))) is None
