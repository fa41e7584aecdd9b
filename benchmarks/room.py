"""The room: `interpreter live` at a counter on a real sound server, timed as a buyer waits.

The parties' recordings play into the room's sink (benchmarks/roombed.py), the
device listens to its monitor and speaks into it, and one recording of the monitor
holds everything on one clock. Per turn:

- **room**: from the last voiced sample of the party's clip (the last sample above
  -50 dBFS, known from the clip) to the first sample of the device's voice after it
  (the recording less the parties' stream, aligned on that turn by
  cross-correlation; above -50 dBFS). No device sound before the next party speaks
  is a miss, counted as infinitely slow, never dropped. A turn whose clip does not
  cancel exactly (the parties' stream slipped inside it) cannot be timed by the room:
  it is counted as `unaligned`.
- **trace**: the device's own figure for the same turn (`first_audio_out` after the
  end of speech in its `--trace` line), on its own clock.
- **underruns**: ALSA's "underrun occurred" lines on the device's stderr, and the
  speaker's own count in its summary line.
- **holes**: runs of digital silence of 30 ms or more inside an answer spoken by the
  Piper voice (English, to the buyer). Piper never makes one (espeak-ng, the
  fallback voice of the Chinese answers, makes 44 ms ones between syllables, so those
  answers are not checked): each one is the speaker starving.

    python -m benchmarks.room --minutes 5       # the acceptance run
    python -m benchmarks.room --turns 4         # a quick look
    python -m benchmarks.room --turns 24 --endpoint words   # the sentence-aware endpoint
"""

from __future__ import annotations

import argparse
import itertools
import math
import re
import signal
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from benchmarks.common.exchange import EXCHANGE, match_traces
from benchmarks.common.liveproc import console_lines, follow, start_live, traces_in
from benchmarks.common.memory import memory_mb
from benchmarks.common.models import ENGLISH_VOICE, english_voice, store_for_live
from benchmarks.common.results import RESULTS_DIR, save_result
from benchmarks.roombed import ROOM_RATE_HZ, Room, device_track
from benchmarks.scoring import percentiles
from benchmarks.zhbaker import BakerVoice, baker_available
from interpreter.asr.vad import Endpointer, EndpointerOptions, split_utterances
from interpreter.audio.files import ASR_SAMPLE_RATE, resample, to_int16
from interpreter.store import ModelStore
from interpreter.tts.synthesizer import EspeakVoice, Voice
from interpreter.turn.stages import build_vad

VOICED_DBFS = -50.0
HOLE_MS = 30.0
# Each turn is aligned on its stretch of the stream from this long before the clip's
# last voiced sample (and must cancel there exactly).
ALIGN_LEAD = ROOM_RATE_HZ // 4
# After a clip, the device has this long to answer before the next party speaks.
ANSWER_WINDOW_S = 6.0
LEAD_IN_S = 2.0
CLIP_GAIN = 0.6
# What alsa-lib prints when a stream ran dry (snd_pcm_recover).
UNDERRUN = re.compile(r"underrun occurred")


@dataclass(frozen=True)
class Clip:
    party: str
    language: str
    text: str
    samples: np.ndarray  # int16 at 16 kHz, the voice alone
    # Where the last voiced sample lies in the clip, and how long the endpointer's
    # utterance of it is (to match the device's trace line).
    last_voiced: int
    utterance_s: float


