"""The room: a real sound server that the parties and the device share, as at a counter.

A PulseAudio server of its own (its own `XDG_RUNTIME_DIR`, nothing of the machine's
touched) with one null sink, `room`, at 16 kHz mono: what a Raspberry Pi's PipeWire
or a desktop's PulseAudio looks like to ALSA's `default` device. The parties' voices
play into the sink, the device listens to `room.monitor` (so it hears its own voice,
as at a real counter) and speaks into `room`. Quiet room tone plays all the time: a
real microphone never stops delivering samples, and a null sink with nothing playing
renders in 2-second blocks.

Everything the parties play (tone included) goes through one stream and is kept, and
one recording of the monitor holds everything on one clock. Aligning the parties'
track with the recording by cross-correlation and subtracting it leaves exactly the
device's voice (the sink mixes at unit gain).

    with Room(work) as room:          # server, tone, recording
        room.environment()            # for `interpreter live`
        room.play(track)              # the parties, after the tone so far
        parties, recording = room.finish()
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOM_RATE_HZ = 16_000
PULSE_PLUGIN = "libasound_module_pcm_pulse.so"
# Debian package of each thing the room needs, for the skip message and the Makefile.
NEEDS = {
    "pulseaudio": "pulseaudio",
    "pactl": "pulseaudio-utils",
    "pacat": "pulseaudio-utils",
    "parec": "pulseaudio-utils",
    PULSE_PLUGIN: "libasound2-plugins",
}


def missing_packages() -> list[str]:
    """The Debian packages the room lacks on this machine (none: it can be built)."""
    missing = [
        package
        for tool, package in NEEDS.items()
        if tool != PULSE_PLUGIN and not shutil.which(tool)
    ]
    plugin_dirs = [Path("/usr/lib") / arch / "alsa-lib" for arch in os.listdir("/usr/lib")]
    if not any((folder / PULSE_PLUGIN).exists() for folder in plugin_dirs if folder.is_dir()):
        missing.append(NEEDS[PULSE_PLUGIN])
    return sorted(set(missing))


@dataclass(frozen=True)
class RoomOptions:
    # Room tone, far under speech (a quiet room is -50 to -40 dBFS): it keeps the sink
    # rendering in small blocks, and the recording is aligned on it.
    tone_dbfs: float = -50.0
    # The parties' stream is written in blocks of this size.
    block_s: float = 0.05
    # How long the server may take to answer after it is started.
    start_timeout_s: float = 10.0
    seed: int = 17


class Room:
    """A PulseAudio server with the sink `room`, room tone, and a recording of it."""

    def __init__(self, work: Path, options: RoomOptions | None = None) -> None:
        self._work = Path(work)
        self._options = options or RoomOptions()
        self._runtime = self._work / "pulse-runtime"
        self._recording_path = self._work / "room.raw"
        self._written: list[np.ndarray] = []
        self._queue: list[np.ndarray] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._feeder: threading.Thread | None = None
        self._pacat: subprocess.Popen | None = None
        self._parec: subprocess.Popen | None = None
        self._rng = np.random.default_rng(self._options.seed)
        # When the recording started, on the wall clock (its sample 0, give or take the
        # recorder's buffer): where a turn in it lies in other logs' time.
        self.recording_started_unix_s = 0.0

    # -- the server ---------------------------------------------------------------

    def environment(self) -> dict[str, str]:
        """Where PulseAudio's clients find this server; for the interpreter, ALSA's
        `default` is the room too (`.asoundrc` in HOME)."""
        return {**os.environ, "XDG_RUNTIME_DIR": str(self._runtime), "HOME": str(self._work)}

    def pactl(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["pactl", *args], env=self.environment(), capture_output=True, text=True, timeout=10
        )

    def __enter__(self) -> Room:
        missing = missing_packages()
        if missing:
            raise RuntimeError(
                f"the room needs {', '.join(missing)}: apt-get install {' '.join(missing)}"
            )
        self._runtime.mkdir(parents=True, exist_ok=True)
        self._runtime.chmod(0o700)
        (self._work / ".asoundrc").write_text(
            "pcm.!default { type pulse }\nctl.!default { type pulse }\n"
        )
        sink = f"module-null-sink sink_name=room rate={ROOM_RATE_HZ} channels=1"
        started = subprocess.run(
            [
                "pulseaudio", "-n", "--daemonize=yes", "--exit-idle-time=-1",
                "--use-pid-file=yes", "--log-target=stderr",
                "-L", "module-native-protocol-unix", "-L", sink,
            ],
            env=self.environment(), capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        if started.returncode != 0:
            raise RuntimeError(f"pulseaudio did not start: {started.stderr.strip()[-300:]}")
        try:
            deadline = time.monotonic() + self._options.start_timeout_s
            while self.pactl("info").returncode != 0:
                if time.monotonic() > deadline:
                    raise RuntimeError("pulseaudio started but does not answer `pactl info`")
                time.sleep(0.1)
            self.pactl("set-default-sink", "room")
            self.pactl("set-default-source", "room.monitor")
            self._start_recording()
            self._start_parties()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop_streams()
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            subprocess.run(
                ["pulseaudio", "--kill"], env=self.environment(), capture_output=True, timeout=10
            )

    # -- the parties' stream and the recording ------------------------------------

    # Both streams ask the server for 400 ms buffers: where they sit in time is found
    # by alignment, and on two cores busy recognising speech a small buffer runs dry
    # (the parties' stream then slips against the recording) or over (samples lost).
    def _start_recording(self) -> None:
        out = self._recording_path.open("wb")
        self.recording_started_unix_s = time.time()
        self._parec = subprocess.Popen(
            [
                "parec", "-d", "room.monitor", "--raw", "--format=s16le",
                f"--rate={ROOM_RATE_HZ}", "--channels=1", "--latency-msec=400",
            ],
            stdout=out, stderr=subprocess.DEVNULL, env=self.environment(),
        )  # fmt: skip
        out.close()

    def _start_parties(self) -> None:
        self._pacat = subprocess.Popen(
            [
                "pacat", "--playback", "-d", "room", "--raw", "--format=s16le",
                f"--rate={ROOM_RATE_HZ}", "--channels=1", "--latency-msec=400",
            ],
            stdin=subprocess.PIPE, stderr=subprocess.DEVNULL, env=self.environment(),
        )  # fmt: skip
        self._feeder = threading.Thread(target=self._feed, name="room-parties", daemon=True)
        self._feeder.start()

    def tone(self, count: int) -> np.ndarray:
        """`count` samples of room tone (int16 at 16 kHz)."""
        scale = 32768.0 * 10 ** (self._options.tone_dbfs / 20)
        return np.round(self._rng.standard_normal(count) * scale).astype(np.int16)

    def play(self, track: np.ndarray) -> float:
        """Queue `track` (int16 at 16 kHz, tone mixed in by the caller or not) after what
        is queued; returns where it starts in the parties' stream, in seconds."""
        with self._lock:
            start = sum(len(part) for part in self._written) + sum(len(q) for q in self._queue)
            self._queue.append(np.asarray(track, dtype=np.int16))
        return start / ROOM_RATE_HZ

    def playing(self) -> bool:
        with self._lock:
            return bool(self._queue)

    def _feed(self) -> None:
        """Write the parties' stream: queued tracks, tone between them; everything
        written is kept. The pipe to pacat holds a second or two, so pacat never runs
        dry, and a full pipe holds this thread to the clock."""
        block = int(self._options.block_s * ROOM_RATE_HZ)
        assert self._pacat is not None and self._pacat.stdin is not None
        while not self._stop.is_set():
            with self._lock:
                if self._queue:
                    head = self._queue[0]
                    piece, rest = head[:block], head[block:]
                    if len(rest):
                        self._queue[0] = rest
                    else:
                        self._queue.pop(0)
                else:
                    piece = self.tone(block)
                self._written.append(piece)
            try:
                self._pacat.stdin.write(piece.astype("<i2").tobytes())
                self._pacat.stdin.flush()
            except (OSError, ValueError):  # pacat stopped, its pipe closed
                return

    def _stop_streams(self) -> None:
        # The recorder first: the parties' stream still sounds while it stops, so the
        # recording never runs past what the parties played.
        for process in (self._parec, self._pacat):
            if process is None:
                continue
            with contextlib.suppress(OSError):
                if process.stdin is not None:
                    process.stdin.close()
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
        self._stop.set()
        if self._feeder is not None:
            self._feeder.join(timeout=5)

    def finish(self) -> tuple[np.ndarray, np.ndarray]:
        """Stop the streams; the parties' stream as written and the recording, both
        int16 at 16 kHz (the recording starts earlier: see `align`)."""
        self._stop_streams()
        with self._lock:
            parties = np.concatenate(self._written) if self._written else np.zeros(0, np.int16)
        raw = self._recording_path.read_bytes()
        recording = np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2").astype(np.int16)
        return parties, recording


