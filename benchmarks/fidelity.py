"""Counter fidelity: are the numbers that reach the listener the numbers that were said?

Every item of the fidelity set (benchmarks/fidelity_set.py: a generated **dev** split,
which the number checks were tuned on, and a hand-written **test** split held out from
them; README quotes test) gets one verdict per measure and per translation ladder
(benchmarks/fidelity_verdict.py): **kept** (the translation carried every amount before
any repair), **repaired** (the number check had to fix it; the detail says what),
**not translated** (the transcript was shown instead; never "kept") or **wrong** (what
reached the listener says a number the speaker did not say, or lacks one they said).
The numbers are read by an independent reader (benchmarks/said_values.py: text2num,
cn2an) and compared with the values written in the set, never with the interpreter's
own AmountFinder. Written to results/<date>-<machine>-fidelity.json:

- **text**: each sentence translated from its reference text.
- **speech**: each sentence spoken (the natural Mandarin test voice, shared/voices/
  zh-baker, for Chinese; Piper en_US joe for English), cut by the endpointer, and
  recognised by Whisper without being told the language (detection restricted to
  zh and en, as in the product), then translated. Also recorded: whether the
  transcript alone holds the amounts ("heard right"), recognition's share of a fault.
- **noise** (skip with --no-noise): ten minutes of a stall with nobody at the counter
  (white and pink noise, breathing, a radio's music, a trade hall's babble at three
  levels) through the endpointer and Whisper; every transcript is a false one.

Translation runs through the product's ladder twice: the phrasebook with a text model
(a small translator with random weights: no translation weights can be downloaded
here, and a random model is the worst a model can do to numbers), and the phrasebook
with Whisper's own speech translation for Chinese into English (no text model; in the
text measure, with no audio, it has only the phrasebook).

Counts are kept per split, language and ladder, and dev and test are printed apart.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from benchmarks.common.machine import machine
from benchmarks.common.memory import peak_rss_mb
from benchmarks.common.models import ASR_MODEL, ENGLISH_VOICE, english_voice, installed, open_store
from benchmarks.common.results import RESULTS_DIR, result_path, write_json
from benchmarks.fidelity_set import FidelityItem, Split, load_set
from benchmarks.fidelity_verdict import Fidelity, Verdict, heard_problems, judge
from benchmarks.noise import babble, breathing, music, pink_noise, white_noise
from benchmarks.paraphrase_cover import SETS, coverage, load_meanings
from benchmarks.paraphrase_cover import measure as measure_cover
from benchmarks.replay import speak
from benchmarks.zhbaker import BakerVoice
from interpreter.asr.transcriber import Transcriber
from interpreter.asr.vad import Endpointer, SileroVad, split_utterances
from interpreter.core.types import Transcript, Translation, Utterance
from interpreter.core.vocabulary import Doubt, Method
from interpreter.store import ModelStore
from interpreter.translate.chain import TranslatorChain
from interpreter.translate.nmt import NmtModel
from interpreter.translate.phrasebook import Phrasebook
from interpreter.translate.random_models import RandomModelShape, build_random_translator
from interpreter.tts.synthesizer import PiperVoiceModel, Voice
from interpreter.turn.doubt import DoubtCheck, number_probabilities
from interpreter.turn.stages import StageOptions

CHINESE_VOICE = "zh-baker (natural test voice)"
LANGUAGES = ("zh", "en")
TARGET = {"zh": "en", "en": "zh"}
# A toy translator (random weights: the worst a model does to numbers); its tokenizer
# must hold every character of both splits (a 200-piece one could not, once the test
# split added its own).
TRANSLATOR_SHAPE = RandomModelShape(vocabulary_size=1000)
SPLIT_CHOICES = (*(split.value for split in Split), "all")
# Ten minutes of noise: (name, seconds, make(seconds) -> samples).
NOISE_PLAN = (
    ("white -30 dBFS", 90.0, "white", -30.0),
    ("pink -30 dBFS", 90.0, "pink", -30.0),
    ("breathing -30 dBFS", 60.0, "breathing", -30.0),
    ("music -25 dBFS", 60.0, "music", -25.0),
    ("babble -35 dBFS", 100.0, "babble", -35.0),
    ("babble -28 dBFS", 100.0, "babble", -28.0),
    ("babble -22 dBFS", 100.0, "babble", -22.0),
)


@dataclass(frozen=True)
class Ladder:
    """One way of translating: a name and a chain."""

    name: str
    chain: TranslatorChain

    def translate(self, transcript: Transcript, utterance: Utterance | None) -> Translation:
        return self.chain.translate(transcript, TARGET[transcript.language], utterance)


def build_ladders(work: Path, whisper: Transcriber, items: list[FidelityItem]) -> list[Ladder]:
    book = Phrasebook.load()
    corpus = [item.text for item in items] * 3
    models = [
        NmtModel(
            build_random_translator(work / f"{s}-{t}", corpus, shape=TRANSLATOR_SHAPE),
            "marian",
            (s, t),
            name=f"random-{s}-{t}",
        )
        for s, t in (("zh", "en"), ("en", "zh"))
    ]
    return [
        Ladder("phrasebook+text-model", TranslatorChain(book, models)),
        Ladder("phrasebook+whisper", TranslatorChain(book, [], speech_translator=whisper)),
    ]


def select(items: list[FidelityItem], split: str, limit: int | None) -> list[FidelityItem]:
    """The items of `split` ("all": both), at most `limit` of each language in each split
    (the first ones, so that a quick run is the same run every time)."""
    chosen = [item for item in items if split == "all" or item.split.value == split]
    if not limit:
        return chosen
    return [
        item
        for part in Split
        for language in LANGUAGES
        for item in [i for i in chosen if i.split is part and i.language == language][:limit]
    ]


@dataclass(frozen=True)
class Outcome:
    """One ladder's turn: the verdict, and what the listener got."""

    ladder: str
    verdict: Verdict
    method: Method
    translation: str


