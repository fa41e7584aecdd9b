"""Pause cut: how many turns does an endpoint end in the middle of a sentence?

Each utterance of benchmarks/pause_set.toml is a sentence said at the counter with
pauses inside it (a filler, a list, digits in groups, a connective left hanging, a
search for the word, a breath between two clauses), written as segments and the
pauses between them. It is spoken as follows, so that every pause is exactly as long
as the set says:

1. The sentence is spoken by benchmarks/pause_speech.py, one piece per segment at
   16 kHz: by default in one breath and opened at the segments' ends (`--speech
   one-breath`: a pause inside a sentence does not end it in the voice), or each
   segment synthesised alone (`--speech segments`, as stops 29 and 30 measured).
   Chinese is the natural Mandarin test voice (benchmarks/zhbaker.py,
   shared/voices/zh-baker), English Piper en_US joe without its random variation.
2. Each segment is trimmed to its voiced part: from its first to its last sample at
   or above -50 dBFS (the voices put some silence around what they say).
3. The segments are joined with exactly `pauses_ms` of digital silence, then wrapped
   as the replay wraps a sentence (benchmarks/replay.py `speak`): 0.6 s of silence
   before, 0.8 s after, a gain of 0.8, and room noise (Gaussian, 0.002 RMS, about
   -54 dBFS, seeded by the length of the text). Where each segment starts and ends in
   the recording is kept.

The recording is fed to the product's endpointer as a microphone would feed it
(`split_utterances` with `Endpointer(SileroVad(), EndpointerOptions(min_silence_ms=
...))`, every other option at its default). The sentence is **cut** when the
endpointer ended a turn before its last segment started: it handed on more than one
utterance, or its one utterance ends (`t_end_s`) before the last segment's start
(`is_cut`). A cut sentence reaches the listener as two or more turns, each translated
alone: an order of 三千 and then 五百件, "Can you" and then "deliver by Friday".
For each turn the segment it ended in or after is noted (the last segment whose start
is at or before the turn's last voiced moment), and for each pause whether a turn
ended in it, so that the cut rate can be read against the length of the pause.

The endpointer counts silence in whole 32 ms windows, so `--silence-ms` is rounded to
them: 384 ms (12 windows, what 400 gives today), 160 (5), 800 (25).

Cut counts are printed per split, language and kind, then per pause length, and
written to results/<date>-<machine>-pause-cut[-label].json with each item's outcome
(the turns found with their times, where each segment starts and ends).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from benchmarks.common.models import ASR_MODEL, ENGLISH_VOICE, open_store
from benchmarks.common.results import RESULTS_DIR, save_result
from benchmarks.pause_speech import Speaker, Speech, add_speech_option, speakers
from benchmarks.replay import LEAD_SILENCE_S, SPLITS, TAIL_SILENCE_S
from interpreter.asr.transcriber import Transcriber
from interpreter.asr.vad import (
    Endpointer,
    EndpointerOptions,
    SileroVad,
    SpeechProbability,
    split_utterances,
)
from interpreter.asr.vad import State as EndpointerState
from interpreter.audio.files import ASR_SAMPLE_RATE
from interpreter.core.types import Frame, Utterance
from interpreter.live.turn_end import Ending, TurnEndJudge, TurnEndOptions
from interpreter.translate.chain import TranslatorChain
from interpreter.translate.phrasebook import Phrasebook

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

PAUSE_SET = Path(__file__).with_name("pause_set.toml")
LANGUAGES = ("zh", "en")
KINDS = ("filler", "list", "digits", "connective", "thinking", "clause")
FIELDS = ("split", "language", "kind", "segments", "pauses_ms", "text")
# A pause shorter or longer than this is not a pause inside a sentence.
PAUSE_RANGE_MS = (150, 1500)
# A segment is trimmed to its samples at or above this level.
TRIM_DBFS = -50.0
# As the replay speaks a sentence (benchmarks/replay.py `speak`).
GAIN = 0.8
NOISE_RMS = 0.002
# Today's setting: EndpointerOptions' 400 ms, which is 12 windows of 32 ms.
TODAY_SILENCE_MS = 384
CHINESE_VOICE = "zh-baker (test voice)"
# Pause lengths the per-pause table groups by (ms, lower bounds).
PAUSE_BUCKETS_MS = (0, 300, 400, 500, 600, 700, 800)


@dataclass(frozen=True)
class PauseItem:
    split: str
    language: str
    kind: str
    segments: tuple[str, ...]
    pauses_ms: tuple[int, ...]
    text: str


def check_item(item: PauseItem) -> list[str]:
    """What is wrong with an item of the set (nothing, for a good one)."""
    problems = []
    if item.split not in SPLITS:
        problems.append(f"unknown split {item.split!r}; use one of {SPLITS}")
    if item.language not in LANGUAGES:
        problems.append(f"unknown language {item.language!r}")
    if item.kind not in KINDS:
        problems.append(f"unknown kind {item.kind!r}")
    if len(item.segments) < 2:
        problems.append("fewer than two segments: no pause inside")
    if len(item.pauses_ms) != len(item.segments) - 1:
        problems.append("pauses_ms needs one pause fewer than the segments")
    low, high = PAUSE_RANGE_MS
    if any(not low <= pause <= high for pause in item.pauses_ms):
        problems.append(f"a pause outside {low}..{high} ms")
    if any(not segment.strip() for segment in item.segments):
        problems.append("an empty segment")
    return problems


def load_set(path: Path = PAUSE_SET) -> list[PauseItem]:
    """Every utterance of the set, each checked; texts are unique."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    items = []
    for entry in data["utterance"]:
        if set(entry) != set(FIELDS):
            raise ValueError(f"{path}: {entry!r}: an utterance has exactly {', '.join(FIELDS)}")
        item = PauseItem(
            str(entry["split"]),
            str(entry["language"]),
            str(entry["kind"]),
            tuple(str(s) for s in entry["segments"]),
            tuple(int(p) for p in entry["pauses_ms"]),
            str(entry["text"]),
        )
        problems = check_item(item)
        if problems:
            raise ValueError(f"{path}: {item.text!r}: {'; '.join(problems)}")
        items.append(item)
    texts = [item.text for item in items]
    repeated = sorted({t for t in texts if texts.count(t) > 1})
    if repeated:
        raise ValueError(f"{path}: texts said twice: {repeated}")
    return items