def voiced_end(samples: np.ndarray, dbfs: float = VOICED_DBFS) -> int:
    """The index just past the last sample above `dbfs` (0 if none)."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > 32768 * 10 ** (dbfs / 20))
    return int(loud[-1]) + 1 if len(loud) else 0


def merchant_voice() -> Voice:
    """The natural Mandarin test voice where shared/voices/zh-baker is beside the
    checkout, else espeak-ng's robotic one (the room's timing needs either)."""
    return BakerVoice() if baker_available() else EspeakVoice("zh", 130)


def make_clips(store: ModelStore, count: int, merchant: Voice) -> list[Clip]:
    """`count` turns of the two-party exchange (benchmarks/live.py), in order, round
    after round, the merchant's in the voice given."""
    voices: dict[str, Voice] = {"en": english_voice(store), "zh": merchant}
    endpointer = Endpointer(build_vad(store), EndpointerOptions())
    rendered: dict[str, Clip] = {}
    clips = []
    for party, language, text in itertools.islice(itertools.cycle(EXCHANGE), count):
        if text not in rendered:
            voice = voices[language]
            audio = np.concatenate(list(voice.speak(text)))
            audio = CLIP_GAIN * resample(audio, voice.sample_rate, ASR_SAMPLE_RATE)
            samples = to_int16(audio)
            padded = np.concatenate(
                [np.zeros(8000, np.float32), audio, np.zeros(16000, np.float32)]
            )
            utterances = split_utterances(padded.astype(np.float32), endpointer)
            utterance_s = utterances[0].duration_s if len(utterances) == 1 else 0.0
            rendered[text] = Clip(party, language, text, samples, voiced_end(samples), utterance_s)
        clips.append(rendered[text])
    return clips


