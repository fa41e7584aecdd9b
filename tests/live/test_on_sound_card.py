"""The live runner on the real audio path: PortAudio reading a microphone and writing
a speaker, both ALSA `file` PCMs (the capture plays a prepared two-party recording,
the playback is written to a raw file), driven through `interpreter live` and Ctrl-C.
"""

from __future__ import annotations

import ctypes.util
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from benchmarks.live import asound_config
from interpreter.audio.files import ASR_SAMPLE_RATE, resample
from interpreter.tts.synthesizer import EspeakVoice, PiperVoiceModel
from tests.conftest import needs_espeak, speech

pytestmark = [
    pytest.mark.models,
    pytest.mark.realtime,
    needs_espeak,
    pytest.mark.skipif(ctypes.util.find_library("portaudio") is None, reason="no libportaudio2"),
]

MIC_RATE = 48_000
SPEAKER_RATE = 22_050


def turn_traces(lines: list[str]) -> list[dict]:
    """The trace lines of turns; utterances that left none (silent, stale) have
    lines too."""
    traces = [json.loads(line) for line in lines if line.startswith("{")]
    return [t for t in traces if t["status"] not in ("silent", "stale")]


@pytest.fixture(scope="module")
def counter_exchange(model_store, tmp_path_factory):
    """The buyer orders in English, the merchant greets in Chinese, the buyer asks
    about delivery: 48 kHz 16-bit mono, as a USB microphone would deliver it."""
    buyer = PiperVoiceModel(model_store.path("piper-en_US-joe-medium"), "en", vary=False)
    merchant = EspeakVoice("zh", 130)
    # Each party waits for the translation to be spoken before answering, as at a
    # counter: the device does not listen while it speaks.
    parts = [
        speech(buyer, ("I want to order five hundred pieces.",), pause_s=1.5),
        speech(merchant, ("这个多少钱？",), pause_s=4.0),
        speech(buyer, ("Can you deliver in twenty days?",), pause_s=4.0),
        np.zeros(4 * ASR_SAMPLE_RATE, dtype=np.float32),
    ]
    audio = resample(np.concatenate(parts), ASR_SAMPLE_RATE, MIC_RATE)
    path = tmp_path_factory.mktemp("live") / "counter.raw"
    path.write_bytes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def test_a_two_party_exchange_is_interpreted_through_portaudio(
    model_store, counter_exchange, tmp_path
) -> None:
    played = tmp_path / "played.raw"
    (tmp_path / ".asoundrc").write_text(
        asound_config(counter_exchange, played, MIC_RATE, SPEAKER_RATE)
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "interpreter", "live", "--pair", "zh-en",
         "--input-device", "mic", "--output-device", "spk", "--trace"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
        env={**os.environ, "HOME": str(tmp_path), "INTERPRETER_MODELS_DIR": str(model_store.root)},
    )  # fmt: skip
    stdout = process.stdout
    assert stdout is not None, "a pipe"
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(stdout), daemon=True)
    reader.start()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if len(turn_traces(list(lines))) >= 3:
            break
        time.sleep(0.2)
    time.sleep(2.0)  # let the last translation play out
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    reader.join(timeout=5)

    assert process.returncode == 0, stderr
    traces = turn_traces(lines)
    assert [t["language"] for t in traces] == ["en", "zh", "en"], "".join(lines) + stderr
    assert [t["party"] for t in traces] == ["buyer", "merchant", "buyer"]
    spoken = [line for line in lines if line.lstrip().startswith("->")]
    assert "[zh] 我要订500件" in spoken[0], "".join(lines)
    assert "[en] How much is this?" in spoken[1], "".join(lines)
    assert re.search(r"\[zh\] .*20天", spoken[2]), "".join(lines)
    assert all(t["wait_ms"] is not None for t in traces)
    assert re.search(r"^3 turns; end of speech to first audio out p50 \d+ ms", stderr, re.M), stderr
    pcm = np.frombuffer(played.read_bytes(), dtype="<i2") / 32768.0
    assert len(pcm) > 2 * SPEAKER_RATE, "several seconds of translated speech"
    assert float(np.sqrt(np.mean(pcm**2))) > 0.01


