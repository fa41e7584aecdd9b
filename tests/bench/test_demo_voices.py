"""The demo's merchant in the natural Mandarin test voice (benchmarks/demo_voices.py):
a line rendered outside the product, then played through the demo's own path as
`make demo` does. Test speech only, never a product voice."""

from __future__ import annotations

import io
import json

import pytest

from benchmarks.demo_voices import VOICE_NAME, render
from benchmarks.zhbaker import BakerVoice, baker_available, baker_folder
from interpreter.commands import demo
from interpreter.commands.demo import DemoOptions, Line, run_demo
from interpreter.core.vocabulary import Party

pytestmark = [
    pytest.mark.models,
    pytest.mark.skipif(
        not baker_available(),
        reason=f"the natural Mandarin test voice is not at {baker_folder()}: "
        "put shared/voices/zh-baker beside the checkout",
    ),
]


def test_the_demo_hears_a_line_in_the_natural_voice(model_store, tmp_path, monkeypatch) -> None:
    # One merchant line keeps it to a single turn; the script is the demo's own line.
    line = next(line for line in demo.SCRIPT if line.text == "二十块一个。")
    monkeypatch.setattr(demo, "SCRIPT", (Line(Party.MERCHANT, "zh", line.text),))
    (recording,) = render(tmp_path / "merchant", BakerVoice())
    assert recording[:2] == (1, line.text)

    out = io.StringIO()
    options = DemoOptions(out_dir=tmp_path / "out", merchant_audio=tmp_path / "merchant")
    (turn,) = run_demo(options, model_store, out=out, err=io.StringIO())
    printed = out.getvalue()
    print(printed)
    assert f"merchant recordings of {VOICE_NAME}." in printed
    assert "merchant says (zh): 二十块一个。" in printed
    heard = json.loads((tmp_path / "out" / "transcript.txt").read_text(encoding="utf-8"))
    assert heard["transcript"] == turn.transcript.text
    assert any(said in turn.transcript.text for said in ("二十", "20")), turn.transcript.text
    assert "20" in turn.translation.text, turn.translation.text