@dataclass(frozen=True)
class Row:
    """One item through every ladder; for speech, also what Whisper heard."""

    item: FidelityItem
    outcomes: tuple[Outcome, ...]
    heard: Transcript | None = None
    # What the transcript alone got wrong (empty: heard right).
    heard_problems: tuple[str, ...] = ()
    # Whether the product would have asked again instead of speaking (turn/doubt.py),
    # and the lowest probability Whisper gave a piece of a number (None: no number).
    doubt: Doubt = Doubt.NONE
    number_probability: float | None = None

    def outcome(self, ladder: str) -> Outcome:
        return next(o for o in self.outcomes if o.ladder == ladder)

    def as_json(self) -> dict[str, object]:
        row: dict[str, object] = {
            "split": self.item.split.value,
            "language": self.item.language,
            "text": self.item.text,
            "amounts": list(self.item.amounts),
        }
        if self.heard is not None:
            row |= {
                "heard": self.heard.text,
                "heard_language": self.heard.language,
                "heard_right": not self.heard_problems,
                "heard_detail": "; ".join(self.heard_problems),
                "doubt": self.doubt.value,
                "number_probability": (
                    None if self.number_probability is None else round(self.number_probability, 3)
                ),
            }
        for outcome in self.outcomes:
            row[outcome.ladder] = {
                "class": outcome.verdict.fidelity.value,
                "detail": outcome.verdict.detail,
                "method": outcome.method.value,
                "translation": outcome.translation,
            }
        return row


# Verdict counts per split, language and verdict: {"test": {"zh": {"kept": 3, ...}}}.
Tally = dict[str, dict[str, dict[str, int]]]


