"""The soak's faults, each one real: a microphone unplugged, a disk filled, a process killed.

- **The microphone.** In the room (benchmarks/roombed.py) the device's microphone is
  a source of its own, `mic` (the room's monitor remapped), opened through an ALSA
  device bound to it (`stallmic`, the pulse plugin with `device "mic"`), as a USB
  microphone is on a Pi. Unplugged: the source is removed, and the device's stream on
  it ends (PulseAudio would move a stream to another source; an unplugged USB device
  under ALSA just fails, and opening it fails until it is back). Plugged back: the
  source is there again, and the device must find it by itself.
- **The log's disk.** The deal log lives on a small tmpfs of its own; filled, every
  byte of it is taken by a file, freed, the file goes. Mounting needs root; without
  it the fault is skipped and the result says so.
- **kill -9** is the service manager's (benchmarks/soak_service.py).
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
from pathlib import Path

from benchmarks.roombed import ROOM_RATE_HZ, Room

MIC_SOURCE = "mic"
MIC_DEVICE = "stallmic"


class RoomMicrophone:
    """The device's own microphone in the room, which can be unplugged."""

    def __init__(self, room: Room, work: Path) -> None:
        self._room = room
        self._work = work
        self._module: str | None = None

    def install(self) -> None:
        """The ALSA device bound to the source, PulseAudio's command line (for killing
        a stream), and the source itself."""
        (self._work / ".asoundrc").write_text(
            "pcm.!default { type pulse }\nctl.!default { type pulse }\n"
            f'pcm.{MIC_DEVICE} {{ type pulse; device "{MIC_SOURCE}" }}\n'
        )
        self._check(self._room.pactl("load-module", "module-cli-protocol-unix"))
        self.plug_in()

    def plug_in(self) -> None:
        loaded = self._room.pactl(
            "load-module", "module-remap-source", f"source_name={MIC_SOURCE}",
            "master=room.monitor", f"rate={ROOM_RATE_HZ}", "channels=1",
        )  # fmt: skip
        self._check(loaded)
        self._module = loaded.stdout.strip()

    def unplug(self, pid: int | None) -> int:
        """The source removed and the streams of process `pid` on it ended; how many."""
        if self._module is not None:
            self._check(self._room.pactl("unload-module", self._module))
            self._module = None
        ended = 0
        for index in self._streams_of(pid):
            killed = subprocess.run(
                ["pacmd", "kill-source-output", index], env=self._room.environment(),
                capture_output=True, text=True, timeout=10,
            )  # fmt: skip
            ended += killed.returncode == 0
        return ended

    def _streams_of(self, pid: int | None) -> list[str]:
        """The recording streams that process `pid` holds (none for None)."""
        if pid is None:
            return []
        listing = self._room.pactl("list", "source-outputs").stdout
        found = []
        for block in listing.split("Source Output #")[1:]:
            index = block.split(None, 1)[0]
            if re.search(rf'application\.process\.id = "{pid}"', block):
                found.append(index)
        return found

    @staticmethod
    def _check(done: subprocess.CompletedProcess) -> None:
        if done.returncode != 0:
            raise RuntimeError(f"pactl {done.args[1:]}: {done.stderr.strip()}")


class LogDisk:
    """A small disk of its own for the deal log, which can be filled and freed."""

    def __init__(self, folder: Path, size_mb: int = 16) -> None:
        self.folder = folder
        self._size_mb = size_mb
        self.mounted = False
        self.skipped_why = ""
        self._filler = folder / "filler"

    def __enter__(self) -> LogDisk:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() != 0:
            self.skipped_why = "not root: no disk of its own for the log, so it is never filled"
            return self
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={self._size_mb}m", "tmpfs", str(self.folder)],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        if mounted.returncode != 0:
            problem = mounted.stderr.strip()
            self.skipped_why = f"mount failed ({problem}): the log's disk is never filled"
        self.mounted = mounted.returncode == 0
        return self

    def __exit__(self, *exc: object) -> None:
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.folder)], capture_output=True, timeout=30)

    def fill(self) -> int:
        """Take every free byte; the bytes taken (0 when there is no disk to fill)."""
        if not self.mounted:
            return 0
        written = 0
        block = b"\0" * (1 << 16)
        with contextlib.suppress(OSError), self._filler.open("ab") as out:
            while True:
                out.write(block)
                out.flush()
                written += len(block)
        # The last bytes a page at a time, so nothing is left.
        with contextlib.suppress(OSError), self._filler.open("ab") as out:
            while True:
                out.write(b"\0" * 512)
                out.flush()
                written += 512
        return written

    def free(self) -> None:
        self._filler.unlink(missing_ok=True)

    def free_bytes(self) -> int:
        stats = os.statvfs(self.folder)
        return stats.f_bavail * stats.f_frsize
