"""One Whisper model on CTranslate2: loading it, the encoder, language scores, the decoder.

faster-whisper loads the model, its tokenizer and its feature extractor; the decoding
itself is driven here, on CTranslate2 directly, so that `transcriber` chooses the
encoder window, scores only the stall's languages on the encoder pass it decodes, and
caps the output length by the audio's duration.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from interpreter.asr.readings import WINDOW_S, Decoded
from interpreter.core.compute import resolve_compute_type
from interpreter.core.errors import InterpreterError, ModelError
from interpreter.core.types import Heard

if TYPE_CHECKING:
    from ctranslate2 import StorageView

# Earlier context given to Whisper (the glossary's words) is cut to this many tokens:
# each one is decoded before the first word, on every utterance.
MAX_CONTEXT_TOKENS = 96


class Whisper:
    """A Whisper model, its tokenizer and its feature extractor, loaded from `model_dir`
    on `device` (already resolved: "cpu" or "cuda"); `name` is the store's, for errors."""

    def __init__(
        self,
        model_dir: Path,
        *,
        device: str,
        compute_type: str,
        cpu_threads: int,
        name: str,
    ) -> None:
        from faster_whisper import WhisperModel

        threads = cpu_threads or (os.cpu_count() or 1)
        try:
            loaded = WhisperModel(
                str(model_dir),
                device=device,
                compute_type=resolve_compute_type(device, compute_type),
                cpu_threads=threads,
                local_files_only=True,
            )
        except (MemoryError, InterpreterError):
            raise
        except Exception as error:  # tokenizers raises a bare Exception for a cut tokenizer.json
            reason = (str(error).strip().splitlines() or [type(error).__name__])[0][:160]
            raise ModelError(
                f"cannot load Whisper model {name!r} from {str(model_dir)!r} ({reason}); "
                f"run `interpreter models verify {name}`"
            ) from None
        self._model = loaded.model
        self._tokenizer = loaded.hf_tokenizer
        self._features = loaded.feature_extractor
        self._context_cache: tuple[str, list[int]] = ("", [])
        self._suppress = self._suppressed_tokens()

    @property
    def is_multilingual(self) -> bool:
        return bool(self._model.is_multilingual)

    @property
    def sampling_rate(self) -> int:
        return int(self._features.sampling_rate)

    def encode(self, samples: np.ndarray, window_s: float) -> StorageView:
        """The encoder's output for the first `window_s` of `samples`, padded with
        silence to the window."""
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

    def pick_language(self, encoded: StorageView, languages: tuple[str, ...]) -> tuple[str, float]:
        """The most likely of `languages` (never another), and the probability Whisper
        gives them together."""
        scores = dict(self._model.detect_language(encoded)[0])
        allowed = {code: scores.get(f"<|{code}|>", 0.0) for code in languages}
        best = max(allowed, key=lambda code: allowed[code])
        return best, sum(allowed.values())

    def decode(
        self,
        encoded: StorageView,
        language: str,
        task: str,
        window_s: float,
        *,
        new_tokens: int,
        beam_size: int,
        prefix: tuple[int, ...] = (),
        context: str = "",
        measure: bool = False,
    ) -> Decoded:
        """One decode of `encoded` in `language`: the `prefix` tokens forced, at most
        `new_tokens` (or the prefix and four more), after `context` as earlier text.
        `measure`: also the probability of each piece of what was generated (about 7%
        more time on two cores: the decoder's scores over the vocabulary are kept)."""
        prompt = self._prompt(language, task, context)
        max_length = min(len(prompt) + max(new_tokens, len(prefix) + 4), 448)
        result = self._model.generate(
            encoded,
            [prompt + list(prefix)],
            beam_size=beam_size,
            max_length=max_length,
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=list(self._suppress),
            repetition_penalty=1.0,
            no_repeat_ngram_size=0,
            return_logits_vocab=measure,
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
            heard=self._heard(result.sequences_ids[0], result.logits[0]) if measure else (),
        )

    def _heard(self, sequence: list[int], logits: list[StorageView]) -> tuple[Heard, ...]:
        """The text tokens of `sequence` as pieces of whole characters, each with the
        lowest probability of its tokens. CTranslate2 gives a row of scores per
        position of the sequence, a forced prefix's included (the probability the model
        gives the forced token)."""
        measured: list[tuple[int, float]] = []
        for token, row in zip(sequence, logits, strict=False):
            if token >= self._eot_id:
                continue
            scores = np.asarray(row, dtype=np.float32).ravel()
            weights = np.exp(scores - float(scores.max()), dtype=np.float64)
            measured.append((token, float(weights[token] / weights.sum())))
        pieces: list[Heard] = []
        start = 0
        for end in range(1, len(measured) + 1):
            text = self._tokenizer.decode([token for token, _ in measured[start:end]])
            if text.endswith("\ufffd") and end < len(measured):
                continue  # a character's bytes run on into the next token
            pieces.append(Heard(text, min(p for _, p in measured[start:end])))
            start = end
        return tuple(pieces)

    def warm_up(self, windows_s: Iterable[float]) -> None:
        """Run the encoder and a few decoder steps once on each window, so the first
        customer's turn does not pay for memory allocation and kernel selection."""
        noise = np.random.default_rng(0).normal(0.0, 0.05, 16_000).astype(np.float32)
        for window_s in windows_s:
            encoded = self.encode(noise, window_s)
            self._model.generate(encoded, [self._prompt("en", "transcribe")], max_length=8)

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
