"""Peak memory of `interpreter translate` on a long recording against a short one.

A recording was decoded whole before it was cut into utterances (issue 22: 10 min
took 188 MB, 1 h 657 MB, on top of the models), so a long market recording ran a
4 GB board out of memory. Now it is decoded, cut and translated block by block and
the spoken translation written to its wav as each turn is made: the peak should not
grow with the length. Target: a 1-hour file stays under 300 MB above the models.

Method: two recordings of the Piper test voice (Piper joe, no random variation)
saying "I want to order five hundred pieces." once every `--every-s` seconds over
digital silence, one `--short-minutes` long and one `--minutes` long, written at
16 kHz mono 16-bit block by block (and encoded from there with PyAV's flac, mp3 or
ogg encoder for `--format`). Each is translated by `interpreter translate FILE
--from en --to zh --json --no-speech` (with `--spoken`: `--out spoken.wav` instead
of `--no-speech`, the Chinese voice speaking every turn) in a fresh process,
started through this module's probe, which reads the process's peak resident memory
(VmHWM in /proc) as `interpreter.commands.cli.main` returns. The short run's peak
holds the models and one utterance; the growth is the long run's peak less it.

    .venv/bin/python -m benchmarks.file_memory                   # 1 h against 2 min, wav
    .venv/bin/python -m benchmarks.file_memory --format mp3 --minutes 10
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import numpy as np

from benchmarks.common.memory import peak_rss_mb
from benchmarks.common.models import ASR_MODEL, ENGLISH_VOICE, english_voice, open_store
from benchmarks.common.results import RESULTS_DIR, save_result
from interpreter.audio.files import ASR_SAMPLE_RATE, resample

SENTENCE = "I want to order five hundred pieces."
TARGET_GROWTH_MB = 300.0
FORMATS = ("wav", "flac", "mp3", "ogg")
CODECS = {"flac": "flac", "mp3": "libmp3lame", "ogg": "libopus"}
REPO = Path(__file__).resolve().parents[1]


def clip(models_dir: Path | None) -> np.ndarray:
    """The sentence in the test voice, at 16 kHz."""
    voice = english_voice(open_store(models_dir, ENGLISH_VOICE))
    spoken = np.concatenate(list(voice.speak(SENTENCE)))
    return (0.8 * resample(spoken, voice.sample_rate, ASR_SAMPLE_RATE)).astype(np.float32)


def periods(speech: np.ndarray, minutes: float, every_s: float) -> Iterator[np.ndarray]:
    """The recording one period at a time: the sentence, then silence to `every_s`."""
    period = max(int(every_s * ASR_SAMPLE_RATE), len(speech) + ASR_SAMPLE_RATE)
    total = int(minutes * 60 * ASR_SAMPLE_RATE)
    lead = np.zeros(ASR_SAMPLE_RATE // 2, dtype=np.float32)
    written = 0
    while written < total:
        block = np.zeros(period, dtype=np.float32)
        block[len(lead) : len(lead) + len(speech)] = speech
        block = block[: total - written]
        written += len(block)
        yield block


def write_recording(
    path: Path, speech: np.ndarray, minutes: float, every_s: float, fmt: str
) -> Path:
    """The recording at `path` with `fmt`'s suffix, never whole in memory."""
    from interpreter.audio.files import WavWriter

    wav = path.with_suffix(".wav")
    with WavWriter(wav, ASR_SAMPLE_RATE) as out:
        for block in periods(speech, minutes, every_s):
            out.write(block)
        out.commit()
    if fmt == "wav":
        return wav
    encoded = path.with_suffix(f".{fmt}")
    encode(wav, encoded, CODECS[fmt])
    wav.unlink()
    return encoded


def encode(source: Path, target: Path, codec: str) -> None:
    """A wav re-encoded with PyAV a second at a time."""
    import av

    with av.open(str(target), "w") as container:
        stream = container.add_stream(codec, rate=ASR_SAMPLE_RATE)
        assert isinstance(stream, av.AudioStream), codec
        stream.layout = "mono"
        with wave.open(str(source)) as wav:
            pts = 0
            while True:
                data = wav.readframes(ASR_SAMPLE_RATE)
                if not data:
                    break
                samples = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0
                frame = av.AudioFrame.from_ndarray(samples[None, :], format="fltp", layout="mono")
                frame.sample_rate = ASR_SAMPLE_RATE
                frame.pts = pts
                frame.time_base = Fraction(1, ASR_SAMPLE_RATE)
                pts += len(samples)
                for packet in stream.encode(frame):
                    container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