def test_push_to_talk_keys_say_who_speaks(model_store, tmp_path) -> None:
    """Keys on stdin: 2 (buyer) before the English sentence and again after it, then
    1 (merchant) around the Chinese one. The button gives the language, so espeak's
    robotic Mandarin is never mistaken for English."""
    buyer = PiperVoiceModel(model_store.path("piper-en_US-joe-medium"), "en", vary=False)
    english = speech(buyer, ("I want to order five hundred pieces.",), pause_s=1.0)
    chinese = speech(EspeakVoice("zh", 130), ("这个多少钱？",), pause_s=1.0)
    gap = np.zeros(4 * ASR_SAMPLE_RATE, np.float32)
    recording = np.concatenate([english, gap, chinese, gap, np.zeros(30 * ASR_SAMPLE_RATE)])
    mic_raw, played = tmp_path / "counter.raw", tmp_path / "played.raw"
    audio = resample(recording.astype(np.float32), ASR_SAMPLE_RATE, MIC_RATE)
    mic_raw.write_bytes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())
    (tmp_path / ".asoundrc").write_text(asound_config(mic_raw, played, MIC_RATE, SPEAKER_RATE))
    english_s = len(english) / ASR_SAMPLE_RATE
    chinese_from_s = english_s + 4.0
    keys = [  # (seconds into the recording, key): press before speaking, again after
        (0.5, "2"), (english_s - 0.4, "2"),
        (chinese_from_s + 0.5, "1"), (chinese_from_s + len(chinese) / ASR_SAMPLE_RATE - 0.4, "1"),
    ]  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "interpreter", "live", "--pair", "zh-en", "--mode",
         "push-to-talk", "--input-device", "mic", "--output-device", "spk", "--trace"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.PIPE, text=True,
        env={**os.environ, "HOME": str(tmp_path), "INTERPRETER_MODELS_DIR": str(model_store.root)},
    )  # fmt: skip
    stdin, stdout, stderr = process.stdin, process.stdout, process.stderr
    assert stdin is not None and stdout is not None and stderr is not None, "all are pipes"
    errors: list[str] = []
    started = threading.Event()

    def watch_stderr() -> None:
        for line in stderr:
            errors.append(line)
            if line.startswith("push-to-talk:"):
                started.set()

    threading.Thread(target=watch_stderr, daemon=True).start()
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(stdout), daemon=True).start()
    assert started.wait(120), "".join(errors)
    origin = time.monotonic()
    for at_s, key in keys:
        time.sleep(max(0.0, origin + at_s - time.monotonic()))
        stdin.write(key)
        stdin.flush()
    deadline = time.monotonic() + 30
    while len(turn_traces(list(lines))) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(2.0)
    process.send_signal(signal.SIGINT)
    process.wait(timeout=60)

    assert process.returncode == 0, "".join(errors)
    traces = turn_traces(lines)
    assert [(t["party"], t["language"]) for t in traces] == [("buyer", "en"), ("merchant", "zh")]
    spoken = [line for line in lines if line.lstrip().startswith("->")]
    assert "[zh] 我要订500件" in spoken[0], "".join(lines)
    assert "[en]" in spoken[1], "".join(lines)


def test_a_microphone_that_is_not_there_is_retried_then_one_line(model_store, tmp_path) -> None:
    nowhere = Path("/dev/null")
    (tmp_path / ".asoundrc").write_text(asound_config(nowhere, nowhere, 16_000, 16_000))
    result = subprocess.run(
        [sys.executable, "-m", "interpreter", "live", "--pair", "zh-en",
         "--input-device", "Blue Yeti", "--output-device", "spk"],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        env={**os.environ, "HOME": str(tmp_path), "INTERPRETER_MODELS_DIR": str(model_store.root)},
    )  # fmt: skip
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    retries = [line for line in result.stderr.splitlines() if "retrying in 2 s" in line]
    assert len(retries) == 5 and "no input device matches 'Blue Yeti'" in retries[0]
    last = result.stderr.strip().splitlines()[-1]
    assert "sound input 'Blue Yeti' is not available" in last and "--input-device" in last
