"""Piper with the time of each phoneme: where a word ends in what it said.

Piper's voices compute how many frames each phoneme lasts (VITS's duration predictor,
rounded up by a `Ceil` node) but the exported graphs hand back only the audio. Piper
reports phoneme alignments when a graph has that tensor as a second output, so the
graph is loaded with `onnx`, the `Ceil` node's output is added to its outputs, and
Piper is given a session on the edited graph (benchmark speech only: the product's
voices are loaded untouched by interpreter/tts/synthesizer.py).

    voice = TimedPiperVoice(store.path(ENGLISH_VOICE))
    timed = voice.speak_timed("Can you deliver by Friday?")
    timed.phonemes[3], timed.starts[3]  # the fourth phoneme and its first sample
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.common.audio_cuts import cut_at

# Marks that belong to the sound before them: length, a palatal glide.
ATTACHED = frozenset("ːˑʲ")
# The phonemes that are not sounds: a word's boundary, punctuation, stress, and the
# marks attached to a sound.
NOT_SOUNDS = frozenset(" ,.?!;:-'\"ˈˌ") | ATTACHED
# What lies between two words: a space, a comma and the like (not stress or length).
BETWEEN_WORDS = frozenset(" ,.?!;:-")
# A segment's phonemes counted alone may differ from the sentence's by a sound or two
# (a linking "r" before a vowel); a word boundary this near the count is the one
# (two would move "with | the" of "wɪððə" past "the").
SNAP_SOUNDS = 1


@dataclass(frozen=True, eq=False)
class TimedSpeech:
    """Audio and, for each phoneme Piper said (its sentence's start and end marks
    left out), the sample it starts at; `starts[-1]` is the end of the last one."""

    audio: np.ndarray
    sample_rate: int
    phonemes: tuple[str, ...]
    starts: tuple[int, ...]

    def sound_index(self, sounds: int) -> int:
        """The phoneme after the first `sounds` sounds and the marks attached to the
        last of them (boundaries, punctuation and marks not counted): where the words
        that made them end."""
        counted = 0
        for index, phoneme in enumerate(self.phonemes):
            if counted == sounds and phoneme not in ATTACHED:
                return index
            counted += phoneme not in NOT_SOUNDS
        if counted == sounds:
            return len(self.phonemes)
        raise ValueError(f"only {counted} sounds said, not {sounds}")

    def between_words(self, index: int, snap_sounds: int) -> tuple[int, int]:
        """The run of phonemes between two words nearest `index` (by sounds, within
        `snap_sounds`), as (first, one past the last); (index, index) where none is."""
        best: tuple[int, int, int] | None = None
        for first in range(len(self.phonemes)):
            if self.phonemes[first] not in BETWEEN_WORDS:
                continue
            if first and self.phonemes[first - 1] in BETWEEN_WORDS:
                continue  # inside a run already seen
            last = first
            while last < len(self.phonemes) and self.phonemes[last] in BETWEEN_WORDS:
                last += 1
            low, high = sorted((index, first))
            away = sum(p not in NOT_SOUNDS for p in self.phonemes[low:high])
            if away <= snap_sounds and (best is None or away < best[0]):
                best = (away, first, last)
        if best is None:
            return index, index
        return best[1], best[2]


def sounds_in(phonemes: list[str]) -> int:
    return sum(phoneme not in NOT_SOUNDS for phoneme in phonemes)


class TimedPiperVoice:
    """One Piper voice, deterministic (no random variation, as the replay's), that
    says a sentence with the time of each phoneme."""

    def __init__(self, model_dir: Path) -> None:
        import onnx
        import onnxruntime
        from piper import PiperVoice
        from piper.config import PiperConfig

        path = sorted(Path(model_dir).glob("*.onnx"))[0]
        graph = onnx.load(str(path))
        durations = [node.output[0] for node in graph.graph.node if node.op_type == "Ceil"]
        if len(durations) != 1:
            raise ValueError(f"{path.name}: no single Ceil node to read durations from")
        graph.graph.output.append(
            onnx.helper.make_tensor_value_info(durations[0], onnx.TensorProto.FLOAT, None)
        )
        session = onnxruntime.InferenceSession(
            graph.SerializeToString(), providers=["CPUExecutionProvider"]
        )
        config = json.loads(Path(f"{path}.json").read_text(encoding="utf-8"))
        self._voice = PiperVoice(session=session, config=PiperConfig.from_dict(config))
        self.sample_rate = int(self._voice.config.sample_rate)

    def phonemes(self, text: str) -> list[str]:
        """The phonemes of `text`, its sentences one after the other."""
        return [p for sentence in self._voice.phonemize(text) for p in sentence]

    def speak_timed(self, text: str) -> TimedSpeech:
        """`text`, which must be one sentence, said with each phoneme's time."""
        from piper import SynthesisConfig

        config = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
        chunks = list(self._voice.synthesize(text, config, include_alignments=True))
        if len(chunks) != 1:
            raise ValueError(f"{text!r}: Piper says {len(chunks)} sentences, not one")
        alignments = chunks[0].phoneme_alignments
        if alignments is None:
            raise ValueError(f"{text!r}: Piper gave no phoneme times")
        starts = np.cumsum([0] + [a.num_samples for a in alignments])
        # The first and last alignments are the sentence's start and end marks.
        return TimedSpeech(
            chunks[0].audio_float_array.astype(np.float32),
            self.sample_rate,
            tuple(a.phoneme for a in alignments[1:-1]),
            tuple(int(s) for s in starts[1:-1]),
        )

    def speak_opened(self, segments: Sequence[str], text: str) -> list[np.ndarray]:
        """`text` (the segments as one sentence, with its punctuation: a comma gives
        Piper's phrase break) said in one breath and cut apart where each segment
        ends: one array per segment, what lay between two segments (a space's or a
        comma's quiet) left out, each cut edge faded. A segment ends after as many
        sounds as the segments up to it have when phonemized alone, moved to the
        nearest word boundary within one sound (espeak writes "for the" as one word,
        so a boundary may lie inside one)."""
        timed = self.speak_timed(text)
        cuts = []
        for count in range(1, len(segments)):
            sounds = sounds_in(self.phonemes(" ".join(segments[:count])))
            start, end = timed.between_words(timed.sound_index(sounds), SNAP_SOUNDS)
            cuts.append((timed.starts[start], timed.starts[end]))
        return cut_at(timed.audio, cuts, self.sample_rate)
