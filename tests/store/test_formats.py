"""What the store checks of a file no catalog hash vouches for: that it parses as its
format. Real files throughout: the demo extra's Whisper models and voice, the Silero
model faster-whisper ships, and a CTranslate2 Marian model built with random weights.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from interpreter.core.errors import StoreError
from interpreter.store import ModelStore, load_catalog
from interpreter.store.formats import FormatError, check_format
from interpreter.store.sources import module_dir

MARIAN_FILES = ("model.bin", "config.json", "shared_vocabulary.json", "source.spm", "target.spm")


def silero_onnx() -> Path:
    base = module_dir("faster_whisper")
    assert base is not None
    return base / "assets" / "silero_vad_v6.onnx"


@pytest.mark.models
@pytest.mark.parametrize("name", ["whisper-base", "whisper-tiny.en", "piper-en_US-joe-medium"])
def test_every_file_of_a_real_model_parses(model_store, name) -> None:
    family = model_store.catalog.get(name).family
    checked = {
        path.name: check_format(path, family)
        for path in sorted(model_store.path(name).iterdir())
        if path.name != "manifest.json"
    }
    assert None not in checked.values(), f"every file has a check: {checked}"


def test_silero_and_a_ctranslate2_marian_model_parse(tiny_translator_dir) -> None:
    assert check_format(silero_onnx(), "silero") == "ONNX model"
    kinds = {name: check_format(tiny_translator_dir / name, "marian") for name in MARIAN_FILES}
    assert kinds["model.bin"] == "CTranslate2 model"
    assert kinds["source.spm"] == "sentencepiece model"


def first_bytes(source: Path, target: Path, count: int) -> Path:
    with source.open("rb") as handle:
        target.write_bytes(handle.read(count))
    return target


@pytest.mark.models
@pytest.mark.parametrize(
    ("model", "file", "keep", "complaint"),
    [
        ("whisper-tiny.en", "model.bin", 1_000_000, "CTranslate2 model (ends early"),
        ("whisper-tiny.en", "tokenizer.json", 1_000_000, "JSON file"),
        ("piper-en_US-joe-medium", "en_US-joe-medium.onnx", 1_000_000, "ONNX model (ends early"),
        ("piper-en_US-joe-medium", "en_US-joe-medium.onnx.json", 1000, "JSON file"),
    ],
)
def test_a_cut_real_file_is_refused(model_store, tmp_path, model, file, keep, complaint) -> None:
    cut = first_bytes(model_store.path(model) / file, tmp_path / file, keep)
    with pytest.raises(FormatError, match=rf"^is not a valid {re.escape(complaint)}"):
        check_format(cut, model_store.catalog.get(model).family)


@pytest.mark.parametrize(
    ("name", "content", "complaint"),
    [
        ("model.bin", b"root:x:0:0:root:/root:/bin/bash\n", "CTranslate2 model (binary version"),
        ("model.onnx", b"root:x:0:0:root:/root:/bin/bash\n", "ONNX model"),
        ("source.spm", b"root:x:0:0:root:/root:/bin/bash\n", "sentencepiece model"),
        ("vocabulary.txt", b"a\nb\x00\n", "text file (holds NUL"),
        ("config.json", b"", "JSON file"),
    ],
)
def test_a_file_of_another_kind_under_a_model_files_name_is_refused(
    tmp_path, name, content, complaint
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FormatError, match=rf"^is not a valid {re.escape(complaint)}"):
        check_format(path, "marian")


def test_a_ctranslate2_model_with_bytes_after_its_end_is_refused(
    tmp_path, tiny_translator_dir
) -> None:
    padded = tmp_path / "model.bin"
    padded.write_bytes((tiny_translator_dir / "model.bin").read_bytes() + b"\x00" * 7)
    with pytest.raises(FormatError, match="7 bytes follow its last variable"):
        check_format(padded, "marian")


def test_a_cut_sentencepiece_model_is_refused(tmp_path, tiny_translator_dir) -> None:
    spm = tiny_translator_dir / "source.spm"
    cut = first_bytes(spm, tmp_path / "source.spm", spm.stat().st_size // 2)
    with pytest.raises(FormatError, match=r"^is not a valid sentencepiece model"):
        check_format(cut, "marian")


def test_a_name_with_no_format_to_check_is_let_through(tmp_path) -> None:
    path = tmp_path / "README"
    path.write_bytes(b"\x00\x01")
    assert check_format(path, "whisper") is None


# ---- the checks where they act: installing a model the catalog has not pinned -------


def unpinned_catalog(tmp_path: Path) -> Path:
    files = ",\n".join(f'  {{ path = "{name}", sha256 = "unknown" }}' for name in MARIAN_FILES)
    path = tmp_path / "catalog.toml"
    path.write_text(
        f"""
schema = 1

[[model]]
name = "tiny-mt"
kind = "mt"
family = "marian"
languages = ["zh", "en"]
files = [
{files}
]
""",
        encoding="utf-8",
    )
    return path


def stick_with(tmp_path: Path, model: Path, damage: dict[str, bytes] | None = None) -> Path:
    usb = tmp_path / "usb"
    shutil.copytree(model, usb / "tiny-mt")
    for name, data in (damage or {}).items():
        (usb / "tiny-mt" / name).write_bytes(data)
    return usb


def test_an_unpinned_model_that_parses_is_installed(tmp_path, tiny_translator_dir) -> None:
    store = ModelStore(tmp_path / "store", load_catalog(unpinned_catalog(tmp_path)))
    result = store.import_dir(stick_with(tmp_path, tiny_translator_dir))
    assert [r.name for r in result] == ["tiny-mt"] and store.verify("tiny-mt").ok


@pytest.mark.parametrize(
    ("file", "complaint"),
    [
        ("model.bin", r"model\.bin from folder .* is not a valid CTranslate2 model \(ends early"),
        ("source.spm", r"source\.spm from folder .* is not a valid sentencepiece model"),
        ("shared_vocabulary.json", r"shared_vocabulary\.json from .* not a valid JSON file"),
    ],
)
def test_an_unpinned_model_with_a_cut_file_is_refused(
    tmp_path, tiny_translator_dir, file, complaint
) -> None:
    whole = (tiny_translator_dir / file).read_bytes()
    usb = stick_with(tmp_path, tiny_translator_dir, {file: whole[: len(whole) // 2]})
    store = ModelStore(tmp_path / "store", load_catalog(unpinned_catalog(tmp_path)))
    with pytest.raises(StoreError, match=complaint):
        store.import_dir(usb)
    assert not store.is_installed("tiny-mt")
    assert sorted(p.name for p in store.root.iterdir()) == []
