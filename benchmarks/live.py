"""Live replay: a two-party exchange played through the real audio path in real time.

`interpreter live` runs as it would at the stall, with PortAudio reading an ALSA
`file` PCM that replays the recording (paced to the clock by the microphone reader)
and writing the speaker to another; `--trace` gives, for every utterance, the first
audio out in ms after the end of speech (the end of the last window the endpointer
heard as voice) and after the endpointer's decision. The headline is the first: the
listener's wait, endpoint wait included. A `file` PCM has no clock of its own, so this
is the device's own account; benchmarks/room.py times the same thing on a real sound
server, in a recording of the room.

Each turn of the exchange is matched to its trace line (in order, by the length of
the utterance). Only turns heard as the right party with audio out are timed; the
others are counted, not hidden: `misheard_party` (the language said the other
party), `no_audio` (a turn with text only, cut, or never played), `silent` (no
words heard), `stale` (dropped) and `missed` (no utterance at all). The peak resident
memory of the live process is read just before Ctrl-C.

    .venv/bin/python -m benchmarks.live          # about two minutes
"""

from __future__ import annotations

import argparse
import os
import signal
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.common.exchange import EXCHANGE, match_traces
from benchmarks.common.liveproc import console_lines, follow, start_live, traces_in
from benchmarks.common.memory import memory_mb
from benchmarks.common.models import ASR_MODEL, ENGLISH_VOICE, english_voice, store_for_live
from benchmarks.common.results import RESULTS_DIR, save_result
from benchmarks.scoring import percentiles
from interpreter.asr.vad import Endpointer, EndpointerOptions, split_utterances
from interpreter.audio.files import ASR_SAMPLE_RATE, resample
from interpreter.core.vocabulary import Status
from interpreter.store import ModelStore
from interpreter.tts.synthesizer import EspeakVoice, Voice
from interpreter.turn.stages import build_vad

MIC_RATE = 48_000
SPEAKER_RATE = 22_050
TURN_GAP_S = 5.0
# Trace statuses of utterances that left no turn.
DROPPED = (Status.SILENT, Status.STALE)


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
    voices: dict[str, Voice] = {"en": english_voice(store), "zh": EspeakVoice("zh", 130)}
    gap = np.zeros(int(TURN_GAP_S * ASR_SAMPLE_RATE), np.float32)
    parts: list[np.ndarray] = [gap[:ASR_SAMPLE_RATE]]
    for _, language, sentence in EXCHANGE:
        voice = voices[language]
        for audio in voice.speak(sentence):
            parts.append(0.8 * resample(audio, voice.sample_rate, ASR_SAMPLE_RATE))
        parts.append(gap)
    one_round = np.concatenate(parts[1:])
    return np.concatenate([parts[0], *[one_round] * rounds]).astype(np.float32)


@dataclass(frozen=True)
class SpokenTurn:
    """One sentence of the recording as the endpointer cuts it, offline."""

    party: str
    language: str
    text: str
    utterance_s: float
    # From the last voiced sample (above -50 dBFS) to the end of the utterance (the
    # silence the endpointer keeps).
    tail_ms: float


def spoken_turns(store: ModelStore, recording: np.ndarray, rounds: int) -> list[SpokenTurn]:
    """The recording cut by the endpointer the live run uses (same VAD, same silence),
    one utterance per sentence of the exchange."""
    endpointer = Endpointer(build_vad(store), EndpointerOptions())
    utterances = split_utterances(recording, endpointer)
    expected = [turn for _ in range(rounds) for turn in EXCHANGE]
    if len(utterances) != len(expected):
        raise SystemExit(
            f"the endpointer cut the recording into {len(utterances)} utterances, "
            f"not {len(expected)}: the exchange's pauses are too short"
        )
    turns = []
    for (party, language, text), utterance in zip(expected, utterances, strict=True):
        voiced = np.flatnonzero(np.abs(utterance.samples) > 10 ** (-50 / 20))
        last_s = (voiced[-1] + 1) / utterance.sample_rate if len(voiced) else 0.0
        tail_ms = round(1000.0 * float(utterance.duration_s - last_s), 1)
        turns.append(SpokenTurn(party, language, text, round(utterance.duration_s, 2), tail_ms))
    return turns


def outcome(turn: SpokenTurn, trace: dict | None) -> str:
    """`timed`, or why the turn is not in the latency figures."""
    if trace is None:
        return "missed"
    if trace["status"] in DROPPED:
        return trace["status"]
    if trace["party"] != turn.party:
        return "misheard_party"
    if trace["ms_after_speech_end"]["first_audio_out"] is None:
        return "no_audio"
    return "timed"