def party_track(clips: list[Clip], tone: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """The parties' turns over room tone, each followed by the device's time to
    answer; and where each clip starts in the track."""
    answer = int(ANSWER_WINDOW_S * ROOM_RATE_HZ)
    starts, position = [], int(LEAD_IN_S * ROOM_RATE_HZ)
    for clip in clips:
        starts.append(position)
        position += len(clip.samples) + answer
    track = tone[:position].astype(np.int32)
    for clip, start in zip(clips, starts, strict=True):
        track[start : start + len(clip.samples)] += clip.samples
    return np.clip(track, -32768, 32767).astype(np.int16), starts


def silent_runs_ms(samples: np.ndarray) -> list[float]:
    """Runs of exact digital silence inside `samples` (not at either end), in ms."""
    quiet = np.concatenate([[0], (samples == 0).astype(np.int8), [0]])
    edges = np.diff(quiet)
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    inner = [(s, e) for s, e in zip(starts, ends, strict=True) if s > 0 and e < len(samples)]
    return [1000.0 * (e - s) / ROOM_RATE_HZ for s, e in inner]


def answer_of(track: np.ndarray, after: int) -> tuple[int, int] | None:
    """The device's answer in a turn's device track: from its first sample above
    -50 dBFS after `after` to its last one (None: no answer, a miss)."""
    threshold = 32768 * 10 ** (VOICED_DBFS / 20)
    loud = np.flatnonzero(np.abs(track[after:]) > threshold)
    if not len(loud):
        return None
    return after + int(loud[0]), after + int(loud[-1]) + 1


@dataclass(frozen=True)
class TurnResult:
    party: str
    text: str
    # Last voiced sample to the device's first sample: in the room's recording, and
    # as the device's trace line says (None: no answer / no line).
    room_ms: float | None
    trace_ms: float | None
    trace_status: str | None
    answer_s: float | None
    # Digital silences of HOLE_MS or more inside a Piper answer (None: not checked).
    holes_ms: tuple[float, ...] | None
    alignment_offset_samples: int
    # False: the parties' clip did not cancel out of the recording (a stream slipped
    # inside this turn), so the room cannot time it; it is counted, not timed.
    aligned: bool = True

    @property
    def disagreement_ms(self) -> float | None:
        """How far the trace's clock is from the room's on this turn."""
        if self.room_ms is None or self.trace_ms is None:
            return None
        return round(self.trace_ms - self.room_ms, 1)


def analyse(
    clips: list[Clip], starts: list[int], track_at: int, parties: np.ndarray,
    recording: np.ndarray, traces: list[dict],
) -> list[TurnResult]:  # fmt: skip
    """The room's latency, the trace's and the holes, turn by turn."""
    matched = match_traces(clips, traces)
    ends = [track_at + start for start in starts[1:]] + [len(parties)]
    results, offset = [], 0
    for clip, start, end, trace in zip(clips, starts, ends, matched, strict=True):
        # Aligned from just before the clip's end: the turn's own stretch of the stream.
        lead = min(clip.last_voiced, ALIGN_LEAD)
        first = track_at + start + clip.last_voiced - lead
        device, offset = device_track(parties, recording, first, end, offset)
        aligned = not np.abs(device[:lead]).any()  # the clip's tail cancelled exactly
        answer = answer_of(device, lead) if aligned else None
        holes = None
        if answer is not None and clip.language == "zh":  # answered in English, by Piper
            runs = silent_runs_ms(device[answer[0] : answer[1]])
            holes = tuple(round(ms, 1) for ms in runs if ms >= HOLE_MS)
        results.append(
            TurnResult(
                party=clip.party,
                text=clip.text,
                room_ms=None if answer is None else round(ms_between(lead, answer[0]), 1),
                trace_ms=trace["ms_after_speech_end"].get("first_audio_out") if trace else None,
                trace_status=trace["status"] if trace else None,
                answer_s=None if answer is None else round(ms_between(*answer) / 1000.0, 2),
                holes_ms=holes,
                alignment_offset_samples=offset,
                aligned=aligned,
            )
        )
    return results


def ms_between(first: int, last: int) -> float:
    return 1000.0 * (last - first) / ROOM_RATE_HZ


def summarise(results: list[TurnResult]) -> dict:
    """Misses enter the percentiles as infinitely slow."""

    def times(values: list[float | None]) -> list[float]:
        return [math.inf if value is None else value for value in values]

    differences = [r.disagreement_ms for r in results if r.disagreement_ms is not None]
    checked = [r.holes_ms for r in results if r.holes_ms is not None]
    return {
        "turns": len(results),
        "misses": sum(r.room_ms is None and r.aligned for r in results),
        "unaligned": sum(not r.aligned for r in results),
        "room_ms": percentiles(times([r.room_ms for r in results if r.aligned])),
        "trace_ms": percentiles(times([r.trace_ms for r in results if r.aligned])),
        "trace_minus_room_ms_p50": (
            round(float(np.median(differences)), 1) if differences else None
        ),
        "trace_minus_room_abs_ms_max": (max(abs(d) for d in differences) if differences else None),
        "answers_checked_for_holes": len(checked),
        "holes": sum(len(holes) for holes in checked),
    }


# The stall config each endpoint runs with: the fixed pause (the default), or the
# sentence-aware endpoint (live/turn_end.py) with its default pauses.
ENDPOINTS = {"fixed": "", "words": "[endpoint]\nenabled = true\n"}


def run(store: ModelStore, work: Path, turns: int, endpoint: str = "fixed", log=print) -> dict:
    """Play `turns` turns of the exchange in the room with `interpreter live` listening."""
    merchant = merchant_voice()
    clips = make_clips(store, turns, merchant)
    with Room(work) as room:
        answers = len(clips) * int(ANSWER_WINDOW_S * ROOM_RATE_HZ)
        length = int(LEAD_IN_S * ROOM_RATE_HZ) + sum(len(c.samples) for c in clips) + answers
        track, starts = party_track(clips, room.tone(length))
        env = {**room.environment(), "INTERPRETER_MODELS_DIR": str(store.root)}
        config = work / "stall.toml"
        config.write_text(ENDPOINTS[endpoint], encoding="utf-8")
        process = start_live(env, "--config", str(config))
        out: list[str] = []
        err: list[str] = []
        try:
            readers = [follow(process.stdout, out), follow(process.stderr, err)]
            deadline = time.monotonic() + 180
            while not any(line.startswith("listening for") for line in err):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(
                        f"interpreter live did not start: {''.join(err).strip()[-500:]}"
                    )
                time.sleep(0.1)
            seconds = len(track) / ROOM_RATE_HZ
            log(f"the device listens; playing {seconds:.0f} s of {turns} turns ...")
            track_at = int(room.play(track) * ROOM_RATE_HZ)
            rss: list[float | None] = []
            while room.playing():
                time.sleep(1.0)
                rss.append(memory_mb(process.pid, "VmRSS"))
            time.sleep(3.0)  # the parties' pipe holds a second or two; let it sound
            peak = memory_mb(process.pid)
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)
            for reader in readers:
                reader.join(timeout=5)
        finally:  # never leave the device running behind a failed run
            if process.poll() is None:
                process.kill()
                process.wait()
        parties, recording = room.finish()
    if process.returncode != 0:
        raise SystemExit(f"interpreter live failed ({process.returncode}): {''.join(err)[-500:]}")
    # Every utterance has a line, a silent or stale one too: matched in order by its
    # length, each turn finds its own (a silent turn's is a miss on both clocks).
    traces = traces_in(out)
    results = analyse(clips, starts, track_at, parties, recording, traces)
    summary_line = next((line.strip() for line in reversed(err) if " turns; " in line), "")
    speaker_underruns = re.search(r"(\d+) speaker underruns", summary_line)
    return {
        "summary": {
            **summarise(results),
            "alsa_underrun_lines": sum(bool(UNDERRUN.search(line)) for line in err),
            "speaker_underruns": int(speaker_underruns.group(1)) if speaker_underruns else None,
            "peak_rss_mb": peak,
            "rss_mb_last": rss[-1] if rss else None,
        },
        "voices": {"en": ENGLISH_VOICE, "zh": getattr(merchant, "name", "espeak-ng")},
        "endpoint": endpoint,
        "summary_line": summary_line,
        "turns": [
            {**asdict(result), "trace_minus_room_ms": result.disagreement_ms} for result in results
        ],
        "console": console_lines(out),
        "stderr_tail": [line.rstrip() for line in err[-20:]],
        "traces": traces,
    }