def select(items: Iterable[PauseItem], split: str = "all") -> list[PauseItem]:
    return [item for item in items if split in ("all", item.split)]


# ---- the audio ----------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Recording:
    """A sentence as the microphone hears it, and where each of its segments lies
    (seconds from the start of `samples`, the voiced part of each)."""

    samples: np.ndarray
    starts_s: tuple[float, ...]
    ends_s: tuple[float, ...]
    sample_rate: int = ASR_SAMPLE_RATE

    @property
    def last_start_s(self) -> float:
        return self.starts_s[-1]


def voiced(samples: np.ndarray, floor_dbfs: float = TRIM_DBFS) -> np.ndarray:
    """`samples` from the first to the last sample at or above `floor_dbfs` (nothing
    when none is)."""
    loud = np.flatnonzero(np.abs(samples) >= 10.0 ** (floor_dbfs / 20.0))
    if len(loud) == 0:
        return samples[:0]
    return samples[loud[0] : loud[-1] + 1]


def join_segments(
    segments: Sequence[np.ndarray],
    pauses_ms: Sequence[int],
    seed: int,
    sample_rate: int = ASR_SAMPLE_RATE,
) -> Recording:
    """Segments (at `sample_rate`) trimmed to their voiced parts and joined with exactly
    `pauses_ms` of silence, with the replay's lead and tail silence, gain and noise."""
    if len(pauses_ms) != len(segments) - 1:
        raise ValueError("one pause fewer than the segments")
    parts = [np.zeros(int(LEAD_SILENCE_S * sample_rate), dtype=np.float32)]
    position = len(parts[0])
    starts, ends = [], []
    for index, segment in enumerate(segments):
        spoken = voiced(np.asarray(segment, dtype=np.float32))
        if len(spoken) == 0:
            raise ValueError(f"segment {index + 1} is silent")
        if index:
            pause = np.zeros(round(pauses_ms[index - 1] * sample_rate / 1000), dtype=np.float32)
            parts.append(pause)
            position += len(pause)
        starts.append(position / sample_rate)
        parts.append(spoken)
        position += len(spoken)
        ends.append(position / sample_rate)
    parts.append(np.zeros(int(TAIL_SILENCE_S * sample_rate), dtype=np.float32))
    recording = GAIN * np.concatenate(parts)
    noise = np.random.default_rng(seed).normal(0.0, NOISE_RMS, len(recording))
    return Recording(
        (recording + noise).astype(np.float32), tuple(starts), tuple(ends), sample_rate
    )


def build_recording(item: PauseItem, speak: Speaker) -> Recording:
    """The item spoken by `speak`, its noise seeded as the replay seeds it."""
    return join_segments(speak(item.segments, item.text), item.pauses_ms, len(item.text))


# ---- the endpoint and the verdict ----------------------------------------------------


