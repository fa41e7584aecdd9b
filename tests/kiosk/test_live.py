"""`interpreter kiosk` end to end: the real program, real models, the real audio path
(PortAudio on ALSA file PCMs: the microphone plays a prepared recording), the real
SQLite deal log, and the page in a real headless Chromium pressing its buttons.
"""

from __future__ import annotations

import ctypes.util
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

import numpy as np
import pytest

from benchmarks.live import asound_config
from interpreter.audio.files import ASR_SAMPLE_RATE, resample
from interpreter.deals.log import DealLog
from interpreter.tts.synthesizer import EspeakVoice, PiperVoiceModel
from tests.conftest import needs_espeak, speech
from tests.kiosk.test_browser import CHROMIUM, CHROMIUM_ARGS, KIOSK, half, screenshot

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extra")
expect = sync_api.expect

pytestmark = [
    pytest.mark.models,
    pytest.mark.realtime,
    needs_espeak,
    pytest.mark.skipif(ctypes.util.find_library("portaudio") is None, reason="no libportaudio2"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium"),
]

MIC_RATE = 48_000
SPEAKER_RATE = 22_050
# Silence before the first words: time for the page to open and connect.
LEAD_S = 4.0
GAP_S = 5.0


class Kiosk:
    """The kiosk as a subprocess, its stderr watched for what it announces."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "interpreter", "kiosk", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
            text=True, env=env,
        )  # fmt: skip
        self.errors: list[str] = []
        self.lines: list[str] = []
        self.url: str | None = None
        self.listening = threading.Event()
        # When the microphone started: the recording plays from then on.
        self.listening_since = 0.0
        self.page_ready = threading.Event()
        stdout, stderr = self.process.stdout, self.process.stderr
        assert stdout is not None and stderr is not None, "both are pipes"
        threading.Thread(target=self._watch, args=(stderr,), daemon=True).start()
        threading.Thread(target=lambda: self.lines.extend(stdout), daemon=True).start()

    def _watch(self, stderr: IO[str]) -> None:
        for line in stderr:
            self.errors.append(line)
            found = re.search(r"kiosk page: (\S+)", line)
            if found:
                self.url = found.group(1)
                self.page_ready.set()
            if line.startswith("push-to-talk:"):
                self.listening_since = time.monotonic()
                self.listening.set()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGABRT)
        self.process.wait(timeout=30)
        time.sleep(1)


@pytest.fixture(scope="module")
def exchange(model_store, tmp_path_factory):
    """The buyer orders in English, the merchant asks back in Chinese."""
    buyer = PiperVoiceModel(model_store.path("piper-en_US-joe-medium"), "en", vary=False)
    english = speech(buyer, ("I want to order five hundred pieces.",), pause_s=0.3)
    chinese = speech(EspeakVoice("zh", 130), ("你要多少个？",), pause_s=0.3)
    lead = np.zeros(int(LEAD_S * ASR_SAMPLE_RATE), np.float32)
    gap = np.zeros(int(GAP_S * ASR_SAMPLE_RATE), np.float32)
    tail = np.zeros(60 * ASR_SAMPLE_RATE, np.float32)
    recording = np.concatenate([lead, english, gap, chinese, tail])
    path = tmp_path_factory.mktemp("kiosk") / "counter.raw"
    audio = resample(recording, ASR_SAMPLE_RATE, MIC_RATE)
    path.write_bytes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())
    english_s, chinese_s = len(english) / ASR_SAMPLE_RATE, len(chinese) / ASR_SAMPLE_RATE
    # (party, press at, release at), in seconds from the start of the recording.
    presses = [
        ("buyer", LEAD_S, LEAD_S + english_s - 0.1),
        ("merchant", LEAD_S + english_s + GAP_S, LEAD_S + english_s + GAP_S + chinese_s - 0.1),
    ]
    return path, presses


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_press_on_the_page_drives_a_turn_both_parties_read(
    model_store, exchange, tmp_path: Path
) -> None:
    recording, presses = exchange
    (tmp_path / ".asoundrc").write_text(
        asound_config(recording, tmp_path / "played.raw", MIC_RATE, SPEAKER_RATE)
    )
    log_path = tmp_path / "deals.sqlite"
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "INTERPRETER_MODELS_DIR": str(model_store.root),
        # A kiosk that hangs prints every thread's stack when the test aborts it.
        "PYTHONFAULTHANDLER": "1",
    }
    kiosk = Kiosk(
        ["--pair", "zh-en", "--input-device", "mic", "--output-device", "spk", "--port", "0",
         "--lan", "--log", str(log_path)],
        env,
    )  # fmt: skip
    try:
        assert kiosk.page_ready.wait(180), "".join(kiosk.errors)
        assert kiosk.url is not None and "token=" in kiosk.url
        bare = kiosk.url.split("?")[0]
        assert status_of(bare) == 403, "with --lan the pairing token is required"
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_context(viewport=KIOSK).new_page()
            page.goto(kiosk.url)
            expect(page.locator("body")).to_have_attribute("data-connected", "1")
            assert kiosk.listening.wait(60), "".join(kiosk.errors)
            origin = kiosk.listening_since
            merchant, buyer = half(page, "merchant"), half(page, "buyer")
            for party, down_s, up_s in presses:
                box = half(page, party).locator("[data-role=talk]").bounding_box()
                page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                page.wait_for_timeout(max(0.0, origin + down_s - time.monotonic()) * 1000)
                page.mouse.down()
                page.wait_for_timeout(max(0.0, origin + up_s - time.monotonic()) * 1000)
                page.mouse.up()

            # The buyer's English reaches the merchant's half in Chinese, numbers large.
            heard = merchant.locator(".turn").first
            expect(heard.locator(".big")).to_contain_text("我要订500件", timeout=60_000)
            expect(heard.locator(".num b")).to_have_text(["500件"])
            expect(buyer.locator(".turn").first.locator(".num b")).to_have_text(["500 pieces"])
            # The merchant's Chinese reaches the buyer's half in English.
            answer = buyer.locator(".turn").nth(1)
            expect(answer.locator(".big")).to_contain_text("How many", timeout=60_000)
            expect(answer.locator(".who")).to_contain_text("Merchant")
            screenshot(page, "kiosk-live-1024x600.png")

            page.reload()
            expect(page.locator("body")).to_have_attribute("data-connected", "1")
            expect(merchant.locator(".turn")).to_have_count(2)
            browser.close()

        # A power cut: the process dies at once, and every finished turn is on record.
        kiosk.process.send_signal(signal.SIGKILL)
        kiosk.process.wait(timeout=30)
    finally:
        kiosk.stop()
        print("".join(kiosk.lines), "".join(kiosk.errors))  # shown when the test fails
    with DealLog.open(log_path, create=False) as log:
        turns = log.turns("latest")
    assert [(t.party, t.source_language, t.target_language) for t in turns] == [
        ("buyer", "en", "zh"),
        ("merchant", "zh", "en"),
    ]
    assert turns[0].numbers == ("500件",) and turns[0].numbers_said == ("500 pieces",)
    assert "500件" in turns[0].translation