def measure(
    recording: Path, models_dir: Path | None, spoken: bool, code: Path = REPO
) -> dict[str, object]:
    """One `interpreter translate` in a fresh process through the probe: its peak
    memory, its wall time and how many utterances it printed. `code`: the checkout
    whose `interpreter` runs (another copy of the repository: the code before a change)."""
    with tempfile.TemporaryDirectory(prefix="file-memory-") as scratch:
        report = Path(scratch) / "probe.json"
        args = ["translate", str(recording), "--from", "en", "--to", "zh", "--json"]
        args += ["--out", str(Path(scratch) / "spoken.wav")] if spoken else ["--no-speech"]
        if models_dir is not None:
            args = ["--models-dir", str(models_dir.resolve()), *args]
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.file_memory", "--probe", str(report), *args],
            capture_output=True,
            text=True,
            check=False,
            cwd=code,
        )
        if done.returncode != 0 or not report.exists():
            raise RuntimeError(f"the probe failed: {done.stderr.strip()[-800:]}")
        result = json.loads(report.read_text())
        result["wall_s"] = round(time.monotonic() - started, 1)
        result["seconds_of_audio"] = seconds_of(recording)
        return result


def seconds_of(recording: Path) -> float:
    import av

    with av.open(str(recording)) as container:
        return round((container.duration or 0) / 1_000_000, 1)


def probe(report: Path, args: list[str]) -> int:
    """Run the interpreter here, its standard output sent to a file to count the
    utterances (at the descriptor: the command's writers were bound to the real
    stdout when imported); then write the peak resident memory of this process."""
    from interpreter.commands.cli import main

    printed = report.with_suffix(".out")
    with open(printed, "w", encoding="utf-8") as sink:
        sys.stdout.flush()
        saved = os.dup(1)
        os.dup2(sink.fileno(), 1)
        try:
            code = main(args)
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)
    text = printed.read_text(encoding="utf-8")
    utterances = len(json.loads(text)["utterances"]) if code == 0 and text else 0
    result = {"rc": code, "peak_rss_mb": peak_rss_mb(), "utterances": utterances}
    report.write_text(json.dumps(result))
    return code


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=60.0, help="the long recording")
    parser.add_argument("--short-minutes", type=float, default=2.0, help="the short one")
    parser.add_argument("--every-s", type=float, default=30.0, help="one sentence this often")
    parser.add_argument("--format", choices=FORMATS, default="wav")
    parser.add_argument("--spoken", action="store_true", help="write the spoken translation")
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--label", default="")
    parser.add_argument(
        "--code", type=Path, default=REPO, help="checkout whose interpreter runs (default: this)"
    )
    parser.add_argument("--probe", type=Path, help=argparse.SUPPRESS)
    return parser.parse_known_args(argv)[0]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--probe"]:
        return probe(Path(argv[1]), argv[2:])
    args = parse_args(argv)
    open_store(args.models_dir, ASR_MODEL)
    speech = clip(args.models_dir)
    runs: dict[str, dict[str, object]] = {}
    peaks: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="file-memory-") as folder:
        for name, minutes in (("short", args.short_minutes), ("long", args.minutes)):
            path = write_recording(Path(folder) / name, speech, minutes, args.every_s, args.format)
            size_mb = round(os.path.getsize(path) / 2**20, 1)
            runs[name] = {"minutes": minutes, "file_mb": size_mb}
            measured = measure(path, args.models_dir, args.spoken, args.code)
            runs[name].update(measured)
            peaks[name] = float(str(measured["peak_rss_mb"]))
            path.unlink()
            print(f"{name:5} {minutes:6.1f} min {args.format} ({size_mb} MB): {runs[name]}")
    growth = peaks["long"] - peaks["short"]
    verdict = "ok" if growth < TARGET_GROWTH_MB else "OVER"
    print(f"growth {growth:.1f} MB for {args.minutes:g} min against {args.short_minutes:g} "
          f"(target under {TARGET_GROWTH_MB:.0f} MB): {verdict}")  # fmt: skip
    fields = {
        "settings": {
            "format": args.format,
            "every_s": args.every_s,
            "spoken": args.spoken,
            "sentence": SENTENCE,
            "code": str(args.code),
        },
        "runs": runs,
        "growth_mb": round(growth, 1),
        "target_growth_mb": TARGET_GROWTH_MB,
    }
    path = save_result(
        "file-memory", "file_memory", __doc__ or "", fields, args.out_dir, args.label
    )
    print(f"written {path}")
    return 0 if growth < TARGET_GROWTH_MB else 1


if __name__ == "__main__":
    sys.exit(main())