def is_cut(ends_s: Sequence[float], last_start_s: float) -> bool:
    """Did the endpoint cut the sentence? `ends_s`: the ends of the turns it handed on,
    in order; `last_start_s`: where the sentence's last segment starts. Cut when it
    handed on more than one turn, or its one turn ended before the last segment began
    (the rest was never heard as speech). No turn at all is no verdict."""
    if not ends_s:
        raise ValueError("the endpoint found no turn: nothing to judge")
    return len(ends_s) > 1 or ends_s[0] < last_start_s


def segment_at(t_s: float, starts_s: Sequence[float]) -> int:
    """The segment (0-based) a moment falls in or after: the last that starts at or
    before it (0 before the first)."""
    return max(0, int(np.searchsorted(np.asarray(starts_s), t_s, side="right")) - 1)


def endpoint(
    samples: np.ndarray, silence_ms: int, vad: SpeechProbability | None = None
) -> list[Utterance]:
    """Today's endpointer on a recording, with `min_silence_ms` set and every other
    option at its default."""
    options = EndpointerOptions(min_silence_ms=silence_ms)
    return split_utterances(samples, Endpointer(vad or SileroVad(), options))


# What a reading of the audio so far says: (text, language); ("", "") when nothing.
Read = Callable[[np.ndarray], tuple[str, str]]


def endpoint_by_words(
    samples: np.ndarray,
    options: TurnEndOptions,
    read: Read,
    judge: TurnEndJudge,
    vad: SpeechProbability | None = None,
) -> tuple[list[Utterance], list[Ending]]:
    """The sentence-aware endpoint on a recording, as the live listener runs it
    (live/listener.py `_set_wait`), in simulated time: each time the voice stops, the
    audio so far is read and judged, and the pause that ends the turn is the verdict's;
    while the voice is on, the longest. The reading takes no time here; live, the
    pause is held at the longest until it is done, so the same turns are cut.
    Returns the turns and the verdict at each stop."""
    vad = vad or SileroVad()
    endpointer = Endpointer(vad, EndpointerOptions(min_silence_ms=options.unknown_silence_ms))
    window = vad.window_samples  # one window a frame
    utterances: list[Utterance] = []
    endings: list[Ending] = []
    verdict: Ending | None = None
    for start in range(0, len(samples), window):
        frame = Frame(samples[start : start + window], ASR_SAMPLE_RATE, start / ASR_SAMPLE_RATE)
        if endpointer.state is EndpointerState.STOPPING:
            if verdict is None:
                audio = endpointer.current_audio()
                text, language = read(audio) if audio is not None else ("", "")
                verdict = judge.judge(text, language) if text else Ending.UNKNOWN
                endings.append(verdict)
            endpointer.wait(options.silence_ms(verdict))
        else:
            verdict = None
            endpointer.wait(options.unfinished_silence_ms)
        utterances += endpointer.push(frame)
    return utterances + endpointer.flush(), endings


@dataclass(frozen=True)
class Turn:
    start_s: float
    end_s: float
    voice_end_s: float

    @classmethod
    def of(cls, utterance: Utterance) -> Turn:
        return cls(utterance.t_start_s, utterance.t_end_s, utterance.voice_end_s)


@dataclass(frozen=True)
class Outcome:
    item: PauseItem
    starts_s: tuple[float, ...]
    ends_s: tuple[float, ...]
    turns: tuple[Turn, ...]
    # The sentence-aware endpoint's verdict at each stop of the voice (empty: the
    # fixed pause was measured).
    endings: tuple[Ending, ...] = ()

    @property
    def cut(self) -> bool:
        return is_cut([turn.end_s for turn in self.turns], self.starts_s[-1])

    @property
    def ended_after(self) -> tuple[int, ...]:
        """For each turn, the segment (0-based) its last voiced moment falls in or after."""
        return tuple(segment_at(turn.voice_end_s, self.starts_s) for turn in self.turns)

    @property
    def pauses_cut(self) -> tuple[bool, ...]:
        """For each pause, whether a turn ended in it (voice ending in the segment before
        it, with another turn or more speech to come)."""
        ended = set(self.ended_after[:-1]) if self.turns else set()
        if self.turns and self.turns[-1].end_s < self.starts_s[-1]:
            ended.add(self.ended_after[-1])
        return tuple(index in ended for index in range(len(self.item.pauses_ms)))

    def as_json(self) -> dict[str, object]:
        item = self.item
        return {
            "split": item.split,
            "language": item.language,
            "kind": item.kind,
            "text": item.text,
            "segments": list(item.segments),
            "pauses_ms": list(item.pauses_ms),
            "segment_starts_s": [round(t, 3) for t in self.starts_s],
            "segment_ends_s": [round(t, 3) for t in self.ends_s],
            "last_segment_start_s": round(self.starts_s[-1], 3),
            "turns": [
                {
                    "start_s": round(turn.start_s, 3),
                    "end_s": round(turn.end_s, 3),
                    "voice_end_s": round(turn.voice_end_s, 3),
                    "ended_after_segment": after,
                }
                for turn, after in zip(self.turns, self.ended_after, strict=True)
            ],
            "pauses_cut": list(self.pauses_cut),
            "cut": self.cut,
            "endings": [ending.value for ending in self.endings],
        }


