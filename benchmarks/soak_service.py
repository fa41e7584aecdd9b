"""The soak's service manager: `interpreter kiosk` kept running as systemd keeps it.

device/systemd/interpreter.service says `Restart=on-failure` and `RestartSec=3`: a
process that dies of a signal or exits non-zero is started again 3 s later; one that
exits 0 stays stopped. There is no systemd inside this machine's container, so this
does the same, and keeps every line each run printed, stamped on the wall clock.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO

# device/systemd/interpreter.service's RestartSec.
RESTART_S = 3.0


@dataclass(frozen=True)
class Line:
    at_unix_s: float
    run: int  # which start of the service printed it (0 is the first)
    stream: str  # "out" or "err"
    text: str


@dataclass
class Run:
    """One start of the service's process."""

    number: int
    pid: int
    started_unix_s: float
    ready_unix_s: float | None = None  # when it said "listening for"
    ended_unix_s: float | None = None
    returncode: int | None = None


@dataclass
class ServiceLog:
    runs: list[Run] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)


class Service:
    """Starts `command` and starts it again RESTART_S after it fails, until stopped."""

    def __init__(self, command: Sequence[str], env: Mapping[str, str], cwd: str) -> None:
        self._command = list(command)
        self._env = dict(env)
        self._cwd = cwd
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._process: subprocess.Popen[str] | None = None
        self.log = ServiceLog()
        self._thread = threading.Thread(target=self._supervise, name="service", daemon=True)

    def start(self) -> None:
        self._thread.start()

    @property
    def pid(self) -> int | None:
        """The running process's id (None between runs)."""
        with self._lock:
            process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def ready(self) -> bool:
        """The current run is listening."""
        with self._lock:
            return (
                bool(self.log.runs)
                and self.log.runs[-1].ready_unix_s is not None
                and (self.log.runs[-1].ended_unix_s is None)
            )

    def kill(self) -> None:
        """kill -9 the running process (the manager starts it again)."""
        with self._lock:
            process = self._process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGKILL)

    def stop(self, timeout_s: float = 60.0) -> None:
        """Ctrl-C to the running process, as `systemctl stop` sends SIGTERM; no restart."""
        self._stopping.set()
        with self._lock:
            process = self._process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
        self._thread.join(timeout=timeout_s)

    def _supervise(self) -> None:
        while not self._stopping.is_set():
            process = subprocess.Popen(
                self._command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL, text=True, env=self._env, cwd=self._cwd,
            )  # fmt: skip
            run = Run(number=len(self.log.runs), pid=process.pid, started_unix_s=time.time())
            with self._lock:
                self._process = process
                self.log.runs.append(run)
            readers = [
                self._follow(process.stdout, run, "out"),
                self._follow(process.stderr, run, "err"),
            ]
            returncode = process.wait()
            for reader in readers:
                reader.join(timeout=5)
            with self._lock:
                run.ended_unix_s = time.time()
                run.returncode = returncode
                self._process = None
            if returncode == 0:  # Restart=on-failure: a clean exit stays down
                return
            self._stopping.wait(RESTART_S)

    def _follow(self, stream: IO[str] | None, run: Run, name: str) -> threading.Thread:
        def read() -> None:
            assert stream is not None
            for text in stream:
                now = time.time()
                with self._lock:
                    self.log.lines.append(Line(now, run.number, name, text.rstrip("\n")))
                    if name == "err" and text.startswith("listening for"):
                        run.ready_unix_s = now

        reader = threading.Thread(target=read, name=f"service-{name}", daemon=True)
        reader.start()
        return reader


def kiosk_command(port: int, log_path: str, input_device: str) -> list[str]:
    """The stall's service line (device/systemd/interpreter.service), hands-free, traced."""
    return [
        sys.executable, "-m", "interpreter", "kiosk", "--pair", "zh-en",
        "--mode", "conversation", "--input-device", input_device, "--trace",
        "--log", log_path, "--port", str(port),
    ]  # fmt: skip
