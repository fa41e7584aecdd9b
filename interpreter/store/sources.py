"""Where a model's files can come from: Python packages, Hugging Face, a folder.

Each provider answers the same three questions (can you serve, which files, give me
the bytes of one), so the store installs from all of them with one verified path.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from interpreter.store.catalog import FileSpec, HuggingFaceSource, ModelEntry, PackageSource
from interpreter.store.transfer import (
    HttpDownload,
    SourceFailed,
    file_chunks,
    hf_url,
    network_disabled,
)

MANIFEST = "manifest.json"


class Provider(Protocol):
    def describe(self) -> str: ...

    def check(self) -> None:
        """Raise SourceFailed now, before anything is written, if this cannot work."""
        ...

    def files(self) -> tuple[FileSpec, ...]: ...

    def open(self, spec: FileSpec) -> tuple[Iterable[bytes], int | None]: ...

    def expected_sha256(self, spec: FileSpec) -> str | None: ...


def module_dir(module: str) -> Path | None:
    """Where an installed package lives, found without importing it."""
    try:
        found = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if found is None:
        return None
    if found.submodule_search_locations:
        return Path(next(iter(found.submodule_search_locations)))
    return Path(found.origin).parent if found.origin else None


class PackageProvider:
    def __init__(self, entry: ModelEntry, source: PackageSource) -> None:
        self._entry = entry
        self._source = source

    def describe(self) -> str:
        return self._source.describe()

    def check(self) -> None:
        for path in self._source.parts:
            self._part_paths(path)

    def files(self) -> tuple[FileSpec, ...]:
        return self._source.files or self._entry.files

    def open(self, spec: FileSpec) -> tuple[Iterable[bytes], int | None]:
        paths = self._part_paths(spec.path)
        return file_chunks(paths), sum(p.stat().st_size for p in paths)

    def expected_sha256(self, spec: FileSpec) -> str | None:
        return None

    def _part_paths(self, path: str) -> list[Path]:
        parts = self._source.parts.get(path)
        if parts is None:
            raise SourceFailed(f"{self.describe()} does not ship {path}")
        found = []
        for part in parts:
            module, _, inner = part.partition(":")
            base = module_dir(module)
            if base is None:
                packages = " ".join(self._source.packages)
                raise SourceFailed(
                    f"package {module.replace('_', '-')} is not installed "
                    f"(pip install {packages}, or pip install 'interpreter[demo]')"
                )
            candidate = base / inner
            if not candidate.is_file():
                raise SourceFailed(f"package {module} lacks {inner} (reinstall it)")
            found.append(candidate)
        return found


class HuggingFaceProvider:
    """Downloads at the pinned revision; an unpinned repository only when allowed, and
    then every file from the one commit that "main" named on the first request."""

    def __init__(
        self, entry: ModelEntry, source: HuggingFaceSource, allow_unpinned: bool = False
    ) -> None:
        self._entry = entry
        self._source = source
        self._allow_unpinned = allow_unpinned
        self._revision = source.revision if source.pinned else "main"

    def describe(self) -> str:
        return f"huggingface {self._source.repo}@{self._revision}"

    def check(self) -> None:
        if network_disabled():
            raise SourceFailed("HF_HUB_OFFLINE is set, so Hugging Face is not asked")
        if not self._source.pinned and not self._allow_unpinned:
            raise SourceFailed(
                f"the catalog pins no revision of {self._source.repo} yet "
                "(add --allow-unpinned to take its current main and record that commit)"
            )

    def files(self) -> tuple[FileSpec, ...]:
        return self._source.files or self._entry.files

    def open(self, spec: FileSpec) -> tuple[Iterable[bytes], int | None]:
        source = self._source
        download = HttpDownload(hf_url(source.repo, self._revision, source.subfolder + spec.path))
        if not source.pinned and self._revision == "main" and download.commit:
            self._revision = download.commit
        return download.chunks(), download.length_bytes

    def expected_sha256(self, spec: FileSpec) -> str | None:
        return None


def read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


class FolderProvider:
    """A model folder on a USB stick or another disk, as `models export` writes it.

    Files the catalog has no hash for are checked against the hashes the exporting
    machine recorded in the folder's manifest, so a copy is never trusted blindly.

    Nothing is read from outside `within` (the folder the user named): a file, or the
    model's folder, that is a link leading out of it is refused, since a stick could
    otherwise carry a link to any file the user can read into the store, and from
    there onto the next stick with `models export`.
    """

    def __init__(self, entry: ModelEntry, folder: Path, within: Path | None = None) -> None:
        self._entry = entry
        nested = folder / entry.name
        self.folder = nested if nested.is_dir() else folder
        self._within = Path(within if within is not None else folder)
        manifest = read_manifest(self.folder) or {}
        self._recorded = {
            str(item.get("path")): str(item.get("sha256"))
            for item in manifest.get("files", [])
            if isinstance(item, dict)
        }
        self._files: tuple[FileSpec, ...] | None = None

    def describe(self) -> str:
        return f"folder {self.folder}"

    def check(self) -> None:
        if not self.folder.is_dir():
            raise SourceFailed(f"{self.folder} is not a folder")
        self._inside(self.folder, f"the model folder {self.folder}")
        for files in self._entry.file_sets():
            if all((self.folder / spec.path).is_file() for spec in files):
                for spec in files:
                    self._inside(self.folder / spec.path, f"{spec.path} in {self.folder}")
                self._files = files
                return
        missing = [s.path for s in self._entry.files if not (self.folder / s.path).is_file()]
        raise SourceFailed(f"{self.folder} lacks {', '.join(missing)}")

    def files(self) -> tuple[FileSpec, ...]:
        if self._files is None:
            self.check()
        assert self._files is not None
        return self._files

    def open(self, spec: FileSpec) -> tuple[Iterable[bytes], int | None]:
        path = self._inside(self.folder / spec.path, f"{spec.path} in {self.folder}")
        try:
            size = path.stat().st_size
        except OSError as error:
            raise SourceFailed(f"cannot read {path} ({error.strerror or error})") from None
        return file_chunks([path]), size

    def expected_sha256(self, spec: FileSpec) -> str | None:
        return self._recorded.get(spec.path)

    def _inside(self, path: Path, label: str) -> Path:
        """`path` with every link followed, refused if that leaves the named folder."""
        root = self._within.resolve()
        real = path.resolve()
        if real != root and not real.is_relative_to(root):
            raise SourceFailed(
                f"{label} is a link to {real}, outside {self._within}; "
                "copy the files themselves into the folder"
            )
        return real


def catalog_providers(entry: ModelEntry, allow_unpinned: bool = False) -> list[Provider]:
    """The catalog's sources in the order written (package sources come first there)."""
    providers: list[Provider] = []
    for source in entry.sources:
        if isinstance(source, PackageSource):
            providers.append(PackageProvider(entry, source))
        else:
            providers.append(HuggingFaceProvider(entry, source, allow_unpinned))
    return providers