def outcome(
    ladder: Ladder, item: FidelityItem, transcript: Transcript, utterance: Utterance | None
) -> Outcome:
    translation = ladder.translate(transcript, utterance)
    verdict = judge(item.amounts, transcript, translation)
    return Outcome(ladder.name, verdict, translation.method, translation.text)


def measure_text(items: list[FidelityItem], ladders: list[Ladder]) -> list[Row]:
    """Each item translated from its reference text, judged per ladder."""
    rows = []
    for index, item in enumerate(items):
        transcript = Transcript(index, item.text, item.language, 1.0, 0.0)
        rows.append(Row(item, tuple(outcome(ladder, item, transcript, None) for ladder in ladders)))
    return rows


def hear(
    index: int, samples: np.ndarray, whisper: Transcriber
) -> tuple[Transcript, Utterance | None]:
    """What the product hears of a recording: the endpointer's cut, then Whisper picking
    the language itself among the stall's two (an empty transcript when no speech was
    found)."""
    pieces = split_utterances(samples, Endpointer(SileroVad()))
    if not pieces:
        return Transcript(index, "", LANGUAGES[0], 0.0, 0.0), None
    start = round(pieces[0].t_start_s * 16_000)
    end = round(pieces[-1].t_end_s * 16_000)
    utterance = Utterance(index, samples[start:end], 16_000, 0.0, (end - start) / 16_000)
    return whisper.transcribe(utterance, LANGUAGES), utterance


def measure_speech(
    items: list[FidelityItem],
    ladders: list[Ladder],
    whisper: Transcriber,
    voices: dict[str, Voice],
    log: Callable[[str], None],
    doubt: DoubtCheck | None = None,
) -> list[Row]:
    """Each item spoken, heard and translated, judged per ladder; with `doubt`, also
    whether the product would have asked for the number again."""
    rows = []
    for index, item in enumerate(items):
        transcript, utterance = hear(index, speak(voices[item.language], item.text), whisper)
        outcomes = tuple(outcome(ladder, item, transcript, utterance) for ladder in ladders)
        problems = heard_problems(item.amounts, transcript)
        judged, lowest = Doubt.NONE, None
        if doubt is not None:
            judged = doubt.of(transcript)
            found = number_probabilities(transcript.heard, transcript.language, doubt.finder)
            lowest = min(found) if found else None
        rows.append(Row(item, outcomes, transcript, problems, judged, lowest))
        if (index + 1) % 20 == 0:
            log(f"  {index + 1}/{len(items)} spoken and heard")
    return rows


def by_split_and_language(rows: list[Row]) -> dict[tuple[str, str], list[Row]]:
    """The rows grouped by (split, language), dev before test and zh before en."""
    groups = {
        (split.value, language): [
            r for r in rows if r.item.split is split and r.item.language == language
        ]
        for split in Split
        for language in LANGUAGES
    }
    return {key: own for key, own in groups.items() if own}


def count(rows: list[Row], ladder: str) -> Tally:
    """One ladder's verdicts per split and language."""
    tally: Tally = {}
    for (split, language), own in by_split_and_language(rows).items():
        verdicts = Counter(r.outcome(ladder).verdict.fidelity for r in own)
        tally.setdefault(split, {})[language] = {
            "items": len(own),
            **{fidelity.value: verdicts[fidelity] for fidelity in Fidelity},
        }
    return tally


def asked_again(rows: list[Row]) -> dict[str, dict[str, dict[str, int]]]:
    """Per split and language: items whose transcript got an amount wrong, how many of
    those the product would have asked again for instead of speaking, and how many
    heard right it would have asked again for all the same (the price of caution)."""
    counts: dict[str, dict[str, dict[str, int]]] = {}
    for (split, language), own in by_split_and_language(rows).items():
        wrong = [r for r in own if r.heard_problems]
        right = [r for r in own if not r.heard_problems]
        counts.setdefault(split, {})[language] = {
            "heard_wrong": len(wrong),
            "heard_wrong_asked_again": sum(r.doubt is Doubt.NUMBER for r in wrong),
            "heard_wrong_unsure_words": sum(r.doubt is Doubt.WORDS for r in wrong),
            "heard_right": len(right),
            "heard_right_asked_again": sum(r.doubt is not Doubt.NONE for r in right),
        }
    return counts


