"""Counter fidelity: are the numbers that reach the listener the numbers that were said?

Three measures, written to results/<date>-<machine>-fidelity.json:

- **text**: every sentence of the fidelity set (220, zh and en) translated from its
  reference text; the amounts found in the translation must be the sentence's amounts.
- **speech**: the same sentences spoken (Piper en_US joe for English, espeak-ng for
  Mandarin), cut by the endpointer, recognised by Whisper and translated. Recognition
  "heard the numbers right" when the transcript holds the sentence's amounts; the
  target is that every such turn's translation holds them too. The translation is
  also compared with the transcript (what the system itself was given).
- **noise**: ten minutes of a stall with nobody at the counter (white and pink noise,
  breathing, a radio's music, a trade hall's babble at three levels) through the
  endpointer and Whisper; every transcript is a false one.

Translation runs through the product's ladder twice: the phrasebook with a text model
(a small translator with random weights: no translation weights can be downloaded
here, and a random model is the worst a model can do to numbers), and the phrasebook
with Whisper's own speech translation for Chinese into English (no text model).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

from benchmarks.fidelity_set import FidelityItem, load_set
from benchmarks.latency import machine, machine_slug, peak_rss_mb
from benchmarks.noise import babble, breathing, music, pink_noise, white_noise
from benchmarks.replay import speak
from interpreter.asr import Transcriber
from interpreter.random_models import build_random_translator
from interpreter.store import ModelStore, default_store_dir, load_catalog
from interpreter.translate.amounts import AmountFinder
from interpreter.translate.chain import TranslatorChain
from interpreter.translate.nmt import NmtModel
from interpreter.translate.phrasebook import Phrasebook
from interpreter.tts import EspeakVoice, PiperVoiceModel
from interpreter.types import Transcript, Translation, Utterance
from interpreter.vad import Endpointer, SileroVad, split_utterances

RESULTS_DIR = Path(__file__).with_name("results")
ASR_MODEL = "whisper-base"
ENGLISH_VOICE = "piper-en_US-joe-medium"
TARGET = {"zh": "en", "en": "zh"}
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


def amount_keys(finder: AmountFinder, text: str, language: str) -> list[str]:
    """The amounts of a text as "kind value unit", sorted: a translation may say them
    in another order."""
    return sorted(
        f"{a.kind} {'' if a.value is None else format(a.value.normalize(), 'f')} {a.unit}".strip()
        for a in finder.find(text, language)
    )


class Ladder:
    """One way of translating: a name and a chain."""

    def __init__(self, name: str, chain: TranslatorChain) -> None:
        self.name = name
        self.chain = chain

    def translate(self, transcript: Transcript, utterance: Utterance | None) -> Translation:
        return self.chain.translate(transcript, TARGET[transcript.language], utterance)


def build_ladders(work: Path, whisper: Transcriber, items: list[FidelityItem]) -> list[Ladder]:
    book = Phrasebook.load()
    corpus = [item.text for item in items] * 3
    models = [
        NmtModel(
            build_random_translator(work / f"{s}-{t}", corpus),
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


def measure_text(items: list[FidelityItem], ladders: list[Ladder], finder: AmountFinder) -> dict:
    report: dict[str, object] = {}
    for ladder in ladders:
        kept = 0
        methods: Counter[str] = Counter()
        repaired = 0
        failures = []
        for index, item in enumerate(items):
            transcript = Transcript(index, item.text, item.language, 1.0, 0.0)
            translation = ladder.translate(transcript, None)
            methods[translation.method.value] += 1
            repaired += bool(translation.number_repairs)
            expected = sorted(item.amounts)
            if translation.text:
                got = amount_keys(finder, translation.text, translation.target_language)
            else:  # no rung could translate: the transcript is shown as it was said
                got = amount_keys(finder, item.text, item.language)
            if got == expected:
                kept += 1
            else:
                failures.append({"text": item.text, "translation": translation.text, "got": got})
        report[ladder.name] = {
            "sentences": len(items),
            "numbers_preserved": kept,
            "rate": round(kept / len(items), 4),
            "methods": dict(methods),
            "turns_repaired": repaired,
            "failures": failures[:20],
        }
    return report


def measure_speech(
    items: list[FidelityItem],
    ladders: list[Ladder],
    whisper: Transcriber,
    english_voice: PiperVoiceModel,
    finder: AmountFinder,
    log: Callable[[str], None],
) -> dict:
    chinese_voice = EspeakVoice("zh", 130)
    rows = []
    for index, item in enumerate(items):
        voice = english_voice if item.language == "en" else chinese_voice
        samples = speak(voice, item.text)
        pieces = split_utterances(samples, Endpointer(SileroVad()))
        if not pieces:
            rows.append({"text": item.text, "heard": "", "heard_right": False})
            continue
        start = round(pieces[0].t_start_s * 16_000)
        end = round(pieces[-1].t_end_s * 16_000)
        utterance = Utterance(index, samples[start:end], 16_000, 0.0, (end - start) / 16_000)
        transcript = whisper.transcribe(utterance, (item.language,), item.language)
        heard = amount_keys(finder, transcript.text, item.language)
        row: dict[str, object] = {
            "language": item.language,
            "text": item.text,
            "heard": transcript.text,
            "heard_right": heard == sorted(item.amounts),
        }
        for ladder in ladders:
            if not transcript.text:
                row[ladder.name] = None
                continue
            translation = ladder.translate(transcript, utterance)
            shown = translation.text or transcript.text
            language = translation.target_language if translation.text else item.language
            got = amount_keys(finder, shown, language)
            row[ladder.name] = {
                "translation": translation.text,
                "method": translation.method.value,
                "matches_speaker": got == sorted(item.amounts),
                "matches_transcript": got == heard,
                "repairs": list(translation.number_repairs),
            }
        rows.append(row)
        if (index + 1) % 20 == 0:
            log(f"  {index + 1}/{len(items)} spoken and heard")
    summary: dict[str, object] = {
        "utterances": len(rows),
        "heard_right": sum(bool(r["heard_right"]) for r in rows),
    }
    for language in ("zh", "en"):
        own = [r for r in rows if r.get("language") == language]
        summary[f"heard_right_{language}"] = (
            f"{sum(bool(r['heard_right']) for r in own)}/{len(own)}"
        )
    for ladder in ladders:
        right = [r for r in rows if r["heard_right"] and r.get(ladder.name)]
        translated = [r for r in rows if r.get(ladder.name)]
        preserved = sum(r[ladder.name]["matches_speaker"] for r in right)
        same = sum(r[ladder.name]["matches_transcript"] for r in translated)
        summary[ladder.name] = {
            "preserved_when_heard_right": f"{preserved}/{len(right)}",
            "preserved_when_heard_right_rate": round(preserved / max(1, len(right)), 4),
            "same_as_transcript": f"{same}/{len(translated)}",
            "turns_repaired": sum(bool(r[ladder.name]["repairs"]) for r in translated),
        }
    return {"summary": summary, "rows": rows}


def measure_noise(
    whisper: Transcriber, english_voice: PiperVoiceModel, log: Callable[[str], None]
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
        texts = [whisper.transcribe(u, ("zh", "en")).text for u in utterances]
        invented = [t for t in texts if t]
        false_transcripts += [{"noise": name, "text": t} for t in invented]
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
        "by_noise": parts,
        "texts": false_transcripts,
    }


def run(store: ModelStore, out_dir: Path, label: str, limit: int | None, log=print) -> Path:
    started = time.monotonic()
    for name in (ASR_MODEL, ENGLISH_VOICE):
        if not store.is_installed(name):
            store.fetch(name)
    items = load_set()
    if limit:
        items = [i for i in items if i.language == "zh"][:limit] + [
            i for i in items if i.language == "en"
        ][:limit]
    finder = AmountFinder.load()
    whisper = Transcriber(store.path(ASR_MODEL), name=ASR_MODEL)
    whisper.warm_up()
    english = PiperVoiceModel(store.path(ENGLISH_VOICE), "en", ENGLISH_VOICE, vary=False)
    with tempfile.TemporaryDirectory(prefix="interpreter-fidelity-") as temporary:
        ladders = build_ladders(Path(temporary), whisper, items)
        log(f"text: translating {len(items)} sentences ...")
        text = measure_text(items, ladders, finder)
        log(f"speech: speaking and hearing {len(items)} sentences ...")
        speech = measure_speech(items, ladders, whisper, english, finder, log)
    log("noise: ten minutes with nobody at the counter ...")
    noise = measure_noise(whisper, english, log)
    description = machine()
    result = {
        "date": date.today().isoformat(),
        "machine": description,
        "models": {
            "asr": ASR_MODEL,
            "english_voice": ENGLISH_VOICE,
            "chinese_voice": "espeak-ng cmn",
        },
        "method": __doc__,
        "summary": {
            "text": {name: part["rate"] for name, part in text.items()},
            "speech": speech["summary"],
            "noise_minutes": noise["minutes"],
            "noise_false_transcripts": noise["false_transcripts"],
            "peak_rss_mb": peak_rss_mb(),
            "seconds": round(time.monotonic() - started, 1),
        },
        "text": text,
        "speech_rows": speech["rows"],
        "noise": noise,
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    suffix = f"-{label}" if label else ""
    path = out_dir / f"{date.today().isoformat()}-{machine_slug(description)}-fidelity{suffix}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    log(json.dumps(result["summary"], ensure_ascii=False, indent=2))
    log(f"written to {path}")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.fidelity", description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, help="only the first N sentences of each language")
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--label", default="")
    parser.add_argument("--models-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    store = ModelStore(args.models_dir or default_store_dir(), load_catalog())
    run(store, args.out_dir, args.label, args.limit)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