def turn_line(number: int, turn: dict) -> str:
    """One turn as `main` prints it: both clocks, and what the room heard."""

    def ms(value: float | None) -> str:
        return "miss" if value is None else f"{value:.0f} ms"

    room = ms(turn["room_ms"]) if turn["aligned"] else "not aligned"
    holes = "" if turn["holes_ms"] is None else f", {len(turn['holes_ms'])} holes"
    return (
        f"{number:3d} {turn['party']:8s} room {room:>8s}  trace {ms(turn['trace_ms']):>8s}"
        f"  ({turn['trace_status'] or 'no trace line'}{holes})  {turn['text']}"
    )


def headline(summary: dict) -> str:
    room, trace = summary["room_ms"], summary["trace_ms"]
    return (
        f"{summary['turns']} turns, {summary['misses']} missed, {summary['unaligned']} "
        f"not aligned; last voiced sample to first "
        f"device sample p50/p95: room {room['p50']}/{room['p95']} ms, trace "
        f"{trace['p50']}/{trace['p95']} ms (trace - room p50 {summary['trace_minus_room_ms_p50']} "
        f"ms, worst |diff| {summary['trace_minus_room_abs_ms_max']} ms); underruns: "
        f"{summary['alsa_underrun_lines']} ALSA lines, {summary['speaker_underruns']} speaker; "
        f"holes in {summary['answers_checked_for_holes']} Piper answers: {summary['holes']}"
    )


def positive(kind: Callable[[str], float]) -> Callable[[str], float]:
    """An argparse type: a number above zero (a zero or negative count is refused in
    one line, exit status 2, before the sound server starts)."""

    def parse(text: str) -> float:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text}: give a number above zero")
        return value

    return parse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--turns", type=positive(int), help="how many turns of the exchange")
    group.add_argument("--minutes", type=positive(float), help="turns enough for this long")
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--label", default="", help="added to the result file name")
    parser.add_argument(
        "--endpoint",
        choices=tuple(ENDPOINTS),
        default="fixed",
        help="the fixed pause, or the sentence-aware endpoint (live/turn_end.py)",
    )
    args = parser.parse_args(argv)
    turns = args.turns or max(2, round((args.minutes or 1.0) * 60 / (ANSWER_WINDOW_S + 2.5)))
    store = store_for_live(args.models_dir)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="interpreter-room-") as temporary:
        result = run(store, Path(temporary), turns, args.endpoint)
    fields = {
        "sound_server": "PulseAudio null sink 'room', 16 kHz mono; ALSA default = pulse",
        "wall_s": round(time.monotonic() - started, 1),
        **result,
    }
    benchmark = "the room: last voiced sample to first device sample, real sound server"
    path = save_result("room", benchmark, __doc__, fields, args.out_dir, args.label)
    for number, turn in enumerate(result["turns"], start=1):
        print(turn_line(number, turn))
    print(f"{headline(result['summary'])}; wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
