"""Speaking the translation, sentence by sentence.

The voice ladder: a Piper voice for the target language; else espeak-ng, robotic but
present for nearly every language; else no sound, with the text still shown and the
gap said once. Synthesis yields one chunk per sentence so the first sentence can play
while the next is made.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from interpreter.core.clock import Clock, MonotonicClock
from interpreter.core.errors import ModelError
from interpreter.core.languages import language
from interpreter.core.text import bounded_pieces, lead_and_rest, split_sentences
from interpreter.core.types import SpeechChunk, Translation

if TYPE_CHECKING:
    from piper import PiperVoice


class Voice(Protocol):
    # Read-only, so that a frozen dataclass (the demo's recorded voice) is a Voice too.
    @property
    def name(self) -> str: ...

    @property
    def language(self) -> str: ...

    @property
    def sample_rate(self) -> int: ...

    def speak(self, text: str) -> Iterator[np.ndarray]:
        """Float32 mono audio, one array per sentence."""
        ...


@dataclass(frozen=True)
class SynthesizerOptions:
    # espeak-ng speaks a language no Piper voice is installed for: robotic, but heard.
    use_espeak: bool = True
    # espeak-ng's speaking rate (its `-s`), a little under its default of 175 so that
    # its robotic voice is easier to follow.
    espeak_words_per_minute: int = 150
    # A Piper voice renders a whole sentence before its first sample, so the first words
    # of a long first sentence are spoken on their own and the listener hears sooner
    # (Chinese, with no spaces, only at a comma with this many characters on each side).
    lead_words: int = 4
    # Piper holds all of a sentence in memory while it renders it, so a long sentence
    # is spoken in pieces to keep the device under 1 GB.
    max_sentence_chars: int = 90


class PiperVoiceModel:
    def __init__(
        self,
        model_dir: Path,
        language_code: str,
        name: str = "",
        length_scale: float = 1.0,
        vary: bool = True,
    ) -> None:
        """`vary=False` turns off the voice's random variation (the same text, the same
        audio), which a benchmark's replay needs and a listener does not."""
        onnx = sorted(model_dir.glob("*.onnx"))
        if not onnx:
            raise ModelError(
                f"voice {name or model_dir.name!r} has no .onnx file in {str(model_dir)!r}; "
                f"run `interpreter models verify {name or model_dir.name}`, then "
                f"`interpreter models fetch {name or model_dir.name} --force`"
            )
        label = name or model_dir.name
        try:
            self._voice = _load_piper(onnx[0])
        except Exception as error:  # onnxruntime's errors derive from Exception only
            raise ModelError(
                f"cannot load voice {label!r} ({type(error).__name__}: damaged files?); "
                f"run `interpreter models verify {label}`, then "
                f"`interpreter models fetch {label} --force`"
            ) from None
        self.name = name or onnx[0].stem
        self.language = language_code
        self.sample_rate = int(self._voice.config.sample_rate)
        self._length_scale = length_scale
        self._vary = vary

    def speak(self, text: str) -> Iterator[np.ndarray]:
        from piper import SynthesisConfig

        config = SynthesisConfig(length_scale=self._length_scale)
        if not self._vary:
            config = SynthesisConfig(
                length_scale=self._length_scale, noise_scale=0.0, noise_w_scale=0.0
            )
        for chunk in self._voice.synthesize(text, syn_config=config):
            yield chunk.audio_float_array.astype(np.float32, copy=False)


def _load_piper(onnx_path: Path) -> PiperVoice:
    """Piper's own loader keeps onnxruntime's memory arena, which holds on to the
    buffers of the longest sentence ever spoken: a day at the counter only grows it.
    Without the arena, memory returns after each sentence at no measured cost."""
    import json

    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    config = json.loads(Path(f"{onnx_path}.json").read_text(encoding="utf-8"))
    options = onnxruntime.SessionOptions()
    options.enable_cpu_mem_arena = False
    session = onnxruntime.InferenceSession(
        str(onnx_path), sess_options=options, providers=["CPUExecutionProvider"]
    )
    return PiperVoice(session=session, config=PiperConfig.from_dict(config))


def speech_audio(chunks: list[SpeechChunk]) -> tuple[np.ndarray, int]:
    """A turn's chunks as one array at the first chunk's rate (voices may differ)."""
    from interpreter.audio.files import resample

    rate = chunks[0].sample_rate
    return np.concatenate([resample(c.samples, c.sample_rate, rate) for c in chunks]), rate


def espeak_path() -> str | None:
    return shutil.which("espeak-ng")


