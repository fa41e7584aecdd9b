"""Speech to text with Whisper on CTranslate2.

faster-whisper loads the model, its tokenizer and its feature extractor; the decoding
itself is driven here, on CTranslate2 directly, because a stall needs what the stock
`transcribe()` does not give: language detection limited to the two parties'
languages from the same encoder pass, an output length capped by the audio duration,
and guards against text Whisper invents.
"""

from __future__ import annotations

import math
import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from interpreter.asr.hallucination import (
    cut_repetition,
    cut_runaway,
    is_invented,
    read_once,
    restarts_itself,
    said_once,
)
from interpreter.core.chinese import SimplifiedChinese
from interpreter.core.clock import Clock, MonotonicClock
from interpreter.core.compute import resolve_compute_type, resolve_device
from interpreter.core.errors import ModelError
from interpreter.core.languages import LANGUAGES, scripts_of
from interpreter.core.types import Transcript, Utterance

WINDOW_S = 30.0
# Earlier context given to Whisper (the glossary's words) is cut to this many tokens:
# each one is decoded before the first word, on every utterance.
MAX_CONTEXT_TOKENS = 96


@dataclass(frozen=True)
class TranscriberOptions:
    device: str = "cpu"
    compute_type: str = "default"
    cpu_threads: int = 0
    # Greedy: on the replay set beam 5 gave the same word error rate at twice the cost.
    beam_size: int = 1
    # The encoder window is the utterance plus a margin (at least min_window_s), not
    # Whisper's 30 s: the encoder's cost grows with the window, and a stall utterance
    # lasts a few seconds. Output that looks degenerate is decoded again on a wider
    # window (fallback_margin_s).
    adaptive_window: bool = True
    # Whisper needs a few seconds of padding after the words to know they ended;
    # with 1 s it read a third of English utterances twice (benchmarks/README.md).
    window_margin_s: float = 3.0
    min_window_s: float = 2.0
    # Decode again on the wider window when the short one's text is this unlikely (None: only
    # loops, restarts and runaway length send it back). -1.5 kept the replay set's
    # Chinese error rate at the full window's while 9 of 46 utterances fell back;
    # -1.0 sent 19 back for no gain.
    fallback_log_prob: float | None = -1.5
    # The second pass's window: the utterance plus this margin (None: Whisper's full
    # 30 s). A longer margin than the first pass's is what stops most loops; the
    # encoder's cost grows with the window, so every second not encoded counts. 8 s
    # took the replay set's second passes from 2.6-3.8 s to 1.8-2.6 s with English
    # unchanged and no Chinese loss (benchmarks/README.md, run 19).
    fallback_margin_s: float | None = 8.0
    tokens_per_s: float = 12.0
    min_tokens: int = 16
    no_speech_threshold: float = 0.6
    log_prob_threshold: float = -1.0
    compression_ratio_threshold: float = 2.4
    # The loudest 100 ms must reach this; quieter is an empty room, not a quiet voice.
    min_peak_dbfs: float = -55.0
    # Whisper's probability for the allowed languages together. Below this the
    # utterance is in a language nobody at the stall chose. Measured with whisper base
    # on the replay set: Piper English scores zh below 0.004 but for one line (0.013,
    # "Thank you, goodbye!"); espeak-ng's robotic Mandarin scores zh from 0.002 to 0.99
    # (often heard as Thai). Real Mandarin is not that ambiguous; the threshold only
    # keeps a third language's speech out. 0 skips detection when only one language is
    # allowed (a push-to-talk button).
    min_language_prob: float = 0.003


@dataclass(frozen=True)
class Decoded:
    text: str
    avg_logprob: float
    no_speech_prob: float
    hit_length_limit: bool = False
    window_s: float = WINDOW_S
    tokens: tuple[int, ...] = ()
    language: str = ""


@dataclass(frozen=True)
class Draft:
    """A quick reading of an utterance that is still being spoken."""

    decoded: Decoded
    audio_s: float

    @property
    def text(self) -> str:
        return self.decoded.text

    @property
    def tokens(self) -> tuple[int, ...]:
        return self.decoded.tokens

    @property
    def language(self) -> str:
        return self.decoded.language


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


