"""CTranslate2 translation with a tiny model built here (no weights can be downloaded).

Its weights are random, so the words it writes mean nothing; what is checked is
everything around them: tokenization, end-of-sentence and language tokens, the
output cap, batching by sentence, and that the call is the one CTranslate2 expects.
"""

from __future__ import annotations

from pathlib import Path

import ctranslate2
import pytest
import sentencepiece

from interpreter.core.errors import ModelError
from interpreter.translate.nmt import NmtModel, NmtOptions
from interpreter.translate.random_models import build_random_translator
from tests.conftest import TRANSLATOR_CORPUS


def test_marian_output_is_what_ctranslate2_gives_for_the_right_tokens(tiny_translator_dir) -> None:
    model = NmtModel(tiny_translator_dir, "marian", ("zh", "en"), NmtOptions(beam_size=1))
    ours = model.translate("质量很好。", "zh", "en")

    spm = sentencepiece.SentencePieceProcessor(model_file=str(tiny_translator_dir / "source.spm"))
    tokens = [*spm.encode("质量很好。", out_type=str), "</s>"]
    raw = ctranslate2.Translator(str(tiny_translator_dir), compute_type="int8")
    hypothesis = raw.translate_batch(
        [tokens], beam_size=1, max_decoding_length=3 * len(tokens) + 8
    )[0].hypotheses[0]
    assert ours == " ".join(spm.decode_pieces(hypothesis).split())


def test_a_marian_pair_only_goes_one_way(tiny_translator_dir) -> None:
    model = NmtModel(tiny_translator_dir, "marian", ("zh", "en"))
    assert model.supports("zh", "en")
    assert not model.supports("en", "zh")
    with pytest.raises(ModelError, match="does not translate en to zh"):
        model.translate("hello", "en", "zh")


def test_output_length_is_capped_by_the_input_length(tiny_translator_dir) -> None:
    model = NmtModel(tiny_translator_dir, "marian", ("zh", "en"), NmtOptions(output_ratio=1.0))
    spm = sentencepiece.SentencePieceProcessor(model_file=str(tiny_translator_dir / "target.spm"))
    output = model.translate("你好", "zh", "en")
    source_tokens = len(spm.encode("你好", out_type=str)) + 1
    assert len(spm.encode(output, out_type=str)) <= source_tokens + 8 + 1


def test_the_slack_above_the_ratio_is_an_option(tiny_translator_dir) -> None:
    # Random weights never stop early: the cap is the translation's length, and the
    # latency benchmark sets the slack to the one step a trained model's end takes.
    def pieces_written(slack: int) -> int:
        options = NmtOptions(output_ratio=1.0, length_slack_pieces=slack)
        model = NmtModel(tiny_translator_dir, "marian", ("zh", "en"), options)
        return len(spm.encode(model.translate("你好", "zh", "en"), out_type=str))

    spm = sentencepiece.SentencePieceProcessor(model_file=str(tiny_translator_dir / "target.spm"))
    source_tokens = len(spm.encode("你好", out_type=str)) + 1
    assert pieces_written(1) <= source_tokens + 1 + 1
    assert pieces_written(8) > pieces_written(1) + 4


@pytest.fixture(scope="module")
def tiny_nllb(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tiny-nllb") / "model"
    return build_random_translator(out, TRANSLATOR_CORPUS * 10, family="nllb")


def test_nllb_is_steered_by_language_tokens_and_never_shows_them(tiny_nllb) -> None:
    model = NmtModel(tiny_nllb, "nllb", ("zh", "en", "ru"), NmtOptions(beam_size=1))
    assert model.supports("zh", "ru") and model.supports("en", "zh")
    text = model.translate("Please send me a sample.", "en", "zh")
    assert not text.startswith("zho_Hans")

    spm = sentencepiece.SentencePieceProcessor(
        model_file=str(tiny_nllb / "sentencepiece.bpe.model")
    )
    tokens = ["eng_Latn", *spm.encode("Please send me a sample.", out_type=str), "</s>"]
    raw = ctranslate2.Translator(str(tiny_nllb), compute_type="int8")
    hypothesis = raw.translate_batch(
        [tokens], target_prefix=[["zho_Hans"]], beam_size=1, max_decoding_length=3 * len(tokens) + 8
    )[0].hypotheses[0]
    assert hypothesis[0] == "zho_Hans"
    assert text == " ".join(spm.decode_pieces(hypothesis[1:]).split())


def test_a_model_folder_without_its_tokenizer_is_a_clear_error(
    tmp_path, tiny_translator_dir
) -> None:
    broken = tmp_path / "opus-mt-zh-en"
    broken.mkdir()
    for name in ("model.bin", "config.json", "shared_vocabulary.json", "source.spm"):
        (broken / name).write_bytes((tiny_translator_dir / name).read_bytes())
    with pytest.raises(ModelError, match=r"lacks target\.spm"):
        NmtModel(broken, "marian", ("zh", "en"), name="opus-mt-zh-en")


def test_a_multi_target_marian_model_gets_its_target_token_first(tmp_path) -> None:
    """OPUS-MT en-zh writes several Chinese scripts; >>cmn_Hans<< asks for Simplified."""
    folder = build_random_translator(
        tmp_path / "opus-mt-en-zh",
        TRANSLATOR_CORPUS * 10,
        family="marian",
        extra_tokens=(">>cmn_Hans<<",),
    )
    model = NmtModel(
        folder, "marian", ("en", "zh"), NmtOptions(beam_size=1), source_prefix=">>cmn_Hans<<"
    )
    ours = model.translate("Please send me a sample.", "en", "zh")

    spm = sentencepiece.SentencePieceProcessor(model_file=str(folder / "source.spm"))
    tokens = [">>cmn_Hans<<", *spm.encode("Please send me a sample.", out_type=str), "</s>"]
    raw = ctranslate2.Translator(str(folder), compute_type="int8")
    hypothesis = raw.translate_batch(
        [tokens], beam_size=1, max_decoding_length=3 * len(tokens) + 8
    )[0].hypotheses[0]
    assert ours == " ".join(spm.decode_pieces(hypothesis).split())