def measure(
    items: Sequence[PauseItem],
    speakers: dict[str, Speaker],
    silence_ms: int,
    vad: SpeechProbability | None = None,
    log: Callable[[str], None] = print,
    by_words: tuple[TurnEndOptions, Read, TurnEndJudge] | None = None,
) -> list[Outcome]:
    """Each item spoken by its language's speaker and endpointed: by the fixed pause, or
    with `by_words`, by the sentence-aware endpoint."""
    vad = vad or SileroVad()
    outcomes = []
    for index, item in enumerate(items, start=1):
        recording = build_recording(item, speakers[item.language])
        endings: list[Ending] = []
        if by_words is None:
            utterances = endpoint(recording.samples, silence_ms, vad)
        else:
            options, read, judge = by_words
            utterances, endings = endpoint_by_words(recording.samples, options, read, judge, vad)
        if not utterances:
            raise RuntimeError(f"the endpointer found no speech in {item.text!r}")
        outcome = Outcome(
            item,
            recording.starts_s,
            recording.ends_s,
            tuple(Turn.of(u) for u in utterances),
            tuple(endings),
        )
        outcomes.append(outcome)
        if index % 20 == 0 or index == len(items):
            log(f"  {index}/{len(items)} spoken and endpointed")
    return outcomes


# ---- totals and the report ---------------------------------------------------------


def rate(cut: int, items: int) -> dict[str, object]:
    return {"items": items, "cut": cut, "cut_pct": round(100.0 * cut / items, 1) if items else None}


def tally(outcomes: Sequence[Outcome]) -> dict[str, dict[str, dict[str, object]]]:
    """Per split ("all" too), per row: "all", each language, and each language/kind."""
    tables: dict[str, dict[str, dict[str, object]]] = {}
    for split in ("all", *SPLITS):
        chosen = [o for o in outcomes if split in ("all", o.item.split)]
        if not chosen:
            continue
        rows: dict[str, list[Outcome]] = {"all": chosen}
        for language in LANGUAGES:
            rows[language] = [o for o in chosen if o.item.language == language]
            for kind in KINDS:
                rows[f"{language}/{kind}"] = [o for o in rows[language] if o.item.kind == kind]
        tables[split] = {
            name: rate(sum(o.cut for o in group), len(group))
            for name, group in rows.items()
            if group
        }
    return tables


def bucket_of(pause_ms: int) -> str:
    """The row of the per-pause table a pause falls in: "400-499", ">=800"."""
    low = max(bound for bound in PAUSE_BUCKETS_MS if bound <= pause_ms)
    higher = [bound for bound in PAUSE_BUCKETS_MS if bound > low]
    return f"{low}-{higher[0] - 1}" if higher else f">={low}"


def by_pause(outcomes: Sequence[Outcome]) -> dict[str, dict[str, object]]:
    """Every pause of every item, by its length: how many a turn ended in."""
    counts: dict[str, list[int]] = {bucket_of(bound): [0, 0] for bound in PAUSE_BUCKETS_MS}
    for outcome in outcomes:
        for pause, cut in zip(outcome.item.pauses_ms, outcome.pauses_cut, strict=True):
            counts[bucket_of(pause)][0] += 1
            counts[bucket_of(pause)][1] += cut
    return {name: rate(cut, n) for name, (n, cut) in counts.items() if n}


def table(title: str, rows: dict[str, dict[str, object]]) -> list[str]:
    lines = [f"{title:16s} {'items':>6s} {'cut':>5s} {'cut %':>7s}"]
    for name, row in rows.items():
        lines.append(f"{name:16s} {row['items']:>6d} {row['cut']:>5d} {row['cut_pct']:>7.1f}")
    return lines


def describe(outcome: Outcome) -> str:
    """One line: the item and where its turns ended."""
    item = outcome.item
    ends = ", ".join(f"{t.end_s:.2f}" for t in outcome.turns)
    return (
        f"[{item.split} {item.language} {item.kind}] {' | '.join(item.segments)}  "
        f"pauses {list(item.pauses_ms)} ms: {len(outcome.turns)} turn(s) ending at {ends} s, "
        f"last segment at {outcome.starts_s[-1]:.2f} s"
    )


