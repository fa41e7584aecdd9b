"""Building the stages from the models installed in the store.

Only what the conversation needs is loaded: the recogniser that knows both parties'
languages, the text models for the directions in use, one voice per target language.
A missing piece is either a one-line error with the command that fixes it, or (for
translation and voices) a lower rung of the ladder, reported in `ModelsUsed`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from interpreter.amounts.finder import AmountFinder
from interpreter.asr.transcriber import Transcriber, TranscriberOptions
from interpreter.asr.vad import Endpointer, EndpointerOptions, SileroVad
from interpreter.core.clock import Clock
from interpreter.core.errors import InterpreterError, ModelError
from interpreter.core.vocabulary import Method
from interpreter.store import Catalog, ModelEntry, ModelStore
from interpreter.translate.chain import PIVOT_LANGUAGE, TranslatorChain, TranslatorOptions
from interpreter.translate.glossary import GlossaryFile, default_glossary_path
from interpreter.translate.nmt import NmtModel, NmtOptions
from interpreter.translate.phrasebook import Phrasebook
from interpreter.tts.readaloud import NumberReader
from interpreter.tts.synthesizer import PiperVoiceModel, Synthesizer, SynthesizerOptions, Voice
from interpreter.turn.doubt import DoubtOptions
from interpreter.turn.pipeline import Directions, Interpreter

# Most accurate first; the first installed one that knows every language is used.
ASR_PREFERENCE = ("whisper-small", "whisper-base", "whisper-tiny", "whisper-tiny.en")
VAD_MODEL = "silero-vad-v6"


@dataclass(frozen=True)
class StageOptions:
    # A whisper-* model from the store; None: the first of ASR_PREFERENCE installed
    # that knows every language of the conversation.
    asr_model: str | None = None
    # Each stage's own options, gathered so that one object sets up a whole pipeline.
    transcriber: TranscriberOptions = field(default_factory=TranscriberOptions)
    translator: TranslatorOptions = field(default_factory=TranslatorOptions)
    nmt: NmtOptions = field(default_factory=NmtOptions)
    synthesizer: SynthesizerOptions = field(default_factory=SynthesizerOptions)
    endpointer: EndpointerOptions = field(default_factory=EndpointerOptions)
    # False: no voice is loaded and translations are only shown (or written).
    speak: bool = True
    # A voice per target language (a store name, or "espeak-ng"); else the installed one.
    voices: dict[str, str] = field(default_factory=dict, hash=False)
    # The merchant's glossary (see translate/glossary.py); None: the default file, if it exists.
    glossary_path: Path | None = None
    # When a turn is shown with a marker instead of spoken (Whisper unsure of its words,
    # or of a number in them): a misheard number spoken aloud is a wrong deal.
    doubt: DoubtOptions = field(default_factory=DoubtOptions)


@dataclass(frozen=True)
class ModelsUsed:
    asr: str
    vad: str
    mt: tuple[str, ...]
    voices: dict[str, str] = field(hash=False)
    phrasebook_phrases: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "asr": self.asr,
            "vad": self.vad,
            "mt": list(self.mt),
            "tts": dict(self.voices),
            "phrasebook_phrases": self.phrasebook_phrases,
        }


Loaded = TypeVar("Loaded")


class ModelLoadError(ModelError):
    """An installed model that would not load: damaged files, most likely."""


def load_model(name: str, what: str, load: Callable[[], Loaded]) -> Loaded:
    """`load()`, any failure of it one line naming the model and the check to run.

    The loaders turn the damage they know into a ModelError; what a library raises
    that they do not expect (tokenizers' bare Exception for a cut tokenizer.json,
    sentencepiece's for a bad .spm) is caught here, the one place stages are built."""
    try:
        return load()
    except (MemoryError, InterpreterError):
        raise  # a loader's own one line (a damaged file's names the check already)
    except Exception as error:
        reason = (str(error).strip().splitlines() or [""])[0][:160]
        detail = f"{type(error).__name__}: {reason}" if reason else type(error).__name__
        raise ModelLoadError(
            f"cannot load {what} {name!r} ({detail}); run `interpreter models verify {name}`"
        ) from None


def choose_asr(store: ModelStore, languages: tuple[str, ...], wanted: str | None) -> ModelEntry:
    if wanted:
        entry = store.catalog.get(wanted)
        if entry.kind != "asr":
            raise ModelError(f"model {wanted!r} is a {entry.kind} model; pick a whisper-* model")
        store.path(wanted)
        missing = [code for code in languages if code not in entry.languages]
        if missing:
            raise ModelError(
                f"model {wanted!r} does not recognise {','.join(missing)}; "
                "use a multilingual model such as whisper-base"
            )
        return entry
    for name in ASR_PREFERENCE:
        entry = store.catalog.get(name)
        if store.is_installed(name) and all(code in entry.languages for code in languages):
            return entry
    raise ModelError(
        f"no speech recognition model for {','.join(languages)} is installed; "
        "run `interpreter models fetch whisper-base`"
    )


def build_vad(store: ModelStore) -> SileroVad:
    """Silero from the store when installed there, else the copy faster-whisper ships."""
    if store.is_installed(VAD_MODEL):
        path: Path | None = next(iter(sorted(store.path(VAD_MODEL).glob("*.onnx"))), None)
        try:
            return load_model(VAD_MODEL, "the VAD model", lambda: SileroVad(path))
        except ModelError as error:
            if f"models verify {VAD_MODEL}" in str(error):
                raise
            raise ModelLoadError(
                f"cannot load the VAD model {VAD_MODEL!r} from {str(path)!r}; run "
                f"`interpreter models verify {VAD_MODEL}`, then "
                f"`interpreter models fetch {VAD_MODEL} --force`"
            ) from None
    return SileroVad()


def build_endpointer(store: ModelStore, options: EndpointerOptions) -> tuple[Endpointer, str]:
    name = (
        VAD_MODEL if store.is_installed(VAD_MODEL) else f"{VAD_MODEL} (bundled with faster-whisper)"
    )
    return Endpointer(build_vad(store), options), name


def _nmt_entries(store: ModelStore, directions: Directions) -> list[ModelEntry]:
    """Installed text models that serve a direction, directly or through English."""
    needed = {(s, t) for s, t in directions.targets.items() if s != t}
    for source, target in list(needed):
        if "en" not in (source, target):
            needed |= {(source, "en"), ("en", target)}
    chosen: list[ModelEntry] = []
    for entry in store.installed():
        if entry.kind != "mt":
            continue
        if entry.family == "marian":
            useful = tuple(entry.languages) in needed
        else:
            useful = any(s in entry.languages and t in entry.languages for s, t in needed)
        if useful:
            chosen.append(entry)
    return chosen


ESPEAK_VOICE = "espeak-ng"


def _voices(
    store: ModelStore, directions: Directions, chosen: dict[str, str] | None = None
) -> dict[str, PiperVoiceModel]:
    voices: dict[str, PiperVoiceModel] = {}
    chosen = chosen or {}
    for target in sorted(set(directions.targets.values())):
        wanted = chosen.get(target)
        if wanted == ESPEAK_VOICE:
            continue
        if wanted is not None:
            if not store.is_installed(wanted):
                raise ModelError(
                    f"voice {wanted!r} for {target} is not installed; "
                    f"run `interpreter models fetch {wanted}` or choose another in [voices]"
                )
            voices[target] = _voice(store, wanted, target)
            continue
        for entry in store.installed():
            if entry.kind == "tts" and tuple(entry.languages) == (target,):
                voices[target] = _voice(store, entry.name, target)
                break
    return voices


def _voice(store: ModelStore, name: str, target: str) -> PiperVoiceModel:
    path = store.path(name)
    return load_model(name, "voice", lambda: PiperVoiceModel(path, target, name))


def open_glossary(options: StageOptions) -> GlossaryFile:
    """The glossary file, read once now so a broken one is a one-line error at start."""

    def warn(message: str) -> None:
        print(f"warning: {message}", file=sys.stderr, flush=True)

    glossary = GlossaryFile(options.glossary_path or default_glossary_path(), warn)
    glossary.current()
    return glossary


def build_translator(
    store: ModelStore,
    directions: Directions,
    options: StageOptions,
    clock: Clock,
    speech_translator: Transcriber | None = None,
    phrasebook: Phrasebook | None = None,
    glossary: GlossaryFile | None = None,
) -> tuple[TranslatorChain, tuple[str, ...], int]:
    book = phrasebook if phrasebook is not None else Phrasebook.load()
    nmt_models = [_nmt_model(store, e, options.nmt) for e in _nmt_entries(store, directions)]
    chain = TranslatorChain(
        book,
        nmt_models,
        speech_translator,
        options.translator,
        clock,
        glossary=glossary.current if glossary is not None else None,
    )
    return chain, tuple(model.name for model in nmt_models), len(book)


def _nmt_model(store: ModelStore, entry: ModelEntry, options: NmtOptions) -> NmtModel:
    path = store.path(entry.name)
    return load_model(
        entry.name,
        "translation model",
        lambda: NmtModel(
            path,
            entry.family,
            tuple(entry.languages),
            options,
            entry.name,
            source_prefix=entry.source_prefix,
        ),
    )


def _transcriber(
    store: ModelStore,
    entry: ModelEntry,
    options: TranscriberOptions,
    clock: Clock,
    context: Callable[[str], str],
) -> Transcriber:
    path = store.path(entry.name)
    return load_model(
        entry.name,
        "speech recognition model",
        lambda: Transcriber(path, options, clock, name=entry.name, context=context),
    )


def build_synthesizer(
    store: ModelStore, directions: Directions, options: StageOptions, clock: Clock
) -> tuple[Synthesizer, dict[str, str]]:
    voices: dict[str, Voice] = dict(_voices(store, directions, options.voices))
    reader = NumberReader(AmountFinder.load())
    synthesizer = Synthesizer(voices, options.synthesizer, clock, reader=reader)
    names = {}
    for target in sorted(set(directions.targets.values())):
        voice = synthesizer.voice_for(target)
        names[target] = voice.name if voice is not None else "none (text only)"
    return synthesizer, names


# A model is only worth loading as the budget's faster rung when it is clearly smaller
# (Whisper tiny is about half of base; tiny.en is no smaller than tiny).
SMALLER_ASR_MAX_SHARE = 0.75


def choose_smaller_asr(
    store: ModelStore, languages: tuple[str, ...], main: ModelEntry
) -> ModelEntry | None:
    """The latency budget's last recognition rung: the most accurate installed Whisper
    after `main` in ASR_PREFERENCE that knows every language and is clearly smaller;
    None when there is none (whisper-tiny.en, say, for a pair with Chinese)."""
    if main.name not in ASR_PREFERENCE:
        return None
    main_size = main.size_bytes
    for name in ASR_PREFERENCE[ASR_PREFERENCE.index(main.name) + 1 :]:
        if name not in store.catalog or not store.is_installed(name):
            continue
        entry = store.catalog.get(name)
        if not all(code in entry.languages for code in languages):
            continue
        size = entry.size_bytes
        if main_size is not None and size is not None and size > SMALLER_ASR_MAX_SHARE * main_size:
            continue
        return entry
    return None


def build_interpreter(
    store: ModelStore,
    directions: Directions,
    options: StageOptions,
    clock: Clock,
    vad_name: str,
    phrasebook: Phrasebook | None = None,
    smaller_model: bool = False,
) -> tuple[Interpreter, ModelsUsed]:
    """The loaded stages; the endpointer is built apart (`build_endpointer`) because it
    is cheap and lets a silent recording be refused before Whisper loads.

    `smaller_model` also loads a smaller Whisper (`choose_smaller_asr`) for the latency
    budget's last rung, when one is installed. Only a live session has a budget, so
    only it asks: a file would pay the memory (about 100 MB for tiny) for nothing.
    """
    asr_entry = choose_asr(store, directions.listen, options.asr_model)
    glossary = open_glossary(options)

    def hotwords(code: str) -> str:
        return glossary.current().hotwords((code,))

    transcriber = _transcriber(store, asr_entry, options.transcriber, clock, hotwords)
    transcriber.check_languages(directions.listen)
    smaller_entry = (
        choose_smaller_asr(store, directions.listen, asr_entry) if smaller_model else None
    )
    smaller = None
    if smaller_entry is not None:
        smaller = _transcriber(store, smaller_entry, options.transcriber, clock, hotwords)
        smaller.check_languages(directions.listen)
    translator, mt_names, phrases = build_translator(
        store,
        directions,
        options,
        clock,
        speech_translator=transcriber if transcriber.is_multilingual else None,
        phrasebook=phrasebook,
        glossary=glossary,
    )
    synthesizer, voice_names = (
        build_synthesizer(store, directions, options, clock) if options.speak else (None, {})
    )
    used = ModelsUsed(
        asr=asr_entry.name,
        vad=vad_name,
        mt=mt_names,
        voices=voice_names,
        phrasebook_phrases=phrases,
    )
    interpreter = Interpreter(
        transcriber,
        translator,
        synthesizer,
        clock,
        smaller_transcriber=smaller,
        doubt=options.doubt,
    )
    interpreter.warm_up()
    languages = tuple(sorted({*directions.listen, *directions.targets.values()}))
    translator.guard.finder.warm_up(languages)
    if synthesizer is not None:
        synthesizer.warm_up_reader(languages)
    return interpreter, used


def models_for_direction(catalog: Catalog, source: str, target: str) -> list[str]:
    """The catalog models that would translate free speech from source to target."""
    direct = f"opus-mt-{source}-{target}"
    if direct in catalog:
        return [direct]
    pivot = [f"opus-mt-{source}-{PIVOT_LANGUAGE}", f"opus-mt-{PIVOT_LANGUAGE}-{target}"]
    if all(name in catalog for name in pivot):
        return pivot
    return [e.name for e in catalog if e.family == "nllb" and {source, target} <= set(e.languages)]


def describe_gaps(
    translator: TranslatorChain,
    directions: Directions,
    voices: dict[str, str],
    catalog: Catalog,
) -> list[str]:
    """What the listener will miss, said once at start rather than on every turn."""
    notes = []
    for source, target in sorted(directions.targets.items()):
        if source == target:
            continue
        methods = translator.methods_for(source, target)
        if any(m in (Method.NMT, Method.WHISPER_TRANSLATE) for m in methods):
            continue
        covered = (
            "only phrasebook sentences are translated"
            if Method.PHRASEBOOK in methods
            else "nothing is translated (the transcript is shown)"
        )
        fetch = " ".join(models_for_direction(catalog, source, target))
        fix = f"; for free speech run `interpreter models fetch {fetch}`" if fetch else ""
        notes.append(f"{source}->{target}: {covered}{fix}")
    for target, voice in sorted(voices.items()):
        if voice.startswith("none"):
            piper = next(
                (e.name for e in catalog if e.kind == "tts" and e.languages == (target,)), None
            )
            fix = f"run `interpreter models fetch {piper}`" if piper else "add a piper voice"
            notes.append(
                f"no voice for {target}: translations are shown, not spoken; "
                f"install espeak-ng or {fix}"
            )
    return notes
