"""The demo's merchant lines in the natural Mandarin test voice, for `make demo`:

    python -m benchmarks.demo_voices OUTDIR
    interpreter demo --merchant-audio OUTDIR

The product's demo speaks the merchant with espeak-ng, whose robotic Mandarin Whisper
hears only roughly. The natural voice (benchmarks/zhbaker.py) is heard almost as a
person is, but its licence is non-commercial, so the product never loads it: this
renders the script's lines (interpreter.commands.demo.SCRIPT) into the folder format that
`--merchant-audio` plays (interpreter/commands/demo_lines.py), outside the product.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from benchmarks.zhbaker import BakerVoice, baker_available, baker_folder
from interpreter.audio.files import ASR_SAMPLE_RATE, resample
from interpreter.commands.demo import merchant_lines
from interpreter.commands.demo_lines import save_recorded_lines

VOICE_NAME = "zh-baker, the natural Mandarin test voice (tests only, non-commercial)"


def render(
    folder: Path, voice: BakerVoice, lines: Sequence[tuple[int, str]] | None = None
) -> list[tuple[int, str, np.ndarray]]:
    """Speak `lines` (script number, text; default: every merchant line of the demo's
    script) and save them in `folder` for `interpreter demo --merchant-audio`."""
    recordings = []
    for number, text in merchant_lines() if lines is None else lines:
        spoken = np.concatenate(list(voice.speak(text)))
        recordings.append((number, text, resample(spoken, voice.sample_rate, ASR_SAMPLE_RATE)))
    save_recorded_lines(folder, VOICE_NAME, recordings)
    return recordings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="folder for the WAVs and lines.json")
    args = parser.parse_args(argv)
    if not baker_available():
        print(
            f"error: the natural Mandarin test voice is not at {baker_folder()}; "
            "put shared/voices/zh-baker beside the checkout",
            file=sys.stderr,
        )
        return 2
    recordings = render(args.out_dir, BakerVoice())
    seconds = sum(len(samples) for _, _, samples in recordings) / ASR_SAMPLE_RATE
    print(
        f"rendered {len(recordings)} merchant lines ({seconds:.1f} s) in the natural "
        f"Mandarin test voice into {args.out_dir}/"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