def as_written(decoded: Decoded, languages: tuple[str, ...]) -> Decoded:
    """A reading in the language its words are written in. Told <|zh|>, Whisper base
    writes English speech as English words (Piper's "Please send a sample." was heard
    as zh, then routed as the merchant's and translated from Chinese): a reading with
    no letter in its language's script, all in the script of one other language of
    the stall, is that language's. Mixed writing ("USB接口") stays as detected."""
    written = scripts_of(decoded.text)
    own = LANGUAGES.get(decoded.language)
    if not written or own is None or own.script in written:
        return decoded
    others = [c for c in languages if c in LANGUAGES and LANGUAGES[c].script in written]
    if len(written) == 1 and len(others) == 1:
        return replace(decoded, language=others[0])
    return decoded


def compression_ratio(text: str) -> float:
    data = text.encode("utf-8")
    return len(data) / max(1, len(zlib.compress(data)))


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
        from faster_whisper import WhisperModel

        self.options = options or TranscriberOptions()
        self.name = name or model_dir.name
        self._clock = clock or MonotonicClock()
        self._context = context
        self._context_cache: tuple[str, list[int]] = ("", [])
        device = resolve_device(self.options.device)
        self.device = device
        threads = self.options.cpu_threads or (os.cpu_count() or 1)
        try:
            self._whisper = WhisperModel(
                str(model_dir),
                device=device,
                compute_type=resolve_compute_type(device, self.options.compute_type),
                cpu_threads=threads,
                local_files_only=True,
            )
        except (RuntimeError, ValueError, OSError) as error:
            raise ModelError(
                f"cannot load Whisper model from {str(model_dir)!r} ({error}); "
                f"run `interpreter models verify {self.name}`"
            ) from None
        self._model = self._whisper.model
        self._tokenizer = self._whisper.hf_tokenizer
        self._features = self._whisper.feature_extractor
        self._simplified = SimplifiedChinese()
        self._suppress = self._suppressed_tokens()

    @property
    def is_multilingual(self) -> bool:
        return bool(self._model.is_multilingual)

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
        encoded = self._encode(utterance.samples, window_s)
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
        if peak_dbfs(samples, self._features.sampling_rate) < self.options.min_peak_dbfs:
            return None
        duration_s = len(samples) / self._features.sampling_rate
        window_s = self.window_for(duration_s)
        encoded = self._encode(samples, window_s)
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
        encoded = self._encode(utterance.samples, window_s)
        decoded = self._recognise(utterance, encoded, window_s, language, "translate")
        return self._clean(decoded, "en"), math.exp(decoded.avg_logprob)

    def detect_language(self, utterance: Utterance, languages: tuple[str, ...]) -> str:
        encoded = self._encode(utterance.samples, self.window_for(utterance.duration_s))
        return self._pick_language(encoded, languages)[0]

    def warm_up(self) -> None:
        """Run the encoder and a few decoder steps once, so the first customer's turn
        does not pay for memory allocation and kernel selection."""
        noise = np.random.default_rng(0).normal(0.0, 0.05, 16_000).astype(np.float32)
        for window_s in {self.window_for(1.0), WINDOW_S}:
            encoded = self._encode(noise, window_s)
            self._model.generate(encoded, [self._prompt("en", "transcribe")], max_length=8)

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
        encoded,
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
        encoded,
        language: str,
        task: str,
        redetect: tuple[str, ...],
    ) -> Decoded:
        """From scratch on the fallback window (`encoded` is the first window's, reused
        when the two are the same), the language picked again among `redetect`."""
        second_s = self._fallback_window(utterance.duration_s, first_s)
        if second_s != first_s or encoded is None:
            encoded = self._encode(utterance.samples, second_s)
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
        return self._transcript(utterance, text, decoded.language, confidence, decoded.window_s)

    def _transcript(
        self,
        utterance: Utterance,
        text: str,
        language: str,
        confidence: float,
        window_s: float = WINDOW_S,
    ) -> Transcript:
        return Transcript(
            utterance_id=utterance.id,
            text=text,
            language=language,
            confidence=round(confidence, 3),
            t_done_s=self._clock.now(),
            encoder_window_s=window_s,
        )

    def _encode(self, samples: np.ndarray, window_s: float):  # -> ctranslate2.StorageView
        import ctranslate2

        rate = self._features.sampling_rate
        frames_per_s = self._features.nb_max_frames / WINDOW_S
        frames = round(window_s * frames_per_s)
        window = int(window_s * rate)
        mel = self._features(samples[:window])[:, :frames]
        if mel.shape[1] < frames:
            mel = np.pad(mel, ((0, 0), (0, frames - mel.shape[1])))
        batch = np.ascontiguousarray(mel[np.newaxis].astype(np.float32))
        return self._model.encode(ctranslate2.StorageView.from_array(batch), to_cpu=False)

    def _pick_language(self, encoded, languages: tuple[str, ...]) -> tuple[str, float]:
        """The most likely of the allowed languages (never one nobody at the stall speaks),
        and the probability Whisper gives the allowed languages together."""
        single = len(languages) == 1 and self.options.min_language_prob <= 0.0
        if single or not self.is_multilingual:
            return languages[0], 1.0
        scores = dict(self._model.detect_language(encoded)[0])
        allowed = {code: scores.get(f"<|{code}|>", 0.0) for code in languages}
        best = max(allowed, key=lambda code: allowed[code])
        return best, sum(allowed.values())

    def _prompt(self, language: str, task: str, context: str = "") -> list[int]:
        """Whisper's task tokens, after the context words as "previous text" when
        there are any: the way Whisper was trained to carry names across segments."""
        token = self._tokenizer.token_to_id
        prompt = []
        if context:
            prompt = [token("<|startofprev|>"), *self._context_tokens(context)]
        prompt.append(token("<|startoftranscript|>"))
        if self.is_multilingual:
            prompt += [token(f"<|{language}|>"), token(f"<|{task}|>")]
        prompt.append(token("<|notimestamps|>"))
        return prompt

    def _context_tokens(self, context: str) -> list[int]:
        if context != self._context_cache[0]:
            ids = self._tokenizer.encode(" " + context.strip(), add_special_tokens=False).ids
            self._context_cache = (context, ids[:MAX_CONTEXT_TOKENS])
        return self._context_cache[1]

    def _decode(
        self,
        encoded,
        language: str,
        task: str,
        duration_s: float,
        window_s: float,
        prefix: tuple[int, ...] = (),
        beam_size: int | None = None,
        short: bool = False,
    ) -> Decoded:
        options = self.options
        context = self._context(language) if self._context and task == "transcribe" else ""
        prompt = self._prompt(language, task, context)
        # Short: about as many tokens as fast speech has (8 a second), not the options'
        # generous limit; a runaway decode then stops sooner.
        tokens_per_s = min(options.tokens_per_s, 8.0) if short else options.tokens_per_s
        new_tokens = int(options.min_tokens + tokens_per_s * duration_s)
        max_length = min(len(prompt) + max(new_tokens, len(prefix) + 4), 448)
        result = self._model.generate(
            encoded,
            [prompt + list(prefix)],
            beam_size=beam_size or options.beam_size,
            max_length=max_length,
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=list(self._suppress),
            repetition_penalty=1.0,
            no_repeat_ngram_size=0,
        )[0]
        # CTranslate2 returns a forced prefix as part of the result.
        tokens = [t for t in result.sequences_ids[0] if t < self._eot_id]
        if tuple(tokens[: len(prefix)]) != tuple(prefix):
            tokens = [*prefix, *tokens]
        generated = tokens[len(prefix) :]
        text = self._tokenizer.decode(tokens).strip()
        # Scores cover what was generated (the end token included), not a forced prefix.
        scored = len(generated) + 1
        avg_logprob = result.scores[0] * len(generated) / scored if tokens else -10.0
        if prefix and not generated:
            avg_logprob = result.scores[0]
        return Decoded(
            text=text,
            avg_logprob=avg_logprob,
            no_speech_prob=result.no_speech_prob,
            hit_length_limit=len(tokens) >= new_tokens,
            window_s=window_s,
            tokens=tuple(tokens),
            language=language,
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

    @property
    def _eot_id(self) -> int:
        return self._tokenizer.token_to_id("<|endoftext|>")

    def _suppressed_tokens(self) -> tuple[int, ...]:
        """Speaker tags, music notes and bracketed captions are never speech at a stall."""
        token = self._tokenizer.token_to_id
        encode = self._tokenizer.encode
        suppressed: set[int] = set()
        symbols = [*'"#()*;<=>@[\\]^_`{|}~「」『』', "♪", "♪♪", "<<", ">>", "--"]
        for symbol in symbols:
            for variant in (symbol, " " + symbol):
                ids = encode(variant, add_special_tokens=False).ids
                if len(ids) == 1:
                    suppressed.add(ids[0])
        for special in (
            "<|transcribe|>",
            "<|translate|>",
            "<|startoftranscript|>",
            "<|startofprev|>",
            "<|startoflm|>",
            "<|nospeech|>",
            "<|nocaptions|>",
        ):
            found = token(special)
            if found is not None:
                suppressed.add(found)
        return tuple(sorted(suppressed))
