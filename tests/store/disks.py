"""A disk that fills up: writes under a folder fail with ENOSPC once its room is used.

`Path.open` is patched so that a file opened for writing under the folder is written
for real until the room runs out; the write that overflows writes what still fits and
raises OSError(ENOSPC), as a real full disk does mid-file. So a half-written file is
really left for the code under test to clean up.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest


class _Filling:
    def __init__(self, handle: Any, room: list[int], path: Path) -> None:
        self._handle = handle
        self._room = room
        self._path = path

    def write(self, data: Any) -> int:
        if len(data) > self._room[0]:
            fits = self._room[0]
            self._handle.write(data[:fits])
            self._handle.flush()
            self._room[0] = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self._path))
        self._room[0] -= len(data)
        return int(self._handle.write(data))

    def __enter__(self) -> _Filling:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


def fill_disk(monkeypatch: pytest.MonkeyPatch, folder: Path, room_bytes: int) -> None:
    """From now on, at most `room_bytes` more bytes can be written under `folder`."""
    room = [room_bytes]
    real_open = Path.open

    def open_(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(self, mode, *args, **kwargs)
        if any(flag in mode for flag in "wax+") and Path(os.path.abspath(self)).is_relative_to(
            os.path.abspath(folder)
        ):
            return _Filling(handle, room, self)
        return handle

    monkeypatch.setattr(Path, "open", open_)


def files_under(folder: Path) -> list[str]:
    """Every file and folder left under `folder`, hidden ones included."""
    if not folder.exists():
        return []
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))