def window(samples: np.ndarray, start: int, end: int) -> np.ndarray:
    """`samples[start:end]` as int32, zeros where it lies outside them."""
    out = np.zeros(end - start, np.int32)
    first, last = max(0, start), min(len(samples), end)
    if last > first:
        out[first - start : last - start] = samples[first:last]
    return out


def align(probe: np.ndarray, recording: np.ndarray, guess: int, reach_s: float = 1.0) -> int:
    """Where `probe` lies in the recording, within `reach_s` of `guess` (in samples,
    either way): the peak of their cross-correlation."""
    reach = int(reach_s * ROOM_RATE_HZ)
    low = guess - reach
    span = window(recording, low, guess + reach + len(probe)).astype(np.float64)
    size = 1 << int(np.ceil(np.log2(len(span) + len(probe))))
    spectrum = np.fft.rfft(span, size) * np.conj(np.fft.rfft(probe.astype(np.float64), size))
    correlation = np.fft.irfft(spectrum, size)[: 2 * reach + 1]
    return low + int(np.argmax(correlation))


def device_track(
    parties: np.ndarray, recording: np.ndarray, start: int, end: int, offset_guess: int
) -> tuple[np.ndarray, int]:
    """What the device played while the parties' samples `start:end` sounded (int32,
    so nothing wraps), and where they were found in the recording, as an offset: the
    recording less the parties, aligned on this stretch alone, so a stream that ran
    late once shifts only what follows. It ends where the recording does."""
    found = align(parties[start:end], recording, start + offset_guess)
    # Only what the recording holds: the parties' stream may run past its end.
    end = min(end, start + len(recording) - found)
    heard = window(recording, found, found + (end - start))
    return heard - parties[start:end].astype(np.int32), found - start
