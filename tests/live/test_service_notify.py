"""Telling systemd how the service is doing, heard on a real AF_UNIX datagram socket
standing in for systemd's: READY=1 once the session listens, WATCHDOG=1 fed by the
listener with each frame it takes (and not while it is stuck), STOPPING=1 at the end."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from interpreter.asr.vad import Endpointer, EndpointerOptions
from interpreter.audio.files import ASR_SAMPLE_RATE, write_wav
from interpreter.core.clock import ManualClock, MonotonicClock
from interpreter.live.parties import Parties
from interpreter.live.service_notify import ServiceNotifier, Watchdog
from interpreter.live.session import LiveOptions, LiveSession
from interpreter.translate.chain import TranslatorChain
from interpreter.translate.phrasebook import Phrasebook
from interpreter.turn.pipeline import Interpreter
from tests.live.test_partials import RATE, LevelVad, Microphone, SlowWhisper, as_transcriber


class SystemdSocket:
    """What systemd listens on: each datagram kept with the time it came."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.messages: list[tuple[float, str]] = []
        bind_to = "\0" + address[1:] if address.startswith("@") else address
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sock.bind(bind_to)
        self._sock.settimeout(0.05)
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._receive, daemon=True)
        self._thread.start()

    def _receive(self) -> None:
        while not self._closed.is_set():
            try:
                data = self._sock.recv(4096)
            except TimeoutError:
                continue
            self.messages.append((time.monotonic(), data.decode()))

    def said(self) -> list[str]:
        return [text for _, text in self.messages]

    def times_of(self, text: str) -> list[float]:
        return [at for at, said in self.messages if said == text]

    def close(self) -> None:
        self._closed.set()
        self._thread.join()
        self._sock.close()


@pytest.fixture
def systemd(tmp_path: Path) -> Iterator[SystemdSocket]:
    listening = SystemdSocket(str(tmp_path / "notify"))
    yield listening
    listening.close()


def test_each_message_is_one_datagram_to_the_socket_named_by_notify_socket(systemd) -> None:
    notifier = ServiceNotifier.from_environment({"NOTIFY_SOCKET": systemd.address})
    assert notifier.ready("listening") and notifier.watchdog() and notifier.stopping()
    deadline = time.monotonic() + 2.0
    while len(systemd.messages) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert systemd.said() == ["READY=1\nSTATUS=listening", "WATCHDOG=1", "STOPPING=1"]


def test_a_name_starting_with_at_is_in_the_abstract_namespace() -> None:
    systemd = SystemdSocket(f"@interpreter-test-{uuid.uuid4().hex}")
    try:
        assert ServiceNotifier.from_environment({"NOTIFY_SOCKET": systemd.address}).watchdog()
        deadline = time.monotonic() + 2.0
        while not systemd.messages and time.monotonic() < deadline:
            time.sleep(0.01)
        assert systemd.said() == ["WATCHDOG=1"]
    finally:
        systemd.close()


def test_outside_systemd_nothing_is_sent_and_nothing_fails(tmp_path: Path) -> None:
    assert not ServiceNotifier.from_environment({}).enabled
    assert not ServiceNotifier.from_environment({}).ready("listening")
    assert not ServiceNotifier.from_environment({"NOTIFY_SOCKET": "relative/path"}).enabled
    gone = ServiceNotifier.from_environment({"NOTIFY_SOCKET": str(tmp_path / "nobody-here")})
    assert gone.enabled and not gone.watchdog()  # a warning in the log, not an exception


def test_the_watchdog_is_only_this_processes_when_systemd_says_so() -> None:
    environ = {"NOTIFY_SOCKET": "/run/systemd/notify", "WATCHDOG_USEC": "30000000"}
    assert ServiceNotifier.from_environment(environ).watchdog_s == 30.0
    mine = ServiceNotifier.from_environment({**environ, "WATCHDOG_PID": "42"}, pid=42)
    assert mine.watchdog_s == 30.0
    anothers = ServiceNotifier.from_environment({**environ, "WATCHDOG_PID": "41"}, pid=42)
    assert anothers.watchdog_s is None
    assert ServiceNotifier.from_environment({**environ, "WATCHDOG_USEC": "0"}).watchdog_s is None


