"""Crash safety of the model store: a verified install swapped in whole (`swap_in`),
the lock every install holds (`install_lock`), and the sweep, when a store is opened,
of what a power cut left behind (`recover_after_power_cut`):

- `.partial-<name>-*`, an install that never finished: removed.
- `.old-<name>-*/<name>` with no `<name>` beside it, a cut between the two renames of
  `swap_in`: moved back, so yesterday's model works today (the new one can be fetched
  again); beside a `<name>`, a cut before the old copy was removed: removed.

Opening costs one listing of the store folder when nothing is left over. The kiosk and a
`models fetch` in a terminal may share one store, so only what is certainly stale is
touched: every install holds a shared `flock` on the store folder from before it makes
its partial folder until that folder is gone, and the sweep takes the lock exclusively
without waiting, doing nothing if it cannot. It therefore runs only when no process is
installing, which is exactly when every leftover is stale; the kernel drops the lock of a
process that dies, and a power cut drops them all. No age rule is used because none is
right: a 500 MB download over a stall's 3G link outlasts any grace period without
touching its folder's time stamp. A skipped sweep happens at the next opening. Where
`flock` is missing (Windows) or refused (some network filesystems), nothing is swept.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from interpreter.core.errors import StoreError
from interpreter.store.transfer import WriteFailed

try:
    import fcntl

    _HAS_FLOCK = True
except ImportError:  # Windows: installs work, leftovers stay (see the module docstring)
    _HAS_FLOCK = False

PARTIAL_PREFIX = ".partial-"
OLD_PREFIX = ".old-"


def swap_in(partial: Path, final: Path) -> None:
    """Rename the verified folder into place; an old copy is moved aside, then removed.

    If the disk refuses, the old copy is put back and WriteFailed raised."""
    old = None
    try:
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=f"{OLD_PREFIX}{final.name}-", dir=final.parent))
            os.replace(final, old / final.name)
        os.replace(partial, final)
    except OSError as error:
        if old is not None:
            if (old / final.name).exists() and not final.exists():
                with contextlib.suppress(OSError):
                    os.replace(old / final.name, final)
            if final.exists():
                shutil.rmtree(old, ignore_errors=True)
        raise WriteFailed(final, error) from None
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def install_lock(root: Path) -> Iterator[None]:
    """Held shared while an install has folders in flight, so no sweep removes them."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        handle = os.open(root, os.O_RDONLY)
    except OSError as error:
        raise StoreError(
            f"cannot write to {str(root)!r} ({error.strerror}); "
            "choose a writable folder with --models-dir"
        ) from None
    try:
        flock(handle, exclusive=False)
        yield
    finally:
        os.close(handle)


def leftovers(root: Path) -> list[Path]:
    try:
        with os.scandir(root) as entries:
            names = [e.name for e in entries if e.name.startswith((PARTIAL_PREFIX, OLD_PREFIX))]
    except OSError:  # no store yet, or one that cannot be listed: nothing to clear
        return []
    return [root / name for name in sorted(names)]


def recover_after_power_cut(root: Path) -> None:
    """Restore models a cut left aside and remove unfinished installs, unless any
    process is installing into this store right now."""
    if not leftovers(root):
        return
    try:
        handle = os.open(root, os.O_RDONLY)
    except OSError:
        return
    try:
        if not flock(handle, exclusive=True):
            return
        # Listed again under the lock: an install may have finished in between.
        for leftover in leftovers(root):
            if leftover.name.startswith(OLD_PREFIX) and not restore_old(root, leftover):
                continue
            shutil.rmtree(leftover, ignore_errors=True)
    finally:
        os.close(handle)  # releases the lock


def restore_old(root: Path, old: Path) -> bool:
    """Move a model set aside by `swap_in` back when nothing replaced it.

    False when it could not be moved back, so the only copy is not removed."""
    try:
        children = [child for child in old.iterdir() if child.is_dir()]
    except OSError:
        return False
    for child in children:
        final = root / child.name
        if not old.name.startswith(f"{OLD_PREFIX}{child.name}-") or final.exists():
            continue
        try:
            os.replace(child, final)
        except OSError:
            return False
    return True


def flock(handle: int, exclusive: bool) -> bool:
    """Lock an open folder: shared waits for a sweep to end, exclusive never waits.

    True when the lock is held; False when another holds it or locks are unsupported."""
    if not _HAS_FLOCK:
        return False
    mode = fcntl.LOCK_EX | fcntl.LOCK_NB if exclusive else fcntl.LOCK_SH
    try:
        fcntl.flock(handle, mode)
    except OSError:
        return False
    return True