class EspeakVoice:
    """espeak-ng through its command line: no Python binding to install or break."""

    sample_rate = 22_050

    def __init__(self, language_code: str, words_per_minute: int = 150) -> None:
        executable = espeak_path()
        if executable is None:
            raise ModelError("espeak-ng is not installed; run `sudo apt install espeak-ng`")
        self._executable = executable
        self._voice = language(language_code).espeak_voice
        self._rate = words_per_minute
        self.language = language_code
        self.name = f"espeak-ng:{self._voice}"

    def speak(self, text: str) -> Iterator[np.ndarray]:
        yield self.render(text)

    def render(self, text: str) -> np.ndarray:
        result = subprocess.run(
            [self._executable, "-v", self._voice, "-s", str(self._rate), "--stdout", text],
            capture_output=True,
            check=False,
            timeout=30,
        )
        if result.returncode != 0:
            message = result.stderr.decode(errors="replace").strip().splitlines()
            raise ModelError(
                f"espeak-ng failed for voice {self._voice!r}: "
                f"{message[0] if message else result.returncode}; check `espeak-ng --voices`"
            )
        samples, rate = parse_streamed_wav(result.stdout)
        self.sample_rate = rate
        return samples


def parse_streamed_wav(data: bytes) -> tuple[np.ndarray, int]:
    """Read 16-bit PCM from a WAV whose sizes are placeholders (written to a pipe)."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ModelError("espeak-ng did not return WAV audio; check the espeak-ng install")
    position = 12
    rate = 22_050
    while position + 8 <= len(data):
        chunk_id = data[position : position + 4]
        (size,) = struct.unpack("<I", data[position + 4 : position + 8])
        body = position + 8
        if chunk_id == b"fmt ":
            rate = struct.unpack("<I", data[body + 4 : body + 8])[0]
        if chunk_id == b"data":
            pcm = data[body:]
            pcm = pcm[: len(pcm) // 2 * 2]
            return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0, rate
        position = body + size + (size & 1)
    raise ModelError("espeak-ng returned WAV audio without samples")


class Synthesizer:
    def __init__(
        self,
        voices: dict[str, Voice],
        options: SynthesizerOptions | None = None,
        clock: Clock | None = None,
        reader: Callable[[str, str], str] | None = None,
    ) -> None:
        """`reader(text, language)` rewrites a sentence for the voice (numbers and
        prices in words, see tts/readaloud.py); the text shown keeps its digits."""
        self._voices = dict(voices)
        self._options = options or SynthesizerOptions()
        self._clock = clock or MonotonicClock()
        self._reader = reader
        self.silent_languages: set[str] = set()

    def warm_up(self) -> None:
        for voice in list(self._voices.values()):
            for _ in voice.speak("OK."):
                pass

    def warm_up_reader(self, languages: tuple[str, ...]) -> None:
        if self._reader is not None:
            for language in languages:
                self._reader("1", language)

    def voice_for(self, language_code: str) -> Voice | None:
        """The best voice for a language, falling back to espeak-ng once and keeping it."""
        if language_code in self._voices:
            return self._voices[language_code]
        if language_code in self.silent_languages:
            return None
        if self._options.use_espeak and espeak_path() is not None:
            voice = EspeakVoice(language_code, self._options.espeak_words_per_minute)
            self._voices[language_code] = voice
            return voice
        self.silent_languages.add(language_code)
        return None

    def synthesize(self, translation: Translation) -> Iterator[SpeechChunk]:
        """One chunk per sentence, yielded as soon as it is made; the last is marked."""
        text = translation.text.strip()
        voice = self.voice_for(translation.target_language) if text else None
        if voice is None:
            return
        if self._reader is not None:
            text = self._reader(text, translation.target_language)
        sentences = split_sentences(text) or [text]
        sentences = lead_and_rest(sentences[0], self._options.lead_words) + sentences[1:]
        limit = self._options.max_sentence_chars
        sentences = [piece for sentence in sentences for piece in bounded_pieces(sentence, limit)]
        for index, sentence in enumerate(sentences):
            arrays = voice.speak(sentence)
            if index < len(sentences) - 1:
                for samples in arrays:
                    yield self._chunk(translation, voice, samples, is_last=False)
                continue
            pending = None
            for samples in arrays:
                if pending is not None:
                    yield self._chunk(translation, voice, pending, is_last=False)
                pending = samples
            if pending is not None:
                yield self._chunk(translation, voice, pending, is_last=True)

    def _chunk(
        self, translation: Translation, voice: Voice, samples: np.ndarray, is_last: bool
    ) -> SpeechChunk:
        return SpeechChunk(
            utterance_id=translation.utterance_id,
            samples=samples,
            sample_rate=voice.sample_rate,
            is_last=is_last,
            t_done_s=self._clock.now(),
            voice=voice.name,
        )
