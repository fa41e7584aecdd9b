"""Live replay: a two-party exchange played through the real audio path in real time.

`interpreter live` runs as it would at the stall, with PortAudio reading an ALSA
`file` PCM that replays the recording (paced to the clock by the microphone reader)
and writing the speaker to another; `--trace` gives each turn's end of speech to
first audio out. The peak resident memory of that process is read just before Ctrl-C.

    .venv/bin/python -m benchmarks.live          # about a minute and a half
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from benchmarks.latency import RESULTS_DIR, machine, machine_slug, write_json
from benchmarks.scoring import percentiles
from interpreter.audio.files import ASR_SAMPLE_RATE, resample
from interpreter.store import ModelStore, default_store_dir, load_catalog
from interpreter.tts import EspeakVoice, PiperVoiceModel

MIC_RATE = 48_000
SPEAKER_RATE = 22_050
ENGLISH_VOICE = "piper-en_US-joe-medium"
# (party, language, sentence); each party waits for the translation before answering.
EXCHANGE = (
    ("buyer", "en", "Hello, how much is this?"),
    ("merchant", "zh", "这个多少钱？"),
    ("buyer", "en", "I want to order five hundred pieces."),
    ("merchant", "zh", "你要多少？"),
    ("buyer", "en", "Can you deliver in twenty days?"),
    ("merchant", "zh", "可以。"),
)
TURN_GAP_S = 5.0


def asound_config(mic_raw: Path, speaker_raw: Path, mic_rate: int, speaker_rate: int) -> str:
    """ALSA devices `mic` (replays `mic_raw`) and `spk` (records to `speaker_raw`), both
    16-bit mono: the format must match end to end, as ALSA's converters drop frames
    on the file plugin's capture path."""

    def plug(name: str, slave: str, rate: int) -> str:
        return (
            f"pcm.{name} {{ type plug slave {{ pcm {slave} format S16_LE channels 1 "
            f"rate {rate} }} }}\n"
        )

    return (
        plug("mic", "micfile", mic_rate)
        + f'pcm.micfile {{ type file slave.pcm "null" file "/dev/null" infile "{mic_raw}" '
        + 'format "raw" }\n'
        + plug("spk", "spkfile", speaker_rate)
        + f'pcm.spkfile {{ type file slave.pcm "null" file "{speaker_raw}" format "raw" }}\n'
    )


def write_raw(samples: np.ndarray, rate: int, path: Path) -> None:
    audio = resample(samples, ASR_SAMPLE_RATE, rate)
    path.write_bytes((np.clip(audio, -1.0, 1.0) * 32767).astype("<i2").tobytes())


def exchange_audio(store: ModelStore, rounds: int = 1) -> np.ndarray:
    english = PiperVoiceModel(store.path(ENGLISH_VOICE), "en", ENGLISH_VOICE, vary=False)
    voices = {"en": english, "zh": EspeakVoice("zh", 130)}
    gap = np.zeros(int(TURN_GAP_S * ASR_SAMPLE_RATE), np.float32)
    parts = [gap[:ASR_SAMPLE_RATE]]
    for _, language, sentence in EXCHANGE:
        voice = voices[language]
        for audio in voice.speak(sentence):
            parts.append(0.8 * resample(audio, voice.sample_rate, ASR_SAMPLE_RATE))
        parts.append(gap)
    one_round = np.concatenate(parts[1:])
    return np.concatenate([parts[0], *[one_round] * rounds]).astype(np.float32)


