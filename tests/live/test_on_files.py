"""Trying the stall without a sound card: `interpreter live` and `interpreter kiosk`
with `--input-file` (a two-party recording as the microphone) and `--output-file` (a
wav as the speaker), end to end with the real models, in real time."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from interpreter.audio.files import ASR_SAMPLE_RATE, read_recording, write_wav
from interpreter.tts.synthesizer import EspeakVoice, PiperVoiceModel
from tests.conftest import needs_espeak, speech

pytestmark = [pytest.mark.models, pytest.mark.realtime, needs_espeak]


@pytest.fixture(scope="module")
def counter_recording(model_store, tmp_path_factory) -> Path:
    """The buyer orders, the merchant asks the price, each waiting for the answer."""
    buyer = PiperVoiceModel(model_store.path("piper-en_US-joe-medium"), "en", vary=False)
    parts = [
        speech(buyer, ("I want to order five hundred pieces.",), pause_s=1.0),
        speech(EspeakVoice("zh", 130), ("这个多少钱？",), pause_s=4.0),
        np.zeros(3 * ASR_SAMPLE_RATE, np.float32),
    ]
    path = tmp_path_factory.mktemp("files") / "counter.wav"
    write_wav(path, np.concatenate(parts), ASR_SAMPLE_RATE)
    return path


def environment(model_store, tmp_path: Path) -> dict[str, str]:
    # HOME without an .asoundrc and no sound card needed: nothing opens PortAudio.
    return {**os.environ, "HOME": str(tmp_path), "INTERPRETER_MODELS_DIR": str(model_store.root)}


def test_live_on_a_recording_interprets_it_in_real_time_and_stops_by_itself(
    model_store, counter_recording, tmp_path
) -> None:
    out = tmp_path / "said.wav"
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "interpreter", "live", "--pair", "zh-en",
         "--input-file", str(counter_recording), "--output-file", str(out), "--trace"],
        capture_output=True, text=True, timeout=240, stdin=subprocess.DEVNULL,
        env=environment(model_store, tmp_path),
    )  # fmt: skip
    took_s = time.monotonic() - started

    assert result.returncode == 0, result.stderr
    traces = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    turns = [t for t in traces if t["status"] not in ("silent", "stale")]
    assert [(t["party"], t["language"]) for t in turns] == [("buyer", "en"), ("merchant", "zh")]
    assert "[zh] 我要订500件" in result.stdout, result.stdout
    assert "the recording is over and every turn answered" in result.stderr
    assert re.search(r"^2 turns; ", result.stderr, re.M), result.stderr
    recording_s = len(read_recording(counter_recording)) / ASR_SAMPLE_RATE
    assert took_s > recording_s  # real time, not as fast as the file reads
    said = read_recording(out)
    assert len(said) / ASR_SAMPLE_RATE > recording_s - 1.0  # the whole session, silences too
    assert float(np.sqrt(np.mean(said**2))) > 0.005  # and the answers in it


def test_the_kiosk_on_a_recording_logs_and_serves_the_turns_until_ctrl_c(
    model_store, counter_recording, tmp_path
) -> None:
    out, log = tmp_path / "said.wav", tmp_path / "deals.sqlite"
    process = subprocess.Popen(
        [sys.executable, "-m", "interpreter", "kiosk", "--pair", "zh-en",
         "--input-file", str(counter_recording), "--output-file", str(out),
         "--log", str(log), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
        env=environment(model_store, tmp_path),
    )  # fmt: skip
    stderr = process.stderr
    assert stderr is not None, "a pipe"
    errors: list[str] = []
    over = threading.Event()

    def watch() -> None:
        for line in stderr:
            errors.append(line)
            if line.startswith("the recording is over"):
                over.set()

    threading.Thread(target=watch, daemon=True).start()
    try:
        assert over.wait(240), "".join(errors)
        assert "Ctrl-C stops" in errors[-1] and process.poll() is None  # the page stays up
        url = re.findall(r"kiosk page: (http://\S+)", "".join(errors))[0]
        with urllib.request.urlopen(url, timeout=10) as page:
            assert page.status == 200
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)

    assert process.returncode == 0, "".join(errors)
    with sqlite3.connect(log) as database:
        query = "SELECT party, transcript FROM turns ORDER BY turn_number"
        rows = database.execute(query).fetchall()
    assert [party for party, _ in rows] == ["buyer", "merchant"], rows
    assert out.exists() and len(read_recording(out)) > ASR_SAMPLE_RATE
