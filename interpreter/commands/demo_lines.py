"""The demo's merchant lines as recordings (`interpreter demo --merchant-audio DIR`).

espeak-ng's Mandarin is robotic, so a demo that speaks the merchant with it shows
Whisper at its worst; a recording (a person at the stall, or a natural voice that the
product cannot ship) shows what the interpreter does with real speech. The demo only
plays these files into the pipeline: nothing here synthesises speech.

The folder holds, for each merchant line of the script, a WAV named by the line's
number in the script as the demo numbers its output (line 2 is 02.wav): 16 kHz mono
16-bit PCM, the speech alone (the demo adds the room's silence and noise around it,
as for a synthesised voice). Beside them, lines.json says who speaks and what each
file says:

    {"voice": "Li at the stall", "lines": {"02.wav": "二十块一个。", "04.wav": "你要多少个？"}}

The text is checked against the script, so a recording made for an older script is
refused rather than played under a line it does not say.
"""

from __future__ import annotations

import json
import wave
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from interpreter.audio.files import ASR_SAMPLE_RATE, write_wav
from interpreter.core.errors import InputError

MANIFEST = "lines.json"
FORMAT = "16 kHz mono 16-bit PCM WAV"
FIX = "record or render the lines again as `interpreter demo --help` describes"


def line_file(number: int) -> str:
    """The recording of the script's line `number` (1-based): 02.wav for line 2."""
    return f"{number:02d}.wav"


@dataclass(frozen=True)
class RecordedVoice:
    """A Voice (interpreter.tts.synthesizer) that can say only the lines it was recorded saying."""

    name: str
    lines: Mapping[str, np.ndarray]
    language: str = "zh"
    sample_rate: int = ASR_SAMPLE_RATE

    def speak(self, text: str) -> Iterator[np.ndarray]:
        if text not in self.lines:
            raise InputError(f"no recording says {text!r}; {FIX}")
        yield self.lines[text]


def load_recorded_voice(folder: Path, wanted: Sequence[tuple[int, str]]) -> RecordedVoice:
    """The recordings of `wanted` (script number, text) in `folder`, every file checked
    before any model loads, so a bad folder costs a one-line error, not a wasted run."""
    if not folder.is_dir():
        raise InputError(f"merchant audio folder {str(folder)!r} does not exist; {FIX}")
    voice, said = _read_manifest(folder / MANIFEST)
    lines: dict[str, np.ndarray] = {}
    for number, text in wanted:
        name = line_file(number)
        if name not in said:
            raise InputError(
                f"{str(folder / MANIFEST)!r} has no {name} for the script's line {number} "
                f"({text}); {FIX}"
            )
        if said[name].strip() != text.strip():
            raise InputError(
                f"{str(folder / name)!r} says {said[name]!r} but the script's line {number} "
                f"is {text!r}; {FIX}"
            )
        lines[text] = _read_line(folder / name, number)
    return RecordedVoice(name=voice, lines=lines)


def save_recorded_lines(
    folder: Path, voice: str, recordings: Sequence[tuple[int, str, np.ndarray]]
) -> None:
    """Write (script number, text, 16 kHz float32 speech) as load_recorded_voice reads
    them; the manifest goes last, so a render cut short is not taken for a whole one."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MANIFEST).unlink(missing_ok=True)
    for number, _, samples in recordings:
        write_wav(folder / line_file(number), samples, ASR_SAMPLE_RATE)
    manifest = {"voice": voice, "lines": {line_file(n): text for n, text, _ in recordings}}
    (folder / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


def _read_manifest(path: Path) -> tuple[str, dict[str, str]]:
    if not path.is_file():
        raise InputError(f"{str(path)!r} is missing (it names the voice and each line); {FIX}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"cannot read {str(path)!r} ({type(error).__name__}); {FIX}") from None
    voice = manifest.get("voice") if isinstance(manifest, dict) else None
    lines = manifest.get("lines") if isinstance(manifest, dict) else None
    if (
        not isinstance(voice, str)
        or not voice.strip()
        or not isinstance(lines, dict)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in lines.items())
    ):
        raise InputError(
            f'{str(path)!r} must hold {{"voice": name, "lines": {{file: text}}}}; {FIX}'
        )
    return voice.strip(), lines


def _read_line(path: Path, number: int) -> np.ndarray:
    if not path.is_file():
        raise InputError(f"{str(path)!r} is missing (the script's line {number}); {FIX}")
    try:
        with wave.open(str(path), "rb") as handle:
            shape = (handle.getframerate(), handle.getnchannels(), handle.getsampwidth())
            frames = handle.readframes(handle.getnframes())
    except (OSError, EOFError, wave.Error) as error:
        raise InputError(
            f"cannot read {str(path)!r} as a WAV file ({error}); save it as {FORMAT}"
        ) from None
    if shape != (ASR_SAMPLE_RATE, 1, 2):
        rate, channels, width = shape
        raise InputError(
            f"{str(path)!r} is {rate} Hz, {channels} channel(s), {8 * width}-bit; "
            f"save it as {FORMAT} (e.g. ffmpeg -i IN -ar 16000 -ac 1 -c:a pcm_s16le OUT.wav)"
        )
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0
    if not np.any(samples):
        raise InputError(f"{str(path)!r} holds no sound (the script's line {number}); {FIX}")
    return samples
