"""The model catalog: what each model is, which files make it, and where they come from.

The catalog is data (models/catalog.toml), so adding a voice or a language pair is an
edit, not a code change. Its hashes are what make an offline install trustworthy: a
file copied from a USB stick is the file that was published, or it is refused.

A source may list its own files when it publishes the model differently (a Python
package that ships a re-converted Whisper with vocabulary.json where the Hugging Face
repository has vocabulary.txt); otherwise it publishes the model's own file list.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interpreter.core.errors import StoreError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

UNKNOWN = "unknown"
KINDS = ("asr", "mt", "tts", "vad")
FAMILIES = ("whisper", "marian", "nllb", "m2m100", "piper", "silero")
SOURCE_TYPES = ("package", "huggingface")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_REVISION = re.compile(r"^([0-9a-f]{40}|v\d+(\.\d+)*)$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class FileSpec:
    path: str
    size_bytes: int | None = None
    sha256: str = UNKNOWN

    @property
    def hash_known(self) -> bool:
        return self.sha256 != UNKNOWN


@dataclass(frozen=True)
class PackageSource:
    """Files shipped inside installed Python packages, parts joined in order."""

    packages: tuple[str, ...]
    parts: dict[str, tuple[str, ...]] = field(hash=False)
    files: tuple[FileSpec, ...] | None = None
    type: str = "package"

    def describe(self) -> str:
        return "package " + " + ".join(self.packages)


@dataclass(frozen=True)
class HuggingFaceSource:
    """A repository on Hugging Face (or a mirror) at a pinned revision.

    "unknown" marks a repository whose commit nobody has pinned yet: it is only
    downloaded when the user allows it, and the commit it came from is recorded.
    """

    repo: str
    revision: str
    subfolder: str = ""
    files: tuple[FileSpec, ...] | None = None
    type: str = "huggingface"

    @property
    def pinned(self) -> bool:
        return self.revision != UNKNOWN

    def describe(self) -> str:
        return f"huggingface {self.repo}@{self.revision if self.pinned else 'main'}"


Source = PackageSource | HuggingFaceSource


@dataclass(frozen=True)
class ModelEntry:
    name: str
    kind: str
    family: str
    languages: tuple[str, ...]
    files: tuple[FileSpec, ...]
    sources: tuple[Source, ...] = ()
    description: str = ""
    license: str = ""
    # A token some multi-target Marian models need before the text (">>cmn_Hans<<").
    source_prefix: str = ""

    @property
    def size_bytes(self) -> int | None:
        sizes = [spec.size_bytes for spec in self.files]
        return None if any(size is None for size in sizes) else sum(s or 0 for s in sizes)

    def file_sets(self) -> list[tuple[FileSpec, ...]]:
        """Every distinct file list the model is published as, the catalog's own first."""
        sets = [self.files]
        for source in self.sources:
            if source.files is not None and source.files not in sets:
                sets.append(source.files)
        return sets