def whisper_reader(models_dir: Path | None) -> Read:
    """The reading the live reader makes as the voice stops: Whisper base, the stall's
    two languages, the final draft's settings."""
    store = open_store(models_dir, ASR_MODEL)
    transcriber = Transcriber(store.path(ASR_MODEL), name=ASR_MODEL)
    transcriber.warm_up()

    def read(audio: np.ndarray) -> tuple[str, str]:
        draft = transcriber.draft(audio, LANGUAGES, final=True)
        return ("", "") if draft is None else (draft.text, draft.language)

    return read


def words_judge() -> TurnEndJudge:
    """The judge the live session builds: the phrasebook says which sentences are whole."""
    return TurnEndJudge(TranslatorChain(Phrasebook.load(), []).book_holds)


def ending_counts(outcomes: Sequence[Outcome]) -> dict[str, dict[str, int]]:
    """Per split: how often each verdict was given at a pause inside the sentence and
    at its true end (the last stop)."""
    counts: dict[str, dict[str, int]] = {}
    for outcome in outcomes:
        own = counts.setdefault(outcome.item.split, {})
        for index, ending in enumerate(outcome.endings):
            where = "end" if index == len(outcome.endings) - 1 else "inside"
            key = f"{where} {ending.value}"
            own[key] = own.get(key, 0) + 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="benchmarks.pause_cut", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="all")
    parser.add_argument(
        "--silence-ms",
        type=int,
        default=TODAY_SILENCE_MS,
        help=f"the endpointer's min_silence_ms (default {TODAY_SILENCE_MS}, today's 12 windows)",
    )
    parser.add_argument("--set", type=Path, default=PAUSE_SET, help="the pause set (TOML)")
    add_speech_option(parser)
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--label", default="")
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--show-cut", action="store_true", help="print every cut item")
    parser.add_argument(
        "--by-words",
        action="store_true",
        help="the sentence-aware endpoint (live/turn_end.py) instead of the fixed pause",
    )
    defaults = TurnEndOptions()
    parser.add_argument("--complete-ms", type=int, default=defaults.complete_silence_ms)
    parser.add_argument("--unfinished-ms", type=int, default=defaults.unfinished_silence_ms)
    parser.add_argument("--unknown-ms", type=int, default=defaults.unknown_silence_ms)
    args = parser.parse_args(argv)
    started = time.monotonic()
    items = select(load_set(args.set), args.split)
    speech = Speech(args.speech)
    spoken_by = speakers(speech, {item.language for item in items}, args.models_dir)
    by_words = None
    turn_end = TurnEndOptions(
        enabled=True,
        complete_silence_ms=args.complete_ms,
        unfinished_silence_ms=args.unfinished_ms,
        unknown_silence_ms=args.unknown_ms,
    )
    if args.by_words:
        by_words = (turn_end, whisper_reader(args.models_dir), words_judge())
        print(f"{len(items)} utterances, the sentence-aware endpoint {asdict(turn_end)} ...")
    else:
        print(f"{len(items)} utterances, min_silence_ms {args.silence_ms} ...")
    outcomes = measure(items, spoken_by, args.silence_ms, by_words=by_words)
    tables = tally(outcomes)
    pauses = by_pause(outcomes)
    for split, rows in tables.items():
        print()
        print("\n".join(table(f"{split} split" if split != "all" else "all splits", rows)))
    print()
    print("\n".join(table("pause ms", pauses)))
    cut = [o for o in outcomes if o.cut]
    if args.show_cut:
        print(f"\ncut ({len(cut)}):")
        print("\n".join(describe(o) for o in cut))
    path = save_result(
        "pause-cut",
        "sentences with pauses inside them cut into several turns by the endpointer",
        __doc__,
        {
            "set": args.set.name,
            "split": args.split,
            "settings": {
                "by_words": asdict(turn_end) if args.by_words else None,
                "endings": ending_counts(outcomes),
                "min_silence_ms": args.silence_ms,
                "windows": round(args.silence_ms / 32),
                "endpointer": asdict(EndpointerOptions(min_silence_ms=args.silence_ms)),
            },
            "voices": {"zh": CHINESE_VOICE, "en": ENGLISH_VOICE},
            "speech": speech.value,
            "seconds": round(time.monotonic() - started, 1),
            "cut": tables,
            "by_pause_ms": pauses,
            "items": [o.as_json() for o in outcomes],
        },
        args.out_dir,
        args.label,
    )
    print(f"\nwritten to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
