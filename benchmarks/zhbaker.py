"""A natural Mandarin voice for tests and benchmarks only: the merchant's side of a
recorded counter conversation, which Whisper reads almost as well as a person (espeak-ng's
pinyin voice it mostly cannot).

Never make it a voice of the product: the model (FastSpeech2 + multi-band MelGAN, ONNX,
24 kHz) was trained on the Databaker Chinese Standard Mandarin corpus, whose licence allows
non-commercial use only. It is not in the repository: it lives in shared/voices/zh-baker
beside the checkout (see the README.md there, whose front end this follows).

    voice = BakerVoice()
    audio = np.concatenate(list(voice.speak("我要订500件。")))  # float32, 24 kHz
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from benchmarks.common.audio_cuts import cut_at
from interpreter.amounts.finder import AmountFinder
from interpreter.tts.readaloud import NumberReader, zh_number_words

if TYPE_CHECKING:
    from pypinyin.core import Pinyin

SAMPLE_RATE = 24_000
CLAUSE_PAUSE_S = 0.2
_CLAUSE_END = re.compile(r"(?<=[、，。！？])")
_SENTENCE_END = ("。", "！", "？")
_ZH_DIGITS = "零一二三四五六七八九"


def baker_folder() -> Path:
    """shared/voices/zh-baker beside the checkout (CI puts a copy of shared/ there too)."""
    return Path(__file__).resolve().parents[1].parent / "shared" / "voices" / "zh-baker"


def baker_available() -> bool:
    folder = baker_folder()
    return all(
        (folder / name).is_file()
        for name in ("fastspeech2.onnx", "mb_melgan.onnx", "pinyin_dict.json", "symbol_to_id.json")
    )


def written_out(text: str, reader: NumberReader) -> str:
    """Digits as the characters a merchant says, since the voice reads only characters:
    500件 -> 五百件, 3.5元 -> 三块五, 30% -> 百分之三十 (the interpreter's own reader).
    A quantity keeps its measure word as written (the reader says 3个 as 三件) and a lone
    2 before it is 两; digits left over (a model number) are read one by one."""
    for amount in reversed(reader.finder.find(text, "zh")):
        if not re.search(r"\d", text[amount.start : amount.end]):
            continue  # already in characters
        spoken = reader.spoken(amount, "zh")
        if amount.kind in ("qty", "duration") and amount.value is not None:
            number = "两" if amount.value == 2 else zh_number_words(amount.value)
            spoken = re.sub(r"[\d.,]+", number, text[amount.start : amount.end], count=1)
        if spoken is not None:
            text = f"{text[: amount.start]}{spoken}{text[amount.end :]}"
    return re.sub(r"\d", lambda m: _ZH_DIGITS[int(m.group())], text)


def neutral_tone_pinyin() -> Pinyin:
    """Readings with the neutral tone as 5 (的 -> de5), each clause read as one phrase so
    that a polyphone takes its context."""
    from pypinyin.contrib.neutral_tone import NeutralToneWith5Mixin
    from pypinyin.converter import DefaultConverter
    from pypinyin.core import Pinyin

    class Converter(NeutralToneWith5Mixin, DefaultConverter):
        pass

    return Pinyin(Converter())


class BakerVoice:
    """Duck-types interpreter.tts.synthesizer.Voice: `speak` yields one float32 array per
    sentence."""

    sample_rate = SAMPLE_RATE

    def __init__(self, folder: Path | None = None, threads: int = 2) -> None:
        self.folder = baker_folder() if folder is None else Path(folder)
        if not (self.folder / "fastspeech2.onnx").is_file():
            raise FileNotFoundError(
                f"the natural Mandarin test voice is not at {self.folder}: "
                "put shared/voices/zh-baker beside the checkout"
            )
        self.name = "zh-baker (test voice)"
        self.language = "zh"
        self._threads = threads
        self._ids: dict[str, int] = json.loads(
            (self.folder / "symbol_to_id.json").read_text(encoding="utf-8")
        )["symbol_to_id"]
        self._syllables: dict[str, list[str]] = json.loads(
            (self.folder / "pinyin_dict.json").read_text(encoding="utf-8")
        )
        self._sessions: tuple[Any, Any] | None = None  # (fastspeech2, mb_melgan), made on first use
        self._reader = NumberReader(AmountFinder.load())
        self._pinyin = neutral_tone_pinyin()

    def phone_ids(self, clause: str) -> list[int]:
        """The model's input for one clause (digits written out first): sil, then the
        initial and the final+tone of each character with #0 between characters, sil, eos.
        """
        return self._ids_of(written_out(clause, self._reader))

    def _ids_of(self, clause: str) -> list[int]:
        return self._ids_of_phones(self._phones_of(clause))

    def _ids_of_phones(self, phones: list[str]) -> list[int]:
        return [self._ids[p] for p in ("sil", *phones, "sil")] + [self._ids["eos"]]

    def _phones_of(self, text: str) -> list[str]:
        """The initial and final+tone of each character, "#0" between characters."""
        from pypinyin import Style

        phones: list[str] = []
        for (reading,) in self._pinyin.pinyin(text, style=Style.TONE3, errors="ignore"):
            base, tone = reading[:-1], reading[-1]
            base = "en" if base == "n" else base
            if not tone.isdigit() or base not in self._syllables:
                continue
            initial, final = self._syllables[base]
            phones += [*(["#0"] if phones else []), initial, f"{final}{tone}"]
        return phones

    def speak_opened(self, segments: Sequence[str], text: str = "") -> list[np.ndarray]:
        """The segments said in one breath, as one phrase (so each but the last goes on
        in the voice rather than ending a sentence), cut apart where each ends: one
        array per segment, each cut edge faded over 10 ms. Where a character ends comes
        from the model's own durations (its third output, frames per phone; a "#0"
        between characters carries the tail of the one before it). `text` is unused:
        the voice reads no punctuation."""
        phones = [self._phones_of(written_out(segment, self._reader)) for segment in segments]
        if not all(phones):
            raise ValueError(f"a segment of {list(segments)} has no character the voice reads")
        joined: list[str] = []
        cuts = []  # the index of each segment's first phone, the first excepted
        for own in phones:
            if joined:
                joined.append("#0")
                cuts.append(len(joined) + 1)  # after sil and the joiner
            joined += own
        audio, frames = self._synthesise_timed(self._ids_of_phones(joined))
        hop = len(audio) // int(frames.sum())
        ends = [int(frames[:cut].sum()) * hop for cut in cuts]
        return cut_at(audio, [(end, end) for end in ends], SAMPLE_RATE)

    def speak(self, text: str) -> Iterator[np.ndarray]:
        """One array per sentence. Each clause (up to 、，。！？) is synthesised alone, since
        a whole sentence runs its clauses together, and clauses are joined with 0.2 s of
        silence (a sentence after the first starts with it)."""
        pause = np.zeros(int(CLAUSE_PAUSE_S * SAMPLE_RATE), dtype=np.float32)
        sentence: list[np.ndarray] = []
        spoken = False
        for clause in _CLAUSE_END.split(written_out(text, self._reader)):
            ids = self._ids_of(clause)
            if len(ids) > 3:  # more than sil, sil, eos
                sentence += [pause] if spoken else []
                sentence.append(self._synthesise(ids))
                spoken = True
            if sentence and clause.endswith(_SENTENCE_END):
                yield np.concatenate(sentence)
                sentence = []
        if sentence:
            yield np.concatenate(sentence)

    def _synthesise(self, ids: list[int]) -> np.ndarray:
        return self._synthesise_timed(ids)[0]

    def _synthesise_timed(self, ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """The audio and the frames each phone lasts."""
        acoustic, vocoder = self._load()
        one = np.array([1.0], dtype=np.float32)
        outputs = acoustic.run(
            None,
            {
                "input_ids": np.array([ids], dtype=np.int32),
                "speaker_ids": np.zeros(1, dtype=np.int32),
                "speed_ratios": one,
                "f0_ratios": one,
                "energy_ratios": one,
            },
        )
        audio = vocoder.run(None, {"mels": outputs[1]})[0]
        frames = np.asarray(outputs[2]).reshape(-1)
        return np.clip(audio.reshape(-1), -1.0, 1.0).astype(np.float32), frames

    def _load(self) -> tuple[Any, Any]:
        if self._sessions is None:
            import onnxruntime

            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = self._threads
            options.log_severity_level = 3
            acoustic, vocoder = (
                onnxruntime.InferenceSession(
                    str(self.folder / name), options, providers=["CPUExecutionProvider"]
                )
                for name in ("fastspeech2.onnx", "mb_melgan.onnx")
            )
            self._sessions = (acoustic, vocoder)
        return self._sessions
