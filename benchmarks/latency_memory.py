"""Peak memory of each latency pipeline, each in a fresh process of its own.

The benchmark saves its longest items (`save_replay`) and starts
`python -m benchmarks.latency --memory-probe ours|stock` on them (`measure_memory`);
the probe (`memory_probe`) loads one pipeline, warms it, runs the items and prints its
peak resident memory as one line of JSON.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

from benchmarks.common.memory import peak_rss_mb
from benchmarks.common.models import PAIR
from benchmarks.latency_pipelines import BenchOptions, OursPipeline, StockPipeline
from benchmarks.replay import ReplayItem
from benchmarks.session import replay_live_options
from interpreter.asr.transcriber import TranscriberOptions
from interpreter.audio.files import ASR_SAMPLE_RATE
from interpreter.core.types import Utterance
from interpreter.store import ModelStore, load_catalog
from interpreter.translate.nmt import NmtOptions
from interpreter.tts.synthesizer import SynthesizerOptions

# Peak memory is set by the loaded models and the longest utterances.
MEMORY_PROBE_UTTERANCES = 6


def measure_memory(
    replay_path: Path, translator_dir: Path, store_dir: Path, options: BenchOptions
) -> dict[str, float]:
    """Peak RSS of each pipeline in a fresh process that loads it, warms it and runs the
    longest items: ours as the session hears their recordings, in real time; stock on
    their cuts. The two probes run side by side: memory, not time, is read."""
    settings = {
        "transcriber": asdict(options.transcriber),
        "nmt": asdict(options.nmt),
        "synthesizer": asdict(options.synthesizer),
        "partial_interval_s": options.live.partial_interval_s,
        "prepare_during_silence": options.live.prepare_during_silence,
    }

    def start(pipeline: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [
                sys.executable, "-m", "benchmarks.latency", "--memory-probe", pipeline,
                "--replay-file", str(replay_path), "--translator-dir", str(translator_dir),
                "--models-dir", str(store_dir), "--probe-settings", json.dumps(settings),
            ],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            cwd=Path(__file__).parents[1],
        )  # fmt: skip

    probes = {pipeline: start(pipeline) for pipeline in ("ours", "stock")}
    peaks = {}
    for pipeline, probe in probes.items():
        out, err = probe.communicate()
        if probe.returncode != 0:
            raise RuntimeError(f"the {pipeline} memory probe failed: {err.strip()[-500:]}")
        peaks[pipeline] = float(json.loads(out.strip().splitlines()[-1])["peak_rss_mb"])
    return peaks


def save_replay(items: list[ReplayItem], path: Path) -> None:
    """The items' cuts (for stock) and whole recordings (for ours): the cuts first, then
    the recordings in the same order."""
    cuts = [item.utterance.samples for item in items]
    recordings = [item.recording for item in items]
    np.savez(path, *cuts, *recordings)


def load_replay(path: Path) -> tuple[list[Utterance], list[np.ndarray]]:
    with np.load(path) as data:
        arrays = [data[f"arr_{i}"] for i in range(len(data.files))]
    count = len(arrays) // 2
    cuts, recordings = arrays[:count], arrays[count:]
    rate = ASR_SAMPLE_RATE
    utterances = [Utterance(i + 1, a, rate, 0.0, len(a) / rate) for i, a in enumerate(cuts)]
    return utterances, recordings


def memory_probe(pipeline: str, args: argparse.Namespace) -> None:
    """One probe (`--memory-probe`): prints {"peak_rss_mb": ...} as its last line."""
    store = ModelStore(Path(args.models_dir), load_catalog())
    settings = json.loads(args.probe_settings)
    live = replace(
        replay_live_options(PAIR),
        partial_interval_s=settings["partial_interval_s"],
        prepare_during_silence=settings["prepare_during_silence"],
    )
    options = BenchOptions(
        transcriber=TranscriberOptions(**settings["transcriber"]),
        nmt=NmtOptions(**settings["nmt"]),
        synthesizer=SynthesizerOptions(**settings["synthesizer"]),
        live=live,
    )
    utterances, recordings = load_replay(Path(args.replay_file))
    if pipeline == "ours":
        ours = OursPipeline(store, Path(args.translator_dir), options)
        with ours.session() as session:
            for recording in recordings:
                session.play(recording)
    else:
        stock = StockPipeline(store, Path(args.translator_dir), options)
        for utterance in utterances:
            stock.run(utterance, 0.0)  # memory, not time, is read here
    print(json.dumps({"peak_rss_mb": peak_rss_mb()}))