def run(store: ModelStore, work: Path, log, rounds: int = 1) -> dict:
    """`rounds` > 1 repeats the exchange: a longer session shows whether latency or
    memory creep up over time."""
    recording = exchange_audio(store, rounds)
    turns = spoken_turns(store, recording, rounds)
    expected = len(turns)
    mic_raw, speaker_raw = work / "exchange.raw", work / "spoken.raw"
    # Trailing silence beyond the session: at the end of its file ALSA repeats the
    # last chunk it read.
    padded = np.concatenate([recording, np.zeros(30 * ASR_SAMPLE_RATE, np.float32)])
    write_raw(padded, MIC_RATE, mic_raw)
    (work / ".asoundrc").write_text(asound_config(mic_raw, speaker_raw, MIC_RATE, SPEAKER_RATE))
    env = {**os.environ, "HOME": str(work), "INTERPRETER_MODELS_DIR": str(store.root)}
    process = start_live(env, "--input-device", "mic", "--output-device", "spk")
    lines: list[str] = []
    reader = follow(process.stdout, lines)
    log(f"replaying {len(recording) / ASR_SAMPLE_RATE:.0f} s of a two-party exchange ...")
    started = time.monotonic()
    deadline = started + 120 + len(recording) / ASR_SAMPLE_RATE
    resident: list[tuple[float, float | None]] = []
    while time.monotonic() < deadline and process.poll() is None:
        if match_traces(turns, traces_in(list(lines)))[-1] is not None:
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
    traces = traces_in(lines)
    matched = match_traces(turns, traces)
    outcomes = [outcome(turn, trace) for turn, trace in zip(turns, matched, strict=True)]
    timed = [index for index, result in enumerate(outcomes) if result == "timed"]

    def figures(indices: list[int]) -> dict:
        traced = [(turns[i], matched[i]) for i in indices]
        after_end = [t["ms_after_speech_end"]["first_audio_out"] for _, t in traced if t]
        waits = [t["wait_ms"] for _, t in traced if t]
        tails = [turn.tail_ms for turn, _ in traced]
        return {
            "first_audio_ms": percentiles(after_end),
            "first_audio_ms_after_endpoint": percentiles(waits),
            "utterance_tail_ms": percentiles(tails),
        }

    size = len(EXCHANGE)
    by_round = [
        figures([i for i in timed if start <= i < start + size])["first_audio_ms"]
        for start in range(0, expected, size)
    ]
    stderr_lines = stderr.strip().splitlines()
    return {
        "rounds": rounds,
        "turns_expected": expected,
        "utterances_traced": len(traces),
        "turns_timed": len(timed),
        **{name: outcomes.count(name) for name in OUTCOMES},
        **figures(timed),
        "first_audio_ms_by_round": by_round,
        "peak_rss_mb": peak,
        "rss_mb_over_time_s": resident,
        "models_line": next((line for line in stderr_lines if line.startswith("models:")), ""),
        "summary_line": stderr_lines[-1] if stderr_lines else "",
        "turns": [
            {
                "party": turn.party,
                "text": turn.text,
                "outcome": result,
                "heard_as": trace["party"] if trace else None,
                "language": trace.get("language") if trace else None,
                "utterance_s": turn.utterance_s,
                "tail_ms": turn.tail_ms,
            }
            for turn, trace, result in zip(turns, matched, outcomes, strict=True)
        ],
        # What was heard and said: the transcript and translation lines of the console.
        "console": console_lines(lines),
        "traces": traces,
    }


OUTCOMES = ("misheard_party", "no_audio", Status.SILENT.value, Status.STALE.value, "missed")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=1, help="repeat the exchange N times")
    parser.add_argument("--label", default="", help="added to the result file name")
    args = parser.parse_args(argv)
    store = store_for_live(args.models_dir)
    with tempfile.TemporaryDirectory(prefix="interpreter-live-") as temporary:
        result = run(store, Path(temporary), print, max(1, args.rounds))
    fields = {
        "models": {
            "asr": ASR_MODEL,
            "translation": "phrasebook, else Whisper's own (no translation weights here)",
            "voices": {"en": ENGLISH_VOICE, "zh": "espeak-ng cmn-latn-pinyin"},
        },
        "exchange": [
            {"party": party, "language": language, "text": text}
            for party, language, text in EXCHANGE
        ],
        **result,
    }
    benchmark = "live replay: end of speech to first audio out, real audio path"
    path = save_result("live", benchmark, __doc__, fields, args.out_dir, args.label)
    spread = result["first_audio_ms"]
    endpoint = result["first_audio_ms_after_endpoint"]
    lost = ", ".join(f"{result[name]} {name}" for name in OUTCOMES)
    print(
        f"{result['turns_timed']}/{result['turns_expected']} turns timed ({lost}); "
        f"end of speech to first audio out p50 {spread['p50']} ms, p95 {spread['p95']} ms "
        f"(after the endpoint p50 {endpoint['p50']} ms, p95 {endpoint['p95']} ms); "
        f"peak RSS {result['peak_rss_mb']} MB; wrote {path}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
