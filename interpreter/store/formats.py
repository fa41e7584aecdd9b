"""What can be checked of a model file the catalog has no hash for: that it parses as
the format its name says.

A pinned hash proves a file is the published one; without one (a model nobody has
pinned yet, a folder from a USB stick) the store can still refuse what is certainly
not a model: a truncated download, a text file under a weight file's name, a link
that led somewhere else. Each check reads the file's structure, not its weights, so a
500 MB model is checked in milliseconds:

- `.json` (configs, tokenizers, vocabularies, a Piper voice's settings): parses as JSON.
- `.txt` (a vocabulary): UTF-8 text with no NUL byte.
- `.spm` and sentencepiece `.model` files: sentencepiece loads them.
- `model.bin` of a CTranslate2 model: every variable's header is read and its data
  skipped, so a cut or padded file, or one that is not CTranslate2's, is caught.
- `.onnx`: the top level of the protobuf is walked; it must hold an IR version and a
  graph, and end where its last field ends.

A file with another name is not checked (there is nothing to check it against).
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

# CTranslate2's binary versions this walk knows (model_spec.CURRENT_BINARY_VERSION is 6
# since CTranslate2 2.x), and its DataType ids with their item sizes: float32, int8,
# int16, int32, float16, bfloat16.
CT2_BINARY_VERSIONS = range(1, 7)
CT2_ITEM_BYTES = (4, 1, 2, 4, 2, 2)
CT2_FAMILIES = ("whisper", "marian", "nllb", "m2m100")


class FormatError(Exception):
    """The file does not parse as its format; the message says how, in a few words."""


def check_format(path: Path, family: str) -> str | None:
    """Raise FormatError if `path` is not a valid file of the kind its name says.

    Returns the format checked ("JSON", "CTranslate2 model", ...), or None when the
    name says nothing that can be checked."""
    check = _checker(path.name, family)
    if check is None:
        return None
    kind, function = check
    try:
        function(path)
    except FormatError as error:
        raise FormatError(f"is not a valid {kind} ({error})") from None
    except OSError as error:
        raise FormatError(f"cannot be read ({error.strerror or error})") from None
    return kind


def _checker(name: str, family: str) -> tuple[str, Callable[[Path], None]] | None:
    lower = name.lower()
    if lower.endswith(".json"):
        return "JSON file", _check_json
    if lower.endswith(".txt"):
        return "text file", _check_text
    if lower.endswith(".spm") or (lower.endswith(".model") and family in CT2_FAMILIES):
        return "sentencepiece model", _check_sentencepiece
    if lower == "model.bin" and family in CT2_FAMILIES:
        return "CTranslate2 model", _check_ctranslate2
    if lower.endswith(".onnx"):
        return "ONNX model", _check_onnx
    return None


def _check_json(path: Path) -> None:
    try:
        json.loads(path.read_bytes())
    except UnicodeDecodeError:
        raise FormatError("not UTF-8 text") from None
    except ValueError as error:
        raise FormatError(str(error)) from None


def _check_text(path: Path) -> None:
    data = path.read_bytes()
    if b"\x00" in data:
        raise FormatError("holds NUL bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise FormatError("not UTF-8 text") from None
    if not text.strip():
        raise FormatError("empty")


def _check_sentencepiece(path: Path) -> None:
    import sentencepiece

    try:
        processor = sentencepiece.SentencePieceProcessor(model_proto=path.read_bytes())
        pieces = processor.get_piece_size()
    except MemoryError:
        raise
    except Exception as error:  # sentencepiece raises RuntimeError or OSError, by version
        raise FormatError(_first_line(error)) from None
    if pieces <= 0:
        raise FormatError("holds no pieces")


class _Reader:
    """Little-endian fields from a file, any short read being a truncated file."""

    def __init__(self, handle: BinaryIO, size: int) -> None:
        self._handle = handle
        self.size = size

    @property
    def position(self) -> int:
        return self._handle.tell()

    def take(self, count: int) -> bytes:
        data = self._handle.read(count)
        if len(data) != count:
            raise FormatError(f"ends early, at byte {self.size} (truncated)")
        return data

    def skip(self, count: int) -> None:
        if self.position + count > self.size:
            raise FormatError(f"ends early, at byte {self.size} (truncated)")
        self._handle.seek(count, 1)

    def u8(self) -> int:
        return self.take(1)[0]

    def u16(self) -> int:
        return int(struct.unpack("<H", self.take(2))[0])

    def u32(self) -> int:
        return int(struct.unpack("<I", self.take(4))[0])

    def varint(self) -> int:
        value = 0
        for shift in range(0, 70, 7):
            byte = self.u8()
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return value
        raise FormatError(f"a field length at byte {self.position} is malformed")


def _ct2_string(reader: _Reader) -> str:
    length = reader.u16()
    raw = reader.take(length) if length else b""
    if not raw or raw[-1] != 0:
        raise FormatError(f"a name at byte {reader.position} is not one (not CTranslate2's)")
    try:
        return raw[:-1].decode("utf-8")
    except UnicodeDecodeError:
        raise FormatError(f"a name at byte {reader.position} is not text") from None


def _check_ctranslate2(path: Path) -> None:
    """The layout CTranslate2's model.cc reads (and model_spec.py writes)."""
    with path.open("rb") as handle:
        reader = _Reader(handle, path.stat().st_size)
        version = reader.u32()
        if version not in CT2_BINARY_VERSIONS:
            raise FormatError(f"binary version {version} is not one CTranslate2 writes")
        if version >= 2:
            _ct2_string(reader)  # the spec's name ("WhisperSpec")
            reader.u32()  # its revision
        count = reader.u32()
        if count == 0:
            raise FormatError("holds no variables")
        for _ in range(count):
            name = _ct2_string(reader)
            rank = reader.u8()
            dims = [reader.u32() for _ in range(rank)]
            if version >= 4:
                type_id = reader.u8()
                if type_id >= len(CT2_ITEM_BYTES):
                    raise FormatError(f"variable {name} has unknown type {type_id}")
                item_bytes = CT2_ITEM_BYTES[type_id]
                data_bytes = reader.u32()
            else:
                item_bytes = reader.u8()
                if item_bytes not in (1, 2, 4):
                    raise FormatError(f"variable {name} has items of {item_bytes} bytes")
                data_bytes = reader.u32() * item_bytes
            if data_bytes != math.prod(dims) * item_bytes:
                raise FormatError(f"variable {name} holds {data_bytes} bytes, not its shape's")
            reader.skip(data_bytes)
        if version >= 3:
            for _ in range(reader.u32()):
                _ct2_string(reader)
                _ct2_string(reader)
        extra = reader.size - reader.position
        if extra:
            raise FormatError(f"{extra} bytes follow its last variable")


# ModelProto's fields that must be there, with their wire types: ir_version (a varint)
# and graph (length-delimited).
_ONNX_REQUIRED = {1: 0, 7: 2}


def _check_onnx(path: Path) -> None:
    with path.open("rb") as handle:
        reader = _Reader(handle, path.stat().st_size)
        seen: dict[int, int] = {}
        while reader.position < reader.size:
            at = reader.position
            tag = reader.varint()
            field, wire = tag >> 3, tag & 7
            if field == 0:
                raise FormatError(f"field 0 at byte {at} (not a protobuf)")
            if wire == 0:
                reader.varint()
            elif wire == 1:
                reader.skip(8)
            elif wire == 2:
                reader.skip(reader.varint())
            elif wire == 5:
                reader.skip(4)
            else:
                raise FormatError(f"wire type {wire} at byte {at} (not a protobuf)")
            seen.setdefault(field, wire)
        for field, wire in _ONNX_REQUIRED.items():
            if seen.get(field) != wire:
                raise FormatError("no IR version" if field == 1 else "no graph")


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:160]
