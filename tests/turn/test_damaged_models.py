"""A model damaged after it was installed: building the stages says which model, in one
line, and the check to run; `models verify` then names every model that fails.

Real models: the demo extra's Whisper tiny.en and Piper voice, and a CTranslate2 Marian
model with random weights (translate/random_models.py), each installed into a private
store through the store's own import and then damaged in place, as a bad sector or an
unplugged stick would.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from interpreter.commands.demo import BUYER_VOICE, _speaker_voices
from interpreter.commands.models import verify_models
from interpreter.core.clock import ManualClock
from interpreter.core.errors import InterpreterError, ModelError
from interpreter.store import ModelStore, load_catalog
from interpreter.turn.pipeline import Directions
from interpreter.turn.stages import (
    ModelLoadError,
    StageOptions,
    build_interpreter,
    build_synthesizer,
    build_translator,
    load_model,
)

pytestmark = pytest.mark.models

WHISPER = "whisper-tiny.en"
MARIAN = "opus-mt-zh-en"
VOICE = "piper-en_US-joe-medium"
FILES = {
    WHISPER: ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt"),
    MARIAN: ("model.bin", "config.json", "shared_vocabulary.json", "source.spm", "target.spm"),
    VOICE: ("en_US-joe-medium.onnx", "en_US-joe-medium.onnx.json"),
}
KINDS = {WHISPER: ("asr", "whisper", '["en"]'), MARIAN: ("mt", "marian", '["zh", "en"]')}
KINDS[VOICE] = ("tts", "piper", '["en"]')


def catalog(tmp_path: Path) -> Path:
    """The three models, none with a pinned hash (so the store checks their formats)."""
    blocks = ["schema = 1"]
    for name, files in FILES.items():
        kind, family, languages = KINDS[name]
        listed = ", ".join(f'{{ path = "{file}", sha256 = "unknown" }}' for file in files)
        blocks.append(
            f'[[model]]\nname = "{name}"\nkind = "{kind}"\nfamily = "{family}"\n'
            f"languages = {languages}\nfiles = [{listed}]"
        )
    path = tmp_path / "catalog.toml"
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def stall(tmp_path, model_store, tiny_translator_dir) -> ModelStore:
    """A store with the three models installed, from folders, by the store's own import."""
    store = ModelStore(tmp_path / "stall", load_catalog(catalog(tmp_path)))
    store.fetch(WHISPER, from_dir=model_store.path(WHISPER))
    store.fetch(VOICE, from_dir=model_store.path(VOICE))
    store.fetch(MARIAN, from_dir=tiny_translator_dir)
    assert all(store.verify(name).ok for name in FILES)
    return store


def cut(path: Path) -> None:
    """The first half of the file, as a copy that stopped midway leaves it."""
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def assert_one_line_naming(error: BaseException, name: str) -> None:
    message = str(error)
    assert isinstance(error, InterpreterError), f"{type(error).__name__}: {message}"
    assert "\n" not in message
    assert repr(name) in message
    assert f"`interpreter models verify {name}`" in message


def test_a_cut_whisper_tokenizer_is_one_line_naming_the_model_and_the_check(stall) -> None:
    """Was `Exception: EOF while parsing a string at line 1 column …` from tokenizers."""
    cut(stall.path(WHISPER) / "tokenizer.json")
    options = StageOptions(asr_model=WHISPER, speak=False)
    with pytest.raises(ModelError) as error:
        build_interpreter(stall, Directions.into(("en",), "en"), options, ManualClock(), "vad")
    assert_one_line_naming(error.value, WHISPER)
    assert "EOF while parsing" in str(error.value)
    problems = stall.verify(WHISPER).problems
    assert len(problems) == 1 and problems[0].startswith("tokenizer.json is ")


@pytest.mark.parametrize(
    ("file", "damage"),
    [
        ("source.spm", lambda path: path.write_bytes(b"\x00garbage, not a sentencepiece model")),
        ("target.spm", cut),
        ("model.bin", cut),
    ],
)
def test_a_damaged_translation_model_is_one_line_naming_the_model_and_the_check(
    stall, file, damage
) -> None:
    """A bad .spm was sentencepiece's own RuntimeError or OSError, with a traceback."""
    damage(stall.path(MARIAN) / file)
    with pytest.raises(ModelError) as error:
        build_translator(stall, Directions.pair("zh", "en"), StageOptions(), ManualClock())
    assert_one_line_naming(error.value, MARIAN)
    assert file in str(error.value) or file == "model.bin"


@pytest.mark.parametrize("file", FILES[VOICE])
def test_a_damaged_voice_is_one_line_naming_the_voice_and_the_check(stall, file) -> None:
    cut(stall.path(VOICE) / file)
    with pytest.raises(ModelError) as error:
        build_synthesizer(stall, Directions.into(("zh",), "en"), StageOptions(), ManualClock())
    assert_one_line_naming(error.value, VOICE)


def test_what_a_loader_lets_through_is_caught_where_the_stages_are_built() -> None:
    def loader() -> object:
        raise Exception("EOF while parsing a string at line 1 column 1048576\nat tokenizer")

    with pytest.raises(ModelLoadError) as error:
        load_model(WHISPER, "speech recognition model", loader)
    assert str(error.value) == (
        "cannot load speech recognition model 'whisper-tiny.en' (Exception: EOF while "
        "parsing a string at line 1 column 1048576); run `interpreter models verify "
        "whisper-tiny.en`"
    )


def test_a_loader_error_that_is_not_about_the_files_is_left_as_it_is() -> None:
    def loader() -> object:
        raise ModelError("device 'cuda' asked for, but no GPU is visible; use --device cpu")

    with pytest.raises(ModelError, match=r"^device 'cuda' asked for, .* --device cpu$"):
        load_model(WHISPER, "speech recognition model", loader)


def test_verify_names_every_failing_model_in_its_hint(stall) -> None:
    cut(stall.path(WHISPER) / "tokenizer.json")
    (stall.path(MARIAN) / "source.spm").write_bytes(b"\x00garbage")
    out, err = io.StringIO(), io.StringIO()

    assert verify_models(stall, [], out, err) == 1

    failed = [line.split()[1] for line in out.getvalue().splitlines() if line.startswith("FAIL")]
    assert sorted(failed) == sorted([WHISPER, MARIAN])
    hint = err.getvalue().strip()
    assert "\n" not in hint and hint.startswith("error: 2 of 3 models failed verification")
    assert f"`interpreter models fetch {WHISPER} {MARIAN} --force`" in hint


def test_the_demo_says_a_damaged_buyer_voice_in_one_line_too(stall) -> None:
    """The demo loads its buyer's voice itself, outside the stages."""
    assert BUYER_VOICE == VOICE
    cut(stall.path(VOICE) / "en_US-joe-medium.onnx")
    with pytest.raises(ModelError) as error:
        _speaker_voices(stall, None, io.StringIO())
    assert_one_line_naming(error.value, VOICE)
