"""Neural translation on CTranslate2: OPUS-MT Marian pairs and NLLB / M2M100.

A Marian pair has its own source and target sentencepiece models and knows one
direction; NLLB and M2M100 share one sentencepiece model and are steered by language
tokens (a source token before the text, a target token forced as the first output).
Sentences are translated as one batch: shorter inputs decode faster and better than
one long line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interpreter.core.chinese import SimplifiedChinese
from interpreter.core.compute import resolve_device
from interpreter.core.errors import ModelError
from interpreter.core.languages import language
from interpreter.core.text import split_sentences

FAMILIES = ("marian", "nllb", "m2m100")
_SHARED_SPM = ("sentencepiece.bpe.model", "spm.128k.model", "sentencepiece.model")


@dataclass(frozen=True)
class NmtOptions:
    # "cpu", "cuda" or "auto" (core/compute.py): the CPU by default, as a stall
    # device has no GPU.
    device: str = "cpu"
    # "default": int8 on a CPU, int8_float16 on a GPU, the fast settings for each.
    compute_type: str = "default"
    # 0: one thread per core, since a translation is on the path to the first sound.
    cpu_threads: int = 0
    # Greedy: the first translated piece is on the path to the first sound.
    beam_size: int = 1
    # The absolute limit on a translation's length in pieces, for any sentence.
    max_decoding_length: int = 200
    # A sentence's translation is rarely three times its length in pieces; a model
    # stuck in a loop is stopped there instead of at the absolute limit.
    output_ratio: float = 3.0
    # Pieces allowed above that ratio, so a short sentence's longer translation
    # ("你好" -> "Hello there.") is not cut.
    length_slack_pieces: int = 8
    # A sentence longer than this many pieces is cut, so that a run-on transcript
    # costs a bounded time (the encoder's cost grows with its input).
    max_input_tokens: int = 256


def _language_token(family: str, code: str) -> str:
    found = language(code)
    return found.nllb_code if family == "nllb" else found.m2m100_code


class NmtModel:
    """One CTranslate2 translation model and its tokenizers."""

    def __init__(
        self,
        model_dir: Path,
        family: str,
        languages: tuple[str, ...],
        options: NmtOptions | None = None,
        name: str = "",
        source_prefix: str = "",
    ) -> None:
        import ctranslate2
        import sentencepiece

        if family not in FAMILIES:
            raise ModelError(f"model {name or model_dir.name!r} has unknown family {family!r}")
        self.name = name or model_dir.name
        self.family = family
        self.languages = tuple(languages)
        self.options = options or NmtOptions()
        self._source_prefix = [source_prefix] if source_prefix else []
        if family == "marian":
            source_spm, target_spm = model_dir / "source.spm", model_dir / "target.spm"
        else:
            shared = next((model_dir / n for n in _SHARED_SPM if (model_dir / n).exists()), None)
            source_spm = target_spm = shared or model_dir / _SHARED_SPM[0]
        for path in (source_spm, target_spm):
            if not path.exists():
                raise ModelError(
                    f"model {self.name!r} lacks {path.name}; "
                    f"run `interpreter models verify {self.name}`, then "
                    f"`interpreter models fetch {self.name} --force`"
                )
        self._source_spm = self._tokenizer(sentencepiece, source_spm)
        self._target_spm = (
            self._source_spm
            if target_spm == source_spm
            else self._tokenizer(sentencepiece, target_spm)
        )
        device = resolve_device(self.options.device)
        compute_type = self.options.compute_type
        if compute_type == "default":
            compute_type = "int8_float16" if device == "cuda" else "int8"
        try:
            self._translator = ctranslate2.Translator(
                str(model_dir),
                device=device,
                compute_type=compute_type,
                intra_threads=self.options.cpu_threads or (os.cpu_count() or 1),
            )
        except (RuntimeError, ValueError, OSError) as error:
            reason = (str(error).strip().splitlines() or [type(error).__name__])[0][:160]
            raise ModelError(
                f"cannot load translation model {self.name!r} ({reason}); "
                f"run `interpreter models verify {self.name}`"
            ) from None
        self._simplified = SimplifiedChinese()

    def _tokenizer(self, sentencepiece: Any, path: Path) -> Any:
        """A sentencepiece model, a damaged one as a ModelError naming the model."""
        try:
            return sentencepiece.SentencePieceProcessor(model_file=str(path))
        except MemoryError:
            raise
        except Exception as error:  # RuntimeError or OSError, by sentencepiece version
            reason = (str(error).strip().splitlines() or [type(error).__name__])[0][:160]
            raise ModelError(
                f"cannot load translation model {self.name!r}: {path.name} is damaged "
                f"({reason}); run `interpreter models verify {self.name}`"
            ) from None

    def supports(self, source: str, target: str) -> bool:
        if source == target:
            return False
        if self.family == "marian":
            return self.languages == (source, target)
        return source in self.languages and target in self.languages

    def warm_up(self) -> None:
        source, target = (
            self.languages if self.family == "marian" else (self.languages[0], self.languages[1])
        )
        self.translate("Hello.", source, target)

    def translate(self, text: str, source: str, target: str) -> str:
        if not self.supports(source, target):
            raise ModelError(f"model {self.name!r} does not translate {source} to {target}")
        sentences = split_sentences(text) or [text]
        batch = [self._source_tokens(sentence, source) for sentence in sentences]
        prefix = None
        if self.family != "marian":
            prefix = [[_language_token(self.family, target)] for _ in batch]
        longest = max(len(tokens) for tokens in batch)
        results = self._translator.translate_batch(
            batch,
            target_prefix=prefix,
            beam_size=self.options.beam_size,
            max_decoding_length=min(
                self.options.max_decoding_length,
                int(self.options.output_ratio * longest) + self.options.length_slack_pieces,
            ),
            max_input_length=self.options.max_input_tokens,
        )
        outputs = []
        for result in results:
            tokens = list(result.hypotheses[0])
            if prefix is not None and tokens and tokens[0] == prefix[0][0]:
                tokens = tokens[1:]
            # A shared vocabulary holds pieces the target tokenizer lacks (a copied
            # name, say); those come back with their word-boundary mark.
            text = self._target_spm.decode_pieces(tokens).replace("\u2581", " ")
            outputs.append(" ".join(text.split()))
        joined = ("" if target == "zh" else " ").join(o for o in outputs if o)
        return self._simplified.convert(joined) if target == "zh" else joined

    def _source_tokens(self, sentence: str, source: str) -> list[str]:
        pieces = self._source_spm.encode(sentence, out_type=str)
        pieces = pieces[: self.options.max_input_tokens - 2 - len(self._source_prefix)]
        if self.family == "marian":
            return [*self._source_prefix, *pieces, "</s>"]
        return [_language_token(self.family, source), *pieces, "</s>"]
