"""The public surface: each package exports exactly its intended names, and no name means two things."""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict

import pytest

import heredity

PACKAGES = sorted(
    m.name
    for m in pkgutil.iter_modules(heredity.__path__, "heredity.")
    if m.ispkg and not m.name.rsplit(".", 1)[1].startswith("_")
)


def exported(package: str) -> dict[str, object]:
    module = importlib.import_module(package)
    names = getattr(module, "__all__", None)
    assert names is not None, f"{package} has no __all__"
    return {name: getattr(module, name) for name in names}


@pytest.mark.parametrize("package", PACKAGES)
def test_all_lists_only_real_public_names_once(package: str) -> None:
    module = importlib.import_module(package)
    names = list(module.__all__)
    assert len(names) == len(set(names)), f"{package}.__all__ repeats a name"
    for name in names:
        assert not name.startswith("_"), f"{package} exports private {name}"
        assert hasattr(module, name), f"{package}.__all__ names {name}, which it does not define"


def test_no_name_means_two_things_across_packages() -> None:
    meanings: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for package in PACKAGES:
        for name, obj in exported(package).items():
            meanings[name][id(obj)].append(package)
    clashes = {
        name: sorted(p for packages in by_obj.values() for p in packages)
        for name, by_obj in meanings.items()
        if len(by_obj) > 1
    }
    assert not clashes, f"one name, different things: {clashes}"


def test_public_classes_and_functions_have_docstrings() -> None:
    missing = [
        f"{package}.{name}"
        for package in PACKAGES
        for name, obj in exported(package).items()
        if (isinstance(obj, type) or callable(obj))
        and obj.__module__.startswith("heredity")
        and getattr(obj, "__name__", name) == name  # an alias documents itself where it is made
        and not (obj.__doc__ or "").strip()
    ]
    assert not missing, f"public names without a docstring: {missing}"