def memory_mb(pid: int, field: str = "VmHWM") -> float | None:
    """The process's peak (VmHWM) or current (VmRSS) resident memory."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    line = next((line for line in status.splitlines() if line.startswith(f"{field}:")), None)
    return round(int(line.split()[1]) / 1024.0, 1) if line else None


def run(store: ModelStore, work: Path, log, rounds: int = 1) -> dict:
    """`rounds` > 1 repeats the exchange: a longer session shows whether latency or
    memory creep up over time."""
    recording = exchange_audio(store, rounds)
    expected = len(EXCHANGE) * rounds
    mic_raw, speaker_raw = work / "exchange.raw", work / "spoken.raw"
    # Trailing silence beyond the session: at the end of its file ALSA repeats the
    # last chunk it read.
    padded = np.concatenate([recording, np.zeros(30 * ASR_SAMPLE_RATE, np.float32)])
    write_raw(padded, MIC_RATE, mic_raw)
    (work / ".asoundrc").write_text(asound_config(mic_raw, speaker_raw, MIC_RATE, SPEAKER_RATE))
    command = [
        sys.executable, "-m", "interpreter", "live", "--pair", "zh-en",
        "--input-device", "mic", "--output-device", "spk", "--trace",
    ]  # fmt: skip
    env = {**os.environ, "HOME": str(work), "INTERPRETER_MODELS_DIR": str(store.root)}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        text=True, env=env,
    )  # fmt: skip
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    log(f"replaying {len(recording) / ASR_SAMPLE_RATE:.0f} s of a two-party exchange ...")
    started = time.monotonic()
    deadline = started + 120 + len(recording) / ASR_SAMPLE_RATE
    resident: list[tuple[float, float | None]] = []
    while time.monotonic() < deadline and process.poll() is None:
        if sum(line.startswith("{") for line in lines) >= expected:
            break
        if not resident or time.monotonic() - started - resident[-1][0] >= 5.0:
            resident.append((round(time.monotonic() - started, 1), memory_mb(process.pid, "VmRSS")))
        time.sleep(0.2)
    time.sleep(TURN_GAP_S)  # the last translation plays out
    peak = memory_mb(process.pid)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    reader.join(timeout=5)
    if process.returncode != 0:
        raise SystemExit(f"interpreter live failed ({process.returncode}): {stderr.strip()}")
    traces = [json.loads(line) for line in lines if line.startswith("{")]
    waits = [t["wait_ms"] for t in traces if t["wait_ms"] is not None]
    per_round = [
        percentiles([t["wait_ms"] for t in traces[i : i + len(EXCHANGE)] if t["wait_ms"]])
        for i in range(0, len(traces), len(EXCHANGE))
    ]
    return {
        "rounds": rounds,
        "turns_expected": expected,
        "turns": len(traces),
        "first_audio_ms": percentiles(waits),
        "first_audio_ms_by_round": per_round,
        "peak_rss_mb": peak,
        "rss_mb_over_time_s": resident,
        "summary_line": stderr.strip().splitlines()[-1] if stderr.strip() else "",
        "traces": traces,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=1, help="repeat the exchange N times")
    parser.add_argument("--label", default="", help="added to the result file name")
    args = parser.parse_args(argv)
    store = ModelStore(args.models_dir or default_store_dir(), load_catalog())
    for name in ("whisper-base", ENGLISH_VOICE):
        if not store.is_installed(name):
            store.fetch(name)
    with tempfile.TemporaryDirectory(prefix="interpreter-live-") as temporary:
        result = run(store, Path(temporary), print, max(1, args.rounds))
    description = machine()
    now = datetime.datetime.now(datetime.timezone.utc)
    document = {
        "benchmark": "live replay: end of speech to first audio out, real audio path",
        "created_at": now.isoformat(timespec="seconds"),
        "machine": description,
        "method": __doc__.split("\n\n", 1)[1].strip(),
        "models": {
            "asr": "whisper-base",
            "translation": "phrasebook, else Whisper's own (no translation weights here)",
            "voices": {"en": ENGLISH_VOICE, "zh": "espeak-ng cmn-latn-pinyin"},
        },
        "exchange": [
            {"party": party, "language": language, "text": text}
            for party, language, text in EXCHANGE
        ],
        **result,
    }
    args.out_dir.mkdir(parents=True, exist_ok=True)
    label = f"-{args.label}" if args.label else ""
    path = args.out_dir / f"{now:%Y-%m-%d}-{machine_slug(description)}-live{label}.json"
    write_json(document, path)
    spread = result["first_audio_ms"]
    print(
        f"{result['turns']}/{result['turns_expected']} turns; "
        f"first audio out p50 {spread['p50']} ms, p95 {spread['p95']} ms; "
        f"peak RSS {result['peak_rss_mb']} MB; wrote {path}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