def heard_right(rows: list[Row]) -> dict[str, dict[str, str]]:
    """Speech items whose transcript alone holds the amounts, per split and language."""
    counts: dict[str, dict[str, str]] = {}
    for (split, language), own in by_split_and_language(rows).items():
        right = sum(not r.heard_problems for r in own)
        counts.setdefault(split, {})[language] = f"{right}/{len(own)}"
    return counts


def table(
    split: str, tallies: dict[str, dict[str, Tally]], heard: dict[str, dict[str, str]]
) -> str:
    """One split's verdict counts as a compact table; `tallies` is per measure, then
    per ladder."""
    columns = ("items", *(fidelity.value for fidelity in Fidelity))
    indent = " " * (len(split) + 1)
    header = " ".join(f"{c:>{max(5, len(c))}}" for c in columns)
    lines = [f"{split}: {'measure':<7} {'ladder':<22} {'lang':<4} {header}"]
    for measure, ladders in tallies.items():
        for ladder, tally in ladders.items():
            for language, counts in tally.get(split, {}).items():
                cells = " ".join(f"{counts[c]:>{max(5, len(c))}}" for c in columns)
                lines.append(f"{indent} {measure:<7} {ladder:<22} {language:<4} {cells}")
    if heard.get(split):
        said = ", ".join(f"{language} {n}" for language, n in heard[split].items())
        lines.append(f"{indent} speech heard right (the transcript alone): {said}")
    return "\n".join(lines)


def measure_noise(
    whisper: Transcriber,
    english_voice: PiperVoiceModel,
    log: Callable[[str], None],
    doubt: DoubtCheck | None = None,
) -> dict:
    parts = []
    false_transcripts = []
    total_s = 0.0
    for index, (name, seconds, kind, level) in enumerate(NOISE_PLAN):
        if kind == "white":
            samples = white_noise(seconds, level, seed=index)
        elif kind == "pink":
            samples = pink_noise(seconds, level, seed=index)
        elif kind == "breathing":
            samples = breathing(seconds, level, seed=index)
        elif kind == "music":
            samples = music(seconds, level, seed=index)
        else:
            samples = babble(seconds, level, english_voice, seed=index)
        utterances = split_utterances(samples, Endpointer(SileroVad()))
        heard = [whisper.transcribe(u, ("zh", "en")) for u in utterances]
        invented = [t for t in heard if t.text]
        false_transcripts += [
            {
                "noise": name,
                "text": t.text,
                "doubt": (Doubt.NONE if doubt is None else doubt.of(t)).value,
            }
            for t in invented
        ]
        parts.append(
            {
                "noise": name,
                "seconds": seconds,
                "utterances": len(utterances),
                "transcripts": len(invented),
            }
        )
        total_s += seconds
        log(f"  {name}: {len(utterances)} stretches of 'speech', {len(invented)} transcripts")
    return {
        "minutes": round(total_s / 60.0, 1),
        "false_transcripts": len(false_transcripts),
        # Those the product would have spoken (the rest are shown, asked again).
        "false_transcripts_spoken": sum(t["doubt"] == Doubt.NONE for t in false_transcripts),
        "by_noise": parts,
        "texts": false_transcripts,
    }


