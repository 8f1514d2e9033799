"""Loading the licence knowledge base: built-in files plus the user's own directories."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from heredity.errors import BadInput, ConfigError
from heredity.records import DOCUMENT_LIMITS, decode_text, field_problems, parse_yaml, read_bytes
from heredity.rights._schema import LicenceSpec

BUILTIN_DIR = Path(__file__).parent / "licences"
ENV_VAR = "HEREDITY_LICENCES"

_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Values that say "no licence stated": they never resolve to an entry (fail closed).
UNDECLARED = frozenset({"", "unknown", "other", "none", "unspecified", "noassertion", "null"})


def normalise(name: str) -> str:
    """A lookup key for a licence name: lower case, runs of space/underscore as one hyphen."""
    return re.sub(r"[\s_]+", "-", name.strip().lower())


def _schema_problems(exc: ValidationError) -> list[str]:
    return [
        f"{'(file)' if p.path == '(document)' else p.path}: {p.message}"
        for p in field_problems(exc)
    ]


def _read_licence_yaml(path: Path) -> tuple[object, bytes]:
    """A licence file's data and bytes: Heredity's own files by libyaml (fast, trusted), a
    user's through the limited safe reader (:data:`~heredity.records.DOCUMENT_LIMITS`)."""
    if path.parent == BUILTIN_DIR:
        try:
            raw = path.read_bytes()
            return yaml.load(raw.decode("utf-8"), Loader=_LOADER), raw  # noqa: S506 (safe)
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"licence file {path}: cannot read: {exc}") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark else ""
            raise ConfigError(f"licence file {path}: malformed YAML{where}") from None
    try:
        raw = read_bytes(path, DOCUMENT_LIMITS)
        text = decode_text(raw, str(path))
        return parse_yaml(text, str(path), DOCUMENT_LIMITS), raw
    except BadInput as exc:
        raise ConfigError(f"licence file {exc.message}") from None


def load_licence_file(path: Path) -> tuple[LicenceSpec, bytes]:
    """Read and validate one knowledge-base file; raise ConfigError naming the file and field."""
    data, raw = _read_licence_yaml(path)
    if not isinstance(data, dict):
        raise ConfigError(f"licence file {path}: expected a mapping at the top level")
    try:
        spec = LicenceSpec.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"licence file {path}: invalid", details=_schema_problems(exc)) from None
    if path.stem != spec.id:
        raise ConfigError(f"licence file {path}: id: {spec.id!r} must match the file name")
    return spec, raw


@dataclass(frozen=True)
class KnowledgeBase:
    """The loaded licences, their aliases and a version id (hash of the files' content)."""

    licences: dict[str, LicenceSpec]
    files: dict[str, Path]
    version: str
    _aliases: dict[str, str] = field(default_factory=dict, repr=False)

    def ids(self) -> list[str]:
        """Every licence id, sorted."""
        return sorted(self.licences)

    def __contains__(self, licence_id: object) -> bool:
        return licence_id in self.licences

    def __len__(self) -> int:
        return len(self.licences)

    def resolve(self, name: str | None) -> str | None:
        """The id a licence id, alias, SPDX id or Hub tag names; None when not known."""
        if name is None or normalise(name) in UNDECLARED:
            return None
        if name in self.licences:
            return name
        return self._aliases.get(normalise(name))

    def get(self, licence_id: str) -> LicenceSpec | None:
        """The licence for an id or alias, or None."""
        resolved = self.resolve(licence_id)
        return self.licences[resolved] if resolved else None

    def platform_terms(self, provider: str | None, access: str | None) -> list[LicenceSpec]:
        """Provider terms that apply to every model reached through that provider and route."""
        if not provider or not access:
            return []
        p = provider.strip().lower()
        return [
            spec
            for spec in self.licences.values()
            if spec.platform
            and access in spec.platform.access
            and p in (x.lower() for x in spec.platform.providers)
        ]

    def identify_text(self, text: str) -> list[str]:
        """Licence ids whose marker phrases occur in a LICENSE text, most specific first."""
        flat = re.sub(r"\s+", " ", text).lower()
        found: list[tuple[int, str]] = []
        for spec in self.licences.values():
            best = max((len(m) for m in spec.text_markers if m.lower() in flat), default=0)
            if best:
                found.append((best, spec.id))
        # The most specific (longest) marker wins: "Llama 3.1 Community License" over "Llama".
        found.sort(key=lambda x: (-x[0], x[1]))
        return [i for _, i in found]


def licence_dirs(extra_dirs: Iterable[str | Path] | None = None) -> list[Path]:
    """The built-in directory, ``$HEREDITY_LICENCES`` (colon-separated), then ``extra_dirs``."""
    dirs = [BUILTIN_DIR]
    env = os.environ.get(ENV_VAR, "")
    dirs += [Path(p) for p in env.split(os.pathsep) if p.strip()]
    dirs += [Path(p) for p in (extra_dirs or [])]
    return dirs


def load_knowledge_base(extra_dirs: Iterable[str | Path] | None = None) -> KnowledgeBase:
    """Load and validate every licence file; any malformed file is a ConfigError, never a skip."""
    licences: dict[str, LicenceSpec] = {}
    files: dict[str, Path] = {}
    aliases: dict[str, str] = {}
    digest = hashlib.sha256()
    for directory in licence_dirs(extra_dirs):
        if not directory.is_dir():
            raise ConfigError(
                f"licence directory {directory}: not a directory ({ENV_VAR} or extra_dirs)"
            )
        for path in sorted(directory.glob("*.y*ml")):
            if path.suffix not in (".yaml", ".yml"):
                continue
            spec, raw = load_licence_file(path)
            if spec.id in licences:
                raise ConfigError(
                    f"licence file {path}: id: {spec.id!r} is already defined by {files[spec.id]}"
                )
            licences[spec.id] = spec
            files[spec.id] = path
            digest.update(spec.id.encode() + b"\0" + hashlib.sha256(raw).digest())
    for spec in licences.values():
        for alias in [spec.id, *spec.aliases]:
            key = normalise(alias)
            if key in UNDECLARED:
                raise ConfigError(
                    f"licence file {files[spec.id]}: aliases: {alias!r} means 'no licence' and "
                    "cannot name an entry"
                )
            owner = aliases.get(key)
            if owner is not None and owner != spec.id:
                raise ConfigError(
                    f"licence file {files[spec.id]}: aliases: {alias!r} already names {owner!r}"
                )
            aliases[key] = spec.id
    return KnowledgeBase(licences, files, "kb-" + digest.hexdigest()[:16], aliases)


_DEFAULT: dict[tuple[str, ...], KnowledgeBase] = {}


def default_knowledge_base() -> KnowledgeBase:
    """The knowledge base for the current ``$HEREDITY_LICENCES`` (cached per value)."""
    key = (os.environ.get(ENV_VAR, ""),)
    kb = _DEFAULT.get(key)
    if kb is None:
        kb = _DEFAULT[key] = load_knowledge_base()
    return kb
