"""Speech to text with Whisper, as a stall needs it.

The model is driven on CTranslate2 directly (`whisper`) because a stall needs what
faster-whisper's stock `transcribe()` does not give: language detection limited to the
two parties' languages from the same encoder pass, an output length capped by the
audio duration, and guards against text Whisper invents. This module is that policy:
the level gate, the encoder window (the utterance plus a margin, and a wider one when
the first reading looks degenerate), drafts of speech still going, and the cleaning of
what was read.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from interpreter.asr.hallucination import (
    cut_repetition,
    cut_runaway,
    is_invented,
    read_once,
    restarts_itself,
    said_once,
)
from interpreter.asr.readings import WINDOW_S, Decoded, Draft, as_written, compression_ratio
from interpreter.asr.whisper import Whisper
from interpreter.core.chinese import SimplifiedChinese
from interpreter.core.clock import Clock, MonotonicClock
from interpreter.core.compute import resolve_device
from interpreter.core.errors import ModelError
from interpreter.core.types import Heard, Transcript, Utterance

if TYPE_CHECKING:
    from ctranslate2 import StorageView


@dataclass(frozen=True)
class TranscriberOptions:
    # "cpu", "cuda" or "auto" (core/compute.py): the CPU by default, as a stall device
    # has no GPU.
    device: str = "cpu"
    # "default": int8 on a CPU, float16 on a GPU, the fast settings for Whisper.
    compute_type: str = "default"
    # 0: one thread per core, since the transcript is on the path to the first sound.
    cpu_threads: int = 0
    # Greedy: a wider beam cost twice as much for no fewer word errors.
    beam_size: int = 1
    # The encoder reads the utterance plus a margin, not Whisper's 30 s, because its
    # cost grows with the window and a stall utterance lasts a few seconds.
    adaptive_window: bool = True
    # Whisper needs a few seconds of padding after the words to know they ended.
    window_margin_s: float = 3.0
    # The shortest window, so that a word or two still comes with padding.
    min_window_s: float = 2.0
    # Decode again on the wider window when the short one's text is this unlikely
    # (None: only loops, restarts and runaway length send it back).
    fallback_log_prob: float | None = -1.5
    # The second pass's window is the utterance plus this margin (None: Whisper's full
    # 30 s): longer than the first pass's, which stops most loops, and no longer,
    # since the encoder's cost grows with the window.
    fallback_margin_s: float | None = 8.0
    # The output limit is min_tokens plus this many tokens per second of audio, so a
    # decode stuck in a loop stops near the length of what was said.
    tokens_per_s: float = 12.0
    min_tokens: int = 16
    # Whisper's own thresholds: a reading it thinks holds no speech and is unsure of is
    # silence, and text that compresses this well is a loop.
    no_speech_threshold: float = 0.6
    log_prob_threshold: float = -1.0
    compression_ratio_threshold: float = 2.4
    # The loudest 100 ms must reach this; quieter is an empty room, not a quiet voice.
    min_peak_dbfs: float = -55.0
    # Whisper's probability for the allowed languages together must reach this, kept
    # low because it only has to keep out a third language (0: no detection when one
    # language is allowed, as with a push-to-talk button).
    min_language_prob: float = 0.003


def peak_dbfs(samples: np.ndarray, sample_rate: int, window_ms: int = 100) -> float:
    """Level of the loudest window: pauses around the words do not pull it down."""
    window = max(1, sample_rate * window_ms // 1000)
    count = len(samples) // window
    if count == 0:
        windows = samples[np.newaxis, :] if len(samples) else np.zeros((1, 1), np.float32)
    else:
        windows = samples[: count * window].reshape(count, window)
    rms = np.sqrt(np.mean(np.square(windows, dtype=np.float64), axis=1))
    return 20.0 * math.log10(max(float(rms.max()), 1e-6))


class Transcriber:
    """One loaded Whisper model; `transcribe` is synchronous and clock-free apart from
    stamping the transcript with the injected clock."""

    def __init__(
        self,
        model_dir: Path,
        options: TranscriberOptions | None = None,
        clock: Clock | None = None,
        name: str = "",
        context: Callable[[str], str] | None = None,
    ) -> None:
        """`context` gives, for a language, words Whisper should expect (the merchant's
        glossary); it is asked on every decode, so a glossary edit applies at once."""
        self.options = options or TranscriberOptions()
        self.name = name or model_dir.name
        self._clock = clock or MonotonicClock()
        self._context = context
        device = resolve_device(self.options.device)
        self.device = device
        self._whisper = Whisper(
            model_dir,
            device=device,
            compute_type=self.options.compute_type,
            cpu_threads=self.options.cpu_threads,
            name=self.name,
        )
        self._simplified = SimplifiedChinese()

    @property
    def is_multilingual(self) -> bool:
        return self._whisper.is_multilingual

    def check_languages(self, languages: tuple[str, ...]) -> None:
        if not self.is_multilingual and tuple(languages) != ("en",):
            raise ModelError(
                f"model {self.name!r} recognises English only, not {','.join(languages)}; "
                "use a multilingual model such as whisper-base"
            )

    def transcribe(
        self,
        utterance: Utterance,
        languages: tuple[str, ...],
        language: str | None = None,
        prefix: tuple[int, ...] = (),
        quick: bool = False,
    ) -> Transcript:
        """Text in one of `languages`, or an empty text when nobody really spoke.

        `language` and `prefix` come from drafts made while the party spoke (see
        `early`): the language is then not detected again, and the settled tokens
        are forced, so only the rest is decoded. `quick` is the latency budget's
        fast rung: greedy, a shorter output limit and no second pass.
        """
        self.check_languages(languages)
        level = peak_dbfs(utterance.samples, utterance.sample_rate)
        if level < self.options.min_peak_dbfs:
            return self._transcript(utterance, "", languages[0], 0.0)
        window_s = self.window_for(utterance.duration_s)
        encoded = self._whisper.encode(utterance.samples, window_s)
        if language is None:
            language, allowed_prob = self._pick_language(encoded, languages)
            if allowed_prob < self.options.min_language_prob:
                return self._transcript(utterance, "", language, 0.0, window_s)
        # A second pass picks the language again, however it was first chosen: on
        # a short window (or a draft of part of the utterance) it is a guess.
        decoded = self._recognise(
            utterance, encoded, window_s, language, "transcribe", prefix, languages, quick
        )
        return self.transcript_of(utterance, as_written(decoded, languages))

    def draft(
        self,
        samples: np.ndarray,
        languages: tuple[str, ...],
        language: str | None = None,
        keep_going: Callable[[], bool] | None = None,
        final: bool = False,
    ) -> Draft | None:
        """One greedy reading of the audio so far, for partial text and early settling;
        None while it is too quiet or in no language of the stall. `final`: the reading
        as the voice stops, which may be the transcript, decodes with `beam_size`.

        `keep_going` is asked between the encoder, the language and the decoder: a
        reading made stale (the voice stopped and the whole utterance wants reading)
        is given up there (None) instead of holding that reading up. A running step
        cannot be stopped, so the wait is the rest of one step, not of the reading."""
        if peak_dbfs(samples, self._whisper.sampling_rate) < self.options.min_peak_dbfs:
            return None
        duration_s = len(samples) / self._whisper.sampling_rate
        window_s = self.window_for(duration_s)
        encoded = self._whisper.encode(samples, window_s)
        if keep_going is not None and not keep_going():
            return None
        if language is None:
            language, allowed_prob = self._pick_language(encoded, languages)
            if allowed_prob < self.options.min_language_prob:
                return None
            if keep_going is not None and not keep_going():
                return None
        beam_size = None if final else 1
        decoded = self._decode(
            encoded, language, "transcribe", duration_s, window_s, beam_size=beam_size
        )
        return Draft(as_written(decoded, languages), duration_s)

    def transcript_from_draft(self, utterance: Utterance, draft: Draft) -> Transcript | None:
        """The transcript a draft of the whole utterance already is; None when that
        draft looks degenerate and the utterance must be decoded properly."""
        decoded = draft.decoded
        if self._degenerate(decoded):
            return None
        return self.transcript_of(utterance, decoded)

    def second_reading(
        self, utterance: Utterance, draft: Draft, languages: tuple[str, ...]
    ) -> Decoded | None:
        """An utterance whose whole reading (`draft`) looked degenerate, decoded on the
        fallback window straight away (`transcript_of` makes it the transcript). The
        short window again would repeat the draft: greedy decoding reads the same audio
        (the draft missed only the quiet tail) the same way, and took half a second on
        two cores to say so (benchmarks/README.md, run 17). None when there is no wider
        window (a long utterance, or no adaptive window): a plain decode is then the
        one left."""
        first_s = draft.decoded.window_s
        if self._fallback_window(utterance.duration_s, first_s) <= first_s:
            return None
        language = draft.language
        second = self._second_pass(utterance, first_s, None, language, "transcribe", languages)
        return as_written(second, languages)

    def translate_to_english(self, utterance: Utterance, language: str) -> tuple[str, float]:
        """Whisper's own speech translation: a last resort when no text model fits."""
        if not self.is_multilingual:
            raise ModelError(f"model {self.name!r} cannot translate speech; use whisper-base")
        window_s = self.window_for(utterance.duration_s)
        encoded = self._whisper.encode(utterance.samples, window_s)
        decoded = self._recognise(utterance, encoded, window_s, language, "translate")
        return self._clean(decoded, "en"), math.exp(decoded.avg_logprob)

    def detect_language(self, utterance: Utterance, languages: tuple[str, ...]) -> str:
        encoded = self._whisper.encode(utterance.samples, self.window_for(utterance.duration_s))
        return self._pick_language(encoded, languages)[0]

    def warm_up(self) -> None:
        """Run the encoder and a few decoder steps once, so the first customer's turn
        does not pay for memory allocation and kernel selection."""
        self._whisper.warm_up({self.window_for(1.0), WINDOW_S})

    def window_for(self, duration_s: float) -> float:
        """The encoder window for an utterance: its length plus the margin, in half
        seconds, at least the minimum and at most Whisper's 30 s."""
        options = self.options
        if not options.adaptive_window:
            return WINDOW_S
        wanted = max(options.min_window_s, duration_s + options.window_margin_s)
        return min(WINDOW_S, math.ceil(wanted * 2.0) / 2.0)

    def _recognise(
        self,
        utterance: Utterance,
        encoded: StorageView,
        window_s: float,
        language: str,
        task: str,
        prefix: tuple[int, ...] = (),
        redetect: tuple[str, ...] = (),
        quick: bool = False,
    ) -> Decoded:
        """Decode on the short window (after the forced prefix, if any); where that
        looks degenerate, once more from scratch on the wider window, picking the language again
        among `redetect`."""
        duration_s = utterance.duration_s
        decoded = self._decode(
            encoded, language, task, duration_s, window_s, prefix, 1 if quick else None, quick
        )
        if not self._degenerate(decoded):
            return decoded
        if quick or (window_s >= WINDOW_S and not prefix):
            return decoded
        return self._second_pass(utterance, window_s, encoded, language, task, redetect)

    def _second_pass(
        self,
        utterance: Utterance,
        first_s: float,
        encoded: StorageView | None,
        language: str,
        task: str,
        redetect: tuple[str, ...],
    ) -> Decoded:
        """From scratch on the fallback window (`encoded` is the first window's, reused
        when the two are the same), the language picked again among `redetect`."""
        second_s = self._fallback_window(utterance.duration_s, first_s)
        if second_s != first_s or encoded is None:
            encoded = self._whisper.encode(utterance.samples, second_s)
        if len(redetect) > 1:
            language, _ = self._pick_language(encoded, redetect)
        return self._decode(encoded, language, task, utterance.duration_s, second_s)

    def _fallback_window(self, duration_s: float, first_s: float) -> float:
        margin_s = self.options.fallback_margin_s
        if margin_s is None:
            return WINDOW_S
        wanted = math.ceil((duration_s + margin_s) * 2.0) / 2.0
        return min(WINDOW_S, max(wanted, first_s))

    def _degenerate(self, decoded: Decoded) -> bool:
        """What a bare short window does to Whisper: loops, or text it is unsure of.
        A whole reading followed by the same again is not: the first reading is kept."""
        options = self.options
        once = read_once(decoded.text)
        if once is not None:
            decoded = replace(decoded, text=once, hit_length_limit=False)
        if decoded.hit_length_limit:
            return True
        if compression_ratio(decoded.text) > options.compression_ratio_threshold:
            return True
        if len(cut_repetition(decoded.text)) < 0.8 * len(decoded.text.strip()):
            return True
        if restarts_itself(decoded.text):
            return True
        if options.fallback_log_prob is None:
            return False
        heard_speech = decoded.no_speech_prob < options.no_speech_threshold
        return heard_speech and decoded.avg_logprob < options.fallback_log_prob

    def transcript_of(self, utterance: Utterance, decoded: Decoded) -> Transcript:
        """A decode as the utterance's transcript: its text cleaned, its confidence."""
        text = self._clean(decoded, decoded.language)
        confidence = math.exp(decoded.avg_logprob)
        heard = decoded.heard if text else ()
        if decoded.language == "zh":
            heard = tuple(Heard(self._simplified.convert(h.text), h.probability) for h in heard)
        return self._transcript(
            utterance, text, decoded.language, confidence, decoded.window_s, heard
        )

    def _transcript(
        self,
        utterance: Utterance,
        text: str,
        language: str,
        confidence: float,
        window_s: float = WINDOW_S,
        heard: tuple[Heard, ...] = (),
    ) -> Transcript:
        return Transcript(
            utterance_id=utterance.id,
            text=text,
            language=language,
            confidence=round(confidence, 3),
            t_done_s=self._clock.now(),
            encoder_window_s=window_s,
            heard=heard,
        )

    def _pick_language(self, encoded: StorageView, languages: tuple[str, ...]) -> tuple[str, float]:
        """The most likely of the allowed languages (never one nobody at the stall speaks),
        and the probability Whisper gives the allowed languages together."""
        single = len(languages) == 1 and self.options.min_language_prob <= 0.0
        if single or not self.is_multilingual:
            return languages[0], 1.0
        return self._whisper.pick_language(encoded, languages)

    def _decode(
        self,
        encoded: StorageView,
        language: str,
        task: str,
        duration_s: float,
        window_s: float,
        prefix: tuple[int, ...] = (),
        beam_size: int | None = None,
        short: bool = False,
    ) -> Decoded:
        """Every reading measures each piece's probability (any draft may become the
        transcript, and a number in it is spoken only when heard clearly)."""
        options = self.options
        context = self._context(language) if self._context and task == "transcribe" else ""
        # Short: about as many tokens as fast speech has (8 a second), not the options'
        # generous limit; a runaway decode then stops sooner.
        tokens_per_s = min(options.tokens_per_s, 8.0) if short else options.tokens_per_s
        new_tokens = int(options.min_tokens + tokens_per_s * duration_s)
        return self._whisper.decode(
            encoded,
            language,
            task,
            window_s,
            new_tokens=new_tokens,
            beam_size=beam_size or options.beam_size,
            prefix=prefix,
            context=context,
            measure=task == "transcribe",
        )

    def _clean(self, decoded: Decoded, language: str) -> str:
        options = self.options
        silent = (
            decoded.no_speech_prob > options.no_speech_threshold
            and decoded.avg_logprob < options.log_prob_threshold
        )
        if silent:
            return ""
        # A broken last character also says the decoder was stopped mid-token: a forced
        # prefix can stop it short of the limit `hit_length_limit` counts.
        stopped = decoded.hit_length_limit or decoded.text.endswith("\ufffd")
        text = said_once(cut_runaway(decoded.text) if stopped else decoded.text)
        looped = len(text) < 0.8 * len(decoded.text.strip()) or decoded.hit_length_limit
        if looped and decoded.no_speech_prob > 0.5:
            # A loop where Whisper itself doubts there is speech: babble or noise read
            # as words ("I'm going to say that ..."), even on a wide window.
            return ""
        if compression_ratio(text) > options.compression_ratio_threshold:
            return ""
        if is_invented(text, decoded.no_speech_prob, decoded.avg_logprob):
            return ""
        if language == "zh":
            text = self._simplified.convert(text)
        return text