class Catalog:
    def __init__(self, entries: list[ModelEntry], path: Path | None = None) -> None:
        self._entries = {entry.name: entry for entry in entries}
        self.path = path

    def __iter__(self) -> Iterator[ModelEntry]:
        return iter(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def get(self, name: str) -> ModelEntry:
        entry = self._entries.get(name)
        if entry is None:
            close = [n for n in self._entries if name.lower() in n.lower()][:3]
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise StoreError(
                f"no model named {name!r} in the catalog{hint} (see `interpreter models list`)"
            )
        return entry


def source_checkout_root() -> Path | None:
    """The repository root when running from a source checkout, else None."""
    root = Path(__file__).resolve().parents[2]
    if (root / "models" / "catalog.toml").is_file() and (root / "pyproject.toml").is_file():
        return root
    return None


def default_catalog_path() -> Path:
    root = source_checkout_root()
    if root is not None:
        return root / "models" / "catalog.toml"
    # An installed wheel carries the catalog beside this module (pyproject's force-include).
    return Path(__file__).resolve().parent / "catalog.toml"


def default_store_dir() -> Path:
    """INTERPRETER_MODELS_DIR, else models/store in a checkout, else the user's data dir."""
    configured = os.environ.get("INTERPRETER_MODELS_DIR")
    if configured:
        return Path(configured).expanduser()
    root = source_checkout_root()
    if root is not None:
        return root / "models" / "store"
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "interpreter" / "models"


def load_catalog(path: Path | None = None) -> Catalog:
    path = path or default_catalog_path()
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise StoreError(f"model catalog {str(path)!r} is missing; reinstall interpreter") from None
    except tomllib.TOMLDecodeError as error:
        raise StoreError(f"model catalog {str(path)!r} is not valid TOML: {error}") from None
    if data.get("schema") != 1:
        raise StoreError(f"model catalog {str(path)!r} has schema {data.get('schema')!r}, not 1")
    entries = []
    seen: set[str] = set()
    for index, raw in enumerate(data.get("model", []), start=1):
        where = f"{path.name} model #{index} ({raw.get('name', '?')})"
        entry = _entry(raw, where)
        if entry.name in seen:
            raise StoreError(f"{where}: the name {entry.name!r} is used twice; rename one")
        seen.add(entry.name)
        entries.append(entry)
    return Catalog(entries, path)


def _entry(raw: dict[str, Any], where: str) -> ModelEntry:
    name = str(raw.get("name", ""))
    if not _NAME.match(name):
        raise StoreError(f"{where}: name {name!r} must be letters, digits, '.', '_' or '-'")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise StoreError(f"{where}: kind {kind!r} must be one of {', '.join(KINDS)}")
    family = raw.get("family")
    if family not in FAMILIES:
        raise StoreError(f"{where}: family {family!r} must be one of {', '.join(FAMILIES)}")
    files = _files(raw.get("files"), where)
    if not files:
        raise StoreError(f"{where}: lists no files")
    sources = tuple(_source(s, where) for s in raw.get("sources", []))
    return ModelEntry(
        name=name,
        kind=kind,
        family=family,
        languages=tuple(str(code) for code in raw.get("languages", [])),
        files=files,
        sources=sources,
        description=str(raw.get("description", "")),
        license=str(raw.get("license", "")),
        source_prefix=str(raw.get("source_prefix", "")),
    )


def _files(raw: object, where: str) -> tuple[FileSpec, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise StoreError(f"{where}: files must be a list of tables")
    specs = []
    for item in raw:
        path = str(item.get("path", ""))
        if not path or path.startswith("/") or ".." in Path(path).parts:
            raise StoreError(f"{where}: file path {path!r} must be relative, inside the model")
        sha = str(item.get("sha256", UNKNOWN)).lower()
        if sha != UNKNOWN and not _SHA256.match(sha):
            raise StoreError(f'{where}: {path} sha256 must be 64 hex digits or "unknown"')
        size = item.get("size_bytes")
        if size is not None and (not isinstance(size, int) or size < 0):
            raise StoreError(f"{where}: {path} size_bytes must be a whole number")
        specs.append(FileSpec(path=path, size_bytes=size, sha256=sha))
    return tuple(specs)


def _source(raw: dict[str, Any], where: str) -> Source:
    kind = raw.get("type")
    files = _files(raw.get("files"), where) or None
    if kind == "package":
        packages = tuple(str(p) for p in raw.get("packages", []))
        parts = {str(k): tuple(str(p) for p in v) for k, v in raw.get("parts", {}).items()}
        if not packages or not parts:
            raise StoreError(f"{where}: a package source needs packages and parts")
        for path, pieces in parts.items():
            if not pieces or any(":" not in piece for piece in pieces):
                raise StoreError(f"{where}: parts of {path} must read 'module:path/in/module'")
        return PackageSource(packages=packages, parts=parts, files=files)
    if kind == "huggingface":
        repo = str(raw.get("repo", ""))
        revision = str(raw.get("revision", ""))
        if repo.count("/") != 1:
            raise StoreError(f"{where}: huggingface repo {repo!r} must read 'owner/name'")
        if revision != UNKNOWN and not _REVISION.match(revision):
            raise StoreError(
                f"{where}: huggingface revision {revision!r} must be pinned "
                '(a 40-hex commit or a version tag, or "unknown"), never a branch'
            )
        subfolder = str(raw.get("subfolder", ""))
        if subfolder and not subfolder.endswith("/"):
            subfolder += "/"
        return HuggingFaceSource(repo=repo, revision=revision, subfolder=subfolder, files=files)
    raise StoreError(f"{where}: source type {kind!r} must be one of {', '.join(SOURCE_TYPES)}")
