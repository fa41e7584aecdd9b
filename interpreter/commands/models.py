"""What `interpreter models ...` prints: one function per subcommand, exit code out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from interpreter.commands.common import Subcommands, model_store
from interpreter.core.errors import StoreError
from interpreter.store.catalog import ModelEntry, PackageSource
from interpreter.store.sources import PackageProvider
from interpreter.store.store import InstallResult, ModelStore
from interpreter.store.transfer import SourceFailed


def _files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"


def _megabytes(size_bytes: int | None) -> str:
    return "?" if size_bytes is None else f"{size_bytes / 1e6:.1f} MB"


def _status(store: ModelStore, entry: ModelEntry) -> str:
    if store.is_installed(entry.name):
        return "installed"
    for source in entry.sources:
        if isinstance(source, PackageSource):
            try:
                PackageProvider(entry, source).check()
            except SourceFailed:
                continue
            return "offline (from package)"
    return "download"


def list_models(store: ModelStore, out: TextIO) -> int:
    print(f"model store: {store.root}", file=out)
    print(f"{'NAME':<28} {'KIND':<4} {'LANGUAGES':<26} {'SIZE':>9}  STATUS", file=out)
    for entry in store.catalog:
        languages = ",".join(entry.languages) or "-"
        print(
            f"{entry.name:<28} {entry.kind:<4} {languages:<26} "
            f"{_megabytes(entry.size_bytes):>9}  {_status(store, entry)}",
            file=out,
        )
    return 0


def _report_install(result: InstallResult, out: TextIO, err: TextIO) -> None:
    if result.already_installed:
        print(f"{result.name} is already installed (--force installs it again)", file=out)
        return
    print(
        f"installed {result.name}: {_files(len(result.files))}, "
        f"{_megabytes(result.size_bytes)}, from {result.source}",
        file=out,
    )
    for recorded in result.recorded_hashes:
        print(
            f"note: the catalog had no hash for {result.name}/{recorded.split()[0]}; "
            f"recorded {recorded.split()[-1]} in its manifest",
            file=err,
        )


def fetch_models(
    store: ModelStore,
    names: list[str],
    from_dir: Path | None,
    force: bool,
    allow_unpinned: bool,
    out: TextIO,
    err: TextIO,
) -> int:
    for name in names:
        store.catalog.get(name)
    for name in names:
        result = store.fetch(
            name, from_dir=from_dir, force=force, progress=err, allow_unpinned=allow_unpinned
        )
        _report_install(result, out, err)
    return 0


def verify_models(store: ModelStore, names: list[str], out: TextIO, err: TextIO) -> int:
    if not names:
        names = [entry.name for entry in store.installed()]
        if not names:
            raise StoreError(
                f"no models are installed in {str(store.root)!r}; "
                "run `interpreter models fetch whisper-base`"
            )
    failed = []
    for name in names:
        result = store.verify(name)
        if result.ok:
            print(
                f"ok    {name:<28} {_files(result.files):<8} {_megabytes(result.size_bytes):>9}",
                file=out,
            )
        else:
            failed.append(name)
            print(f"FAIL  {name:<28} {'; '.join(result.problems)}", file=out)
    if failed:
        print(
            f"error: {len(failed)} of {len(names)} models failed verification; "
            f"run `interpreter models fetch {' '.join(failed)} --force`",
            file=err,
        )
        return 1
    return 0


def import_models(store: ModelStore, folder: Path, force: bool, out: TextIO, err: TextIO) -> int:
    store.import_dir(
        folder,
        force=force,
        progress=err,
        on_installed=lambda result: _report_install(result, out, err),
    )
    return 0


def export_model(store: ModelStore, name: str, folder: Path, out: TextIO, err: TextIO) -> int:
    destination = store.export(name, folder, progress=err)
    print(
        f"exported {name} to {destination} (import it with `interpreter models import {folder}`)",
        file=out,
    )
    return 0


def add_parser(subcommands: Subcommands) -> None:
    models = subcommands.add_parser("models", help="list, fetch, verify, import and export models")
    actions = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every model in the catalog, installed or not")
    listing.set_defaults(run=run_list)

    fetch = actions.add_parser("fetch", help="install models (packages first, then the network)")
    fetch.add_argument("names", nargs="+", metavar="NAME")
    fetch.add_argument("--from", dest="from_dir", metavar="DIR", help="install from this folder")
    fetch.add_argument("--force", action="store_true", help="install again even if present")
    fetch.add_argument(
        "--allow-unpinned",
        action="store_true",
        help="for a repository the catalog has not pinned yet: take its current main "
        "and record the commit and hashes",
    )
    fetch.set_defaults(run=run_fetch)

    verify = actions.add_parser("verify", help="rehash installed models (all when none named)")
    verify.add_argument("names", nargs="*", metavar="NAME")
    verify.set_defaults(run=run_verify)

    imports = actions.add_parser("import", help="install every model exported into a folder")
    imports.add_argument("folder", metavar="DIR")
    imports.add_argument("--force", action="store_true", help="replace models already installed")
    imports.set_defaults(run=run_import)

    export = actions.add_parser("export", help="copy an installed model to a folder (USB stick)")
    export.add_argument("name", metavar="NAME")
    export.add_argument("folder", metavar="DIR")
    export.set_defaults(run=run_export)


def run_list(args: argparse.Namespace) -> int:
    return list_models(model_store(args), sys.stdout)


def run_fetch(args: argparse.Namespace) -> int:
    from_dir = Path(args.from_dir) if args.from_dir else None
    return fetch_models(
        model_store(args),
        args.names,
        from_dir,
        args.force,
        args.allow_unpinned,
        sys.stdout,
        sys.stderr,
    )


def run_verify(args: argparse.Namespace) -> int:
    return verify_models(model_store(args), args.names, sys.stdout, sys.stderr)


def run_import(args: argparse.Namespace) -> int:
    return import_models(model_store(args), Path(args.folder), args.force, sys.stdout, sys.stderr)


def run_export(args: argparse.Namespace) -> int:
    return export_model(model_store(args), args.name, Path(args.folder), sys.stdout, sys.stderr)