def test_the_watchdog_is_fed_every_half_timeout_while_the_loop_beats_and_not_after(
    systemd,
) -> None:
    clock = ManualClock()
    watchdog = Watchdog(ServiceNotifier(systemd.address, watchdog_s=10.0), clock)
    assert watchdog.interval_s == 5.0
    for _ in range(200):  # 20 s of a loop taking a frame every 0.1 s
        watchdog.beat()
        clock.advance(0.1)
    assert watchdog.fed == 4  # at 0, 5, 10 and 15 s
    clock.advance(60.0)  # the loop is stuck: no beat, no message, however long
    assert watchdog.fed == 4
    watchdog.beat()  # it comes back: fed at once
    assert watchdog.fed == 5


def test_without_a_watchdog_a_beat_sends_nothing(systemd) -> None:
    watchdog = Watchdog(ServiceNotifier(systemd.address, watchdog_s=None), ManualClock())
    watchdog.beat()
    assert watchdog.fed == 0 and watchdog.interval_s is None


class StuckVad(LevelVad):
    """The listener's VAD, stuck for `stuck_s` once the loop has run `after_s`."""

    def __init__(self, after_s: float, stuck_s: float) -> None:
        self.after_windows = int(after_s * RATE / self.window_samples)
        self.stuck_s = stuck_s
        self.windows = 0
        self.stuck_at: float | None = None

    def probabilities(self, samples: np.ndarray) -> np.ndarray:
        self.windows += len(samples) // self.window_samples
        if self.stuck_at is None and self.windows >= self.after_windows:
            self.stuck_at = time.monotonic()
            time.sleep(self.stuck_s)
        return super().probabilities(samples)


@pytest.mark.realtime
def test_a_live_session_says_ready_feeds_the_watchdog_from_its_listener_and_stops(
    systemd,
) -> None:
    """A real session (the models faked) on three seconds of a quiet microphone, its
    listener stuck for a second in the middle: fed every 0.2 s, but not while stuck."""
    clock = MonotonicClock()
    interpreter = Interpreter(
        as_transcriber(SlowWhisper(clock, 0.05)),
        TranslatorChain(Phrasebook.load(), [], clock=clock),
        None,
        clock,
    )
    microphone = Microphone(np.zeros(3 * RATE, np.float32), clock)
    vad = StuckVad(after_s=1.0, stuck_s=1.0)
    service = ServiceNotifier(systemd.address, watchdog_s=0.4)
    session = LiveSession(
        interpreter,
        Endpointer(vad, EndpointerOptions()),
        microphone,
        LiveOptions(parties=Parties("zh", "en")),
        lambda line: None,
        clock,
        service=service,
    )
    started = time.monotonic()
    session.run(until=microphone.done)
    time.sleep(0.1)  # the last datagram on its way

    said = systemd.said()
    assert said[0] == "READY=1\nSTATUS=listening" and said[-1] == "STOPPING=1", said
    fed = systemd.times_of("WATCHDOG=1")
    assert vad.stuck_at is not None
    before = [at for at in fed if at < vad.stuck_at]
    during = [at for at in fed if vad.stuck_at + 0.05 < at < vad.stuck_at + vad.stuck_s - 0.05]
    after = [at for at in fed if at > vad.stuck_at + vad.stuck_s]
    assert len(before) >= 3, (before, vad.stuck_at - started)  # every 0.2 s for a second
    assert during == [], "a stuck listener must starve the watchdog"
    assert after, "fed again once the listener goes on"
    gaps = np.diff(before)
    assert gaps.min() >= 0.19, gaps  # never more often than half the timeout


@pytest.mark.models
@pytest.mark.realtime
def test_interpreter_live_under_a_notify_socket_says_ready_watchdog_and_stopping(
    model_store, systemd, tmp_path: Path
) -> None:
    """The real program on two seconds of silence, as systemd runs it."""
    recording = tmp_path / "quiet.wav"
    write_wav(recording, np.zeros(2 * ASR_SAMPLE_RATE, np.float32), ASR_SAMPLE_RATE)
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "INTERPRETER_MODELS_DIR": str(model_store.root),
        "NOTIFY_SOCKET": systemd.address,
        "WATCHDOG_USEC": "1000000",
    }
    result = subprocess.run(
        [sys.executable, "-m", "interpreter", "live", "--pair", "zh-en",
         "--input-file", str(recording), "--output-file", str(tmp_path / "said.wav")],
        capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    time.sleep(0.1)

    assert result.returncode == 0, result.stderr
    said = systemd.said()
    assert said[0] == "READY=1\nSTATUS=listening", said
    assert said.count("WATCHDOG=1") >= 3, said  # every 0.5 s for over two seconds
    assert said[-1] == "STOPPING=1", said
