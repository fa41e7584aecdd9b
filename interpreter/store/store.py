"""The model store: one folder per installed model, each with a manifest of its hashes.

Installs are atomic: files land in a hidden partial folder, are verified there, and
the folder is renamed into place only when every file is right. A power cut or a
damaged USB stick therefore leaves either the old model or the new one, never half of
one, which matters on a stall device that is unplugged every evening.

What a power cut leaves behind is cleared when a store is opened (see crash_safety.py).
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from interpreter.core.errors import ModelError, StoreError
from interpreter.store.catalog import Catalog, FileSpec, ModelEntry
from interpreter.store.crash_safety import (
    PARTIAL_PREFIX,
    install_lock,
    recover_after_power_cut,
    swap_in,
)
from interpreter.store.formats import FormatError, check_format
from interpreter.store.sources import (
    MANIFEST,
    FolderProvider,
    Provider,
    catalog_providers,
    read_manifest,
)
from interpreter.store.transfer import (
    FileRecord,
    Progress,
    SourceFailed,
    WriteFailed,
    file_chunks,
    free_bytes,
    mount_point,
    sha256_of,
    write_text,
    write_verified,
)

STORE_FIX = "choose a writable folder on another disk with --models-dir"


class DiskFull(StoreError):
    """The disk a model was being written to has no space left (or its quota is used)."""


def cannot_write(
    failure: WriteFailed, folder: Path, action: str, size_bytes: int | None, fix: str
) -> StoreError:
    """One line for a write the destination refused: which disk, what it needed, the fix.

    Called once the partial folder is gone, so the free space it reports is real."""
    if not failure.disk_full:
        return StoreError(
            f"cannot {action}: cannot write to {str(folder)!r} "
            f"({failure.error.strerror or failure.error}); {fix}"
        )
    needed = f"{size_bytes / 1e6:.1f} MB needed" if size_bytes is not None else ""
    free = free_bytes(folder)
    room = f"{free / 1e6:.1f} MB free" if free is not None else ""
    amounts = ", ".join(part for part in (needed, room) if part)
    return DiskFull(
        f"cannot {action}: the disk at {mount_point(folder)} holding {str(folder)!r} is full "
        f"({failure.error.strerror}{'; ' + amounts if amounts else ''}); the partial copy "
        f"was removed; free space on that disk, or {fix}"
    )


@dataclass(frozen=True)
class InstallResult:
    name: str
    path: Path
    source: str
    files: tuple[FileRecord, ...]
    recorded_hashes: tuple[str, ...] = ()
    already_installed: bool = False

    @property
    def size_bytes(self) -> int:
        return sum(record.size_bytes for record in self.files)


@dataclass(frozen=True)
class VerifyResult:
    name: str
    files: int
    size_bytes: int
    problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems


class ModelStore:
    def __init__(self, root: Path, catalog: Catalog) -> None:
        self.root = Path(root)
        self.catalog = catalog
        recover_after_power_cut(self.root)

    # ---- what is installed -------------------------------------------------------
    def model_dir(self, name: str) -> Path:
        return self.root / name

    def is_installed(self, name: str) -> bool:
        return (self.model_dir(name) / MANIFEST).is_file()

    def path(self, name: str) -> Path:
        """The folder of an installed model, or an error naming the command to get it."""
        self.catalog.get(name)
        if not self.is_installed(name):
            raise ModelError(
                f"model {name!r} is not installed in {str(self.root)!r}; "
                f"run `interpreter models fetch {name}`"
            )
        return self.model_dir(name)

    def installed(self) -> Iterator[ModelEntry]:
        return (entry for entry in self.catalog if self.is_installed(entry.name))

    def manifest(self, name: str) -> dict[str, Any] | None:
        return read_manifest(self.model_dir(name))

    # ---- getting models ----------------------------------------------------------
    def fetch(
        self,
        name: str,
        from_dir: Path | None = None,
        force: bool = False,
        progress: TextIO | None = None,
        allow_unpinned: bool = False,
    ) -> InstallResult:
        """Install a model from the first source that can serve it, verified, atomically."""
        entry = self.catalog.get(name)
        if from_dir is not None:
            providers: list[Provider] = [FolderProvider(entry, Path(from_dir))]
        else:
            providers = catalog_providers(entry, allow_unpinned)
        return self._fetch(entry, providers, force, progress, from_folder=from_dir is not None)

    def _fetch(
        self,
        entry: ModelEntry,
        providers: list[Provider],
        force: bool,
        progress: TextIO | None,
        from_folder: bool,
    ) -> InstallResult:
        name = entry.name
        if self.is_installed(name) and not force:
            return self._existing(entry)
        if not providers:
            raise StoreError(f"model {name!r} has no source in the catalog; use --from DIR")
        failures = []
        for provider in providers:
            try:
                return self._install(entry, provider, progress)
            except SourceFailed as failure:
                failures.append(f"{provider.describe()}: {failure}")
        hint = (
            "check the copy, or export it again"
            if from_folder
            else "connect to the internet (or set HF_ENDPOINT to a mirror), "
            "or copy it from another machine with `interpreter models import DIR`"
        )
        raise StoreError(f"cannot install {name}: {'; '.join(failures)}; {hint}")

    def import_dir(
        self,
        folder: Path,
        force: bool = False,
        progress: TextIO | None = None,
        on_installed: Callable[[InstallResult], None] | None = None,
    ) -> list[InstallResult]:
        """Install every catalog model found as `folder/<name>/` (or `folder` itself).

        One damaged model does not stop the others from a stick that took a trip to
        reach the stall; the failures are raised together at the end.
        """
        folder = Path(folder)
        if not folder.is_dir():
            raise StoreError(
                f"{str(folder)!r} is not a folder; pass the folder models were exported to"
            )
        manifest = read_manifest(folder)
        names = [manifest["name"]] if manifest and manifest.get("name") in self.catalog else []
        if not names:
            names = [
                child.name
                for child in sorted(folder.iterdir())
                if child.is_dir() and child.name in self.catalog
            ]
        if not names:
            raise StoreError(
                f"no model folders in {str(folder)!r}; expected <name>/ folders as written "
                "by `interpreter models export NAME DIR`"
            )
        results = []
        failures = []
        for name in names:
            source = folder if manifest and manifest.get("name") == name else folder / name
            provider = FolderProvider(self.catalog.get(name), source, within=folder)
            try:
                result = self._fetch(
                    self.catalog.get(name), [provider], force, progress, from_folder=True
                )
            except DiskFull:
                raise  # the next model would not fit either; say so once
            except StoreError as error:
                failures.append(str(error))
                continue
            results.append(result)
            if on_installed is not None:
                on_installed(result)
        if failures:
            raise StoreError(
                f"{len(failures)} of {len(names)} models not imported: {'; '.join(failures)}"
            )
        return results

    def export(self, name: str, folder: Path, progress: TextIO | None = None) -> Path:
        """Copy a verified model to `folder/<name>/`, for a USB stick to carry offline."""
        checked = self.verify(name)
        if not checked.ok:
            raise StoreError(f"{name} fails verification ({checked.problems[0]}); fetch it again")
        folder = Path(folder)
        if not folder.is_dir():
            raise StoreError(f"export folder {str(folder)!r} does not exist; create it first")
        destination = folder / name
        if destination.exists():
            raise StoreError(
                f"{str(destination)!r} already exists; remove it or pick another folder"
            )
        manifest = self.manifest(name) or {}
        fix = "export to a writable folder on another disk"
        partial = self._partial_dir(folder, name, fix, f"export {name}", checked.size_bytes)
        try:
            for item in manifest.get("files", []):
                spec = FileSpec(item["path"], item["size_bytes"], item["sha256"])
                source = self.model_dir(name) / spec.path
                label = f"{name}/{spec.path}"
                write_verified(
                    file_chunks([source]),
                    partial / spec.path,
                    spec,
                    str(source),
                    Progress(progress, label, spec.size_bytes),
                )
            write_text(partial / MANIFEST, json.dumps(manifest, indent=2))
            try:
                os.replace(partial, destination)
            except OSError as error:
                raise WriteFailed(destination, error) from None
        except SourceFailed as failure:
            raise StoreError(f"cannot export {name}: {failure}") from None
        except WriteFailed as failure:
            shutil.rmtree(partial, ignore_errors=True)
            raise cannot_write(failure, folder, f"export {name}", checked.size_bytes, fix) from None
        finally:
            shutil.rmtree(partial, ignore_errors=True)
        return destination

    # ---- checking ----------------------------------------------------------------
    def verify(self, name: str) -> VerifyResult:
        """Rehash every file of an installed model against its manifest and the catalog."""
        entry = self.catalog.get(name)
        if not self.is_installed(name):
            raise StoreError(
                f"model {name!r} is not installed in {str(self.root)!r}; "
                f"run `interpreter models fetch {name}`"
            )
        manifest = self.manifest(name)
        if manifest is None or not isinstance(manifest.get("files"), list):
            return VerifyResult(name, 0, 0, (f"{MANIFEST} is unreadable",))
        known = {spec.path: spec for files in entry.file_sets() for spec in files}
        problems = []
        total = 0
        for item in manifest["files"]:
            path = self.model_dir(name) / str(item.get("path"))
            if not path.is_file():
                problems.append(f"{item.get('path')} is missing")
                continue
            size = path.stat().st_size
            total += size
            if size != item.get("size_bytes"):
                problems.append(
                    f"{item['path']} is {size} bytes, expected {item.get('size_bytes')}"
                )
                continue
            try:
                sha = sha256_of(path)
            except OSError as error:
                problems.append(f"{item['path']} cannot be read ({error.strerror or error})")
                continue
            if sha != item.get("sha256"):
                problems.append(
                    f"{item['path']} sha256 {sha[:12]}… is not {str(item.get('sha256'))[:12]}…"
                )
                continue
            spec = known.get(item["path"])
            if spec is not None and spec.hash_known:
                if spec.sha256 != sha:
                    problems.append(f"{item['path']} is not the file the catalog lists")
                continue
            # No pinned hash: the manifest's was recorded from this very file, so only
            # its format says whether it was ever a model file.
            try:
                check_format(path, entry.family)
            except FormatError as error:
                problems.append(f"{item['path']} {error}")
        return VerifyResult(name, len(manifest["files"]), total, tuple(problems))

    # ---- internals ---------------------------------------------------------------
    def _existing(self, entry: ModelEntry) -> InstallResult:
        manifest = self.manifest(entry.name) or {}
        records = tuple(
            FileRecord(str(i["path"]), int(i["size_bytes"]), str(i["sha256"]))
            for i in manifest.get("files", [])
        )
        return InstallResult(
            entry.name,
            self.model_dir(entry.name),
            str(manifest.get("source", "")),
            records,
            already_installed=True,
        )

    def _partial_dir(
        self,
        parent: Path,
        name: str,
        fix: str = "choose a writable folder with --models-dir",
        action: str = "",
        size_bytes: int | None = None,
    ) -> Path:
        try:
            parent.mkdir(parents=True, exist_ok=True)
            partial = Path(tempfile.mkdtemp(prefix=f"{PARTIAL_PREFIX}{name}-", dir=parent))
            # mkdtemp makes it private; an installed model is readable like any folder.
            partial.chmod(0o755)
            return partial
        except OSError as error:
            failure = WriteFailed(parent, error)
            if failure.disk_full:
                raise cannot_write(
                    failure, parent, action or f"install {name}", size_bytes, fix
                ) from None
            raise StoreError(f"cannot write to {str(parent)!r} ({error.strerror}); {fix}") from None

    def _install(
        self, entry: ModelEntry, provider: Provider, progress: TextIO | None
    ) -> InstallResult:
        provider.check()
        with install_lock(self.root):
            records = self._install_locked(entry, provider, progress)
        recorded = tuple(
            f"{spec.path} sha256 {record.sha256}"
            for spec, record in zip(provider.files(), records, strict=True)
            if not spec.hash_known and provider.expected_sha256(spec) is None
        )
        return InstallResult(
            entry.name, self.model_dir(entry.name), provider.describe(), tuple(records), recorded
        )

    def _install_locked(
        self, entry: ModelEntry, provider: Provider, progress: TextIO | None
    ) -> list[FileRecord]:
        action = f"install {entry.name}"
        partial = self._partial_dir(self.root, entry.name, STORE_FIX, action, entry.size_bytes)
        try:
            records = []
            for spec in provider.files():
                chunks, length = provider.open(spec)
                label = f"{entry.name}/{spec.path}"
                records.append(
                    write_verified(
                        chunks,
                        partial / spec.path,
                        spec,
                        provider.describe(),
                        Progress(progress, label, spec.size_bytes or length),
                        expected_sha256=provider.expected_sha256(spec),
                    )
                )
                if not spec.hash_known:
                    _check_unpinned(partial / spec.path, spec, entry, provider.describe())
            manifest = {
                "name": entry.name,
                "kind": entry.kind,
                "family": entry.family,
                "languages": list(entry.languages),
                "source": provider.describe(),
                "installed_at": datetime.datetime.now(datetime.timezone.utc).isoformat(
                    timespec="seconds"
                ),
                "files": [
                    {"path": r.path, "size_bytes": r.size_bytes, "sha256": r.sha256}
                    for r in records
                ],
            }
            write_text(partial / MANIFEST, json.dumps(manifest, indent=2))
            swap_in(partial, self.model_dir(entry.name))
        except WriteFailed as failure:
            shutil.rmtree(partial, ignore_errors=True)
            raise cannot_write(failure, self.root, action, entry.size_bytes, STORE_FIX) from None
        finally:
            shutil.rmtree(partial, ignore_errors=True)
        return records


def _check_unpinned(path: Path, spec: FileSpec, entry: ModelEntry, origin: str) -> None:
    """A file no catalog hash vouches for must at least be a file of its format."""
    try:
        check_format(path, entry.family)
    except FormatError as error:
        raise SourceFailed(f"{spec.path} from {origin} {error}") from None
