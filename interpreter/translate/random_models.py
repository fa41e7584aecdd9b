"""CTranslate2 translation models with random weights, built on the spot.

No translation weights can be downloaded where the tests and benchmarks run, yet the
real code path (sentencepiece in, CTranslate2 decoding, language tokens, pieces out)
must run for real. A model of the right shape with random weights exercises all of
it; at OPUS-MT size (6+6 layers, 512 wide, 8 heads) it also costs what a real Marian
model costs per token, which is what a latency benchmark needs.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from interpreter.core.languages import language


@dataclass(frozen=True)
class RandomModelShape:
    encoder_layers: int = 1
    decoder_layers: int = 1
    width: int = 32
    heads: int = 2
    ffn_width: int = 64
    vocabulary_size: int = 200
    # One matrix for source and target embeddings and the output projection, as
    # OPUS-MT and NLLB have (a toy model with random weights then echoes its input).
    tie_embeddings: bool = False


# OPUS-MT zh-en: 6+6 layers, 512 wide, 8 heads, a 65,001-entry vocabulary. The output
# projection over the vocabulary is much of a decoding step's cost, so it is kept full
# size (padded with unused pieces) even though the test tokenizer knows far fewer.
MARIAN_SHAPE = RandomModelShape(6, 6, 512, 8, 2048, 65_000, tie_embeddings=True)
# What sentencepiece can learn from a small corpus; the model vocabulary is padded above it.
MAX_TRAINED_PIECES = 8_000


def train_sentencepiece(sentences: Iterable[str], vocabulary_size: int) -> bytes:
    """A sentencepiece model trained on `sentences`, as the bytes of a .model file."""
    import sentencepiece

    buffer = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(list(sentences)),
        model_writer=buffer,
        vocab_size=vocabulary_size,
        character_coverage=1.0,
        model_type="unigram",
        hard_vocab_limit=False,
        minloglevel=2,
    )
    return buffer.getvalue()


def filler_pieces(count: int, taken: set[str]) -> list[str]:
    """Vocabulary padding that reads like words ("▁bakomi"): random weights mostly
    pick padding, and a voice must speak the result at a realistic length."""
    syllables = [c + v for c in "bdfghklmnprstvz" for v in "aeiou"]
    found: list[str] = []
    for first in syllables:
        for second in syllables:
            for third in syllables:
                piece = f"▁{first}{second}{third}"
                if piece not in taken:
                    found.append(piece)
                    if len(found) == count:
                        return found
    raise ValueError(f"cannot make {count} filler pieces")


def _pieces(model_bytes: bytes) -> list[str]:
    import sentencepiece

    processor = sentencepiece.SentencePieceProcessor(model_proto=model_bytes)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


class WeightSpec(Protocol):
    """What `_fill` asks of a CTranslate2 model spec (`ctranslate2.specs.LayerSpec`)."""

    def variables(self) -> Mapping[str, object]:
        """Every weight by its path (encoder/layer_0/...), None where not yet set."""
        ...


def _fill(spec: WeightSpec, shape: RandomModelShape, vocab: int, rng: np.random.Generator) -> None:
    """Give every weight the spec still lacks a random value of the right shape."""
    width, ffn = shape.width, shape.ffn_width
    shapes = {
        r"embeddings(_\d+)?/weight$": (vocab, width),
        r"projection/weight$": (vocab, width),
        r"self_attention/linear_0/weight$": (3 * width, width),
        r"self_attention/linear_1/weight$": (width, width),
        r"/attention/linear_0/weight$": (width, width),
        r"/attention/linear_1/weight$": (2 * width, width),
        r"/attention/linear_2/weight$": (width, width),
        r"ffn/linear_0/weight$": (ffn, width),
        r"ffn/linear_1/weight$": (width, ffn),
        r"layer_norm/gamma$": (width,),
        r"layer_norm/beta$": (width,),
    }
    # OPUS-MT and NLLB tie the source and target embeddings and the output projection:
    # one matrix, which CTranslate2 stores once when the same array fills all three.
    tied = (
        rng.normal(0.0, 0.5 / np.sqrt(width), (vocab, width)).astype(np.float32)
        if shape.tie_embeddings
        else None
    )
    for name, value in spec.variables().items():
        if value is not None:
            continue
        dims = next((dims for pattern, dims in shapes.items() if re.search(pattern, name)), None)
        if dims is None:
            raise ValueError(f"no random shape for {name}")
        if dims == (vocab, width) and tied is not None:  # tied: shape.tie_embeddings
            array = tied
        elif name.endswith("gamma"):
            array = np.ones(dims, dtype=np.float32)
        elif name.endswith("beta"):
            array = np.zeros(dims, dtype=np.float32)
        else:
            array = rng.normal(0.0, 0.5 / np.sqrt(dims[-1]), dims).astype(np.float32)
        _set(spec, name, array)


def _set(spec: object, name: str, value: np.ndarray) -> None:
    node = spec
    parts = name.split("/")
    for part in parts[:-1]:
        indexed = re.fullmatch(r"(.+)_(\d+)", part)
        if indexed and isinstance(getattr(node, indexed.group(1), None), list):
            node = getattr(node, indexed.group(1))[int(indexed.group(2))]
        else:
            node = getattr(node, part)
    setattr(node, parts[-1], value)


def build_random_translator(
    out_dir: Path,
    corpus: Iterable[str],
    family: str = "marian",
    shape: RandomModelShape | None = None,
    languages: tuple[str, ...] = ("zh", "en"),
    seed: int = 0,
    extra_tokens: tuple[str, ...] = (),
) -> Path:
    """Write a loadable CTranslate2 model folder laid out like the real family's."""
    import ctranslate2.specs as specs

    shape = shape or RandomModelShape()
    out_dir.mkdir(parents=True, exist_ok=True)
    spm = train_sentencepiece(corpus, min(shape.vocabulary_size, MAX_TRAINED_PIECES))
    pieces = _pieces(spm)
    if family == "marian":
        (out_dir / "source.spm").write_bytes(spm)
        (out_dir / "target.spm").write_bytes(spm)
    elif family in ("nllb", "m2m100"):
        (out_dir / "sentencepiece.bpe.model").write_bytes(spm)
        for code in languages:
            found = language(code)
            pieces.append(found.nllb_code if family == "nllb" else found.m2m100_code)
    else:
        raise ValueError(f"unknown family {family!r}")
    pieces.extend(extra_tokens)
    if shape.vocabulary_size > MAX_TRAINED_PIECES:
        pieces.extend(filler_pieces(shape.vocabulary_size - len(pieces), set(pieces)))
    spec = specs.TransformerSpec.from_config(
        (shape.encoder_layers, shape.decoder_layers),
        shape.heads,
        pre_norm=family != "marian",
    )
    spec.config.decoder_start_token = "</s>"
    _fill(spec, shape, len(pieces), np.random.default_rng(seed))
    spec.register_source_vocabulary(pieces)
    spec.register_target_vocabulary(pieces)
    spec.validate()
    # float16 on disk, as the published conversions are; loading quantizes to int8.
    spec.optimize(quantization="float16")
    spec.save(str(out_dir))
    return out_dir