def run(
    store: ModelStore,
    out_dir: Path,
    label: str,
    split: str = "all",
    limit: int | None = None,
    noise: bool = True,
    log: Callable[[str], None] = print,
) -> Path:
    started = time.monotonic()
    installed(store, ASR_MODEL, ENGLISH_VOICE)
    items = select(load_set(), split, limit)
    # The natural voice first: it raises, naming its folder, when it is not beside the
    # checkout, before any time is spent.
    chinese = BakerVoice()
    whisper = Transcriber(store.path(ASR_MODEL), name=ASR_MODEL)
    whisper.warm_up()
    english = english_voice(store)
    with tempfile.TemporaryDirectory(prefix="interpreter-fidelity-") as temporary:
        ladders = build_ladders(Path(temporary), whisper, items)
        log(f"text: translating {len(items)} sentences ...")
        text_rows = measure_text(items, ladders)
        log(f"speech: speaking and hearing {len(items)} sentences ...")
        voices: dict[str, Voice] = {"zh": chinese, "en": english}
        doubt = DoubtCheck(ladders[0].chain.guard.finder, StageOptions().doubt)
        speech_rows = measure_speech(items, ladders, whisper, voices, log, doubt)
    tallies = {
        measure: {ladder.name: count(rows, ladder.name) for ladder in ladders}
        for measure, rows in (("text", text_rows), ("speech", speech_rows))
    }
    heard = heard_right(speech_rows)
    summary: dict[str, object] = {**tallies, "speech_heard_right": heard}
    summary["speech_asked_again"] = asked_again(speech_rows)
    log("phrasebook: the paraphrase set ...")
    book = ladders[0].chain
    meanings = [m for part in SETS for m in load_meanings(part)]
    book_coverage = coverage(measure_cover(meanings, book))
    summary["phrasebook_coverage"] = book_coverage
    noise_report = None
    if noise:
        log("noise: ten minutes with nobody at the counter ...")
        noise_report = measure_noise(whisper, english, log, doubt)
        summary["noise_minutes"] = noise_report["minutes"]
        summary["noise_false_transcripts"] = noise_report["false_transcripts"]
    summary["peak_rss_mb"] = peak_rss_mb()
    summary["seconds"] = round(time.monotonic() - started, 1)
    description = machine()
    result = {
        "date": date.today().isoformat(),
        "machine": description,
        "models": {
            "asr": ASR_MODEL,
            "english_voice": ENGLISH_VOICE,
            "chinese_voice": CHINESE_VOICE,
        },
        "method": __doc__,
        "split": split,
        "limit": limit,
        "summary": summary,
        "text_rows": [row.as_json() for row in text_rows],
        "speech_rows": [row.as_json() for row in speech_rows],
        "noise": noise_report,
    }
    path = result_path(out_dir, date.today(), description, "fidelity", label)
    write_json(result, path)
    for part in Split:
        if split in (part.value, "all"):
            log(table(part.value, tallies, heard))
    for name, languages in asked_again(speech_rows).items():
        for language, c in languages.items():
            log(
                f"{name} {language}: {c['heard_wrong']} heard with a wrong amount, "
                f"{c['heard_wrong_asked_again']} of them asked again (number), "
                f"{c['heard_wrong_unsure_words']} shown unsure; "
                f"{c['heard_right_asked_again']} of {c['heard_right']} heard right asked again"
            )
    for name, figures in book_coverage.items():
        log(
            f"phrasebook {name}: {figures['whole']} of {figures['said']} paraphrases "
            f"translated whole ({figures['coverage_pct']}%)"
        )
    if noise_report is not None:
        false, minutes = noise_report["false_transcripts"], noise_report["minutes"]
        spoken = noise_report["false_transcripts_spoken"]
        log(f"noise: {false} false transcripts in {minutes} min, {spoken} of them spoken")
    log(f"written to {path}")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.fidelity", description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=SPLIT_CHOICES, default="all")
    parser.add_argument(
        "--limit", type=int, help="only the first N sentences of each language in each split"
    )
    parser.add_argument("--no-noise", action="store_true", help="skip the ten minutes of noise")
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--label", default="")
    parser.add_argument("--models-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    store = open_store(args.models_dir)
    run(store, args.out_dir, args.label, args.split, args.limit, not args.no_noise)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
