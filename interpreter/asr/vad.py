"""Cutting a stream of audio into utterances.

Silero VAD (the ONNX model faster-whisper ships) gives a speech probability per 32 ms
window. It is a recurrent network, so its h/c state and the last 64 samples of context
are carried from call to call: the same audio gives the same probabilities whether it
arrives in one block or a window at a time. The `Endpointer` turns those
probabilities into utterances with a small state machine, so that the same logic
serves files, the microphone and tests fed with scripted probabilities.
"""

from __future__ import annotations

import enum
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from interpreter.core.errors import ModelError
from interpreter.core.types import Frame, Utterance

WINDOW_SAMPLES = 512
CONTEXT_SAMPLES = 64
VAD_SAMPLE_RATE = 16_000


class SpeechProbability(Protocol):
    window_samples: int

    def probabilities(self, samples: np.ndarray) -> np.ndarray:
        """One probability per whole window in `samples` (a multiple of window_samples)."""
        ...

    def reset(self) -> None: ...


def bundled_silero_path() -> Path:
    from faster_whisper.vad import get_assets_path

    return Path(get_assets_path()) / "silero_vad_v6.onnx"


class SileroVad:
    """Streaming Silero VAD v6 with its recurrent state carried across calls."""

    window_samples = WINDOW_SAMPLES

    def __init__(self, model_path: Path | None = None) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.inter_op_num_threads = 1
        options.intra_op_num_threads = 1
        options.log_severity_level = 4
        path = model_path or bundled_silero_path()
        try:
            self._session = onnxruntime.InferenceSession(
                str(path), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as error:  # onnxruntime's errors derive from Exception only
            raise ModelError(
                f"cannot load the VAD model {str(path)!r} ({type(error).__name__}); run "
                "`interpreter models fetch silero-vad-v6 --force` or reinstall faster-whisper"
            ) from None
        self.reset()

    def reset(self) -> None:
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT_SAMPLES, dtype=np.float32)

    def probabilities(self, samples: np.ndarray) -> np.ndarray:
        count = len(samples) // WINDOW_SAMPLES
        if count == 0:
            return np.zeros(0, dtype=np.float32)
        windows = samples[: count * WINDOW_SAMPLES].astype(np.float32).reshape(count, -1)
        contexts = np.empty((count, CONTEXT_SAMPLES), dtype=np.float32)
        contexts[0] = self._context
        contexts[1:] = windows[:-1, -CONTEXT_SAMPLES:]
        batch = np.concatenate([contexts, windows], axis=1)
        probs, self._h, self._c = self._session.run(
            None, {"input": batch, "h": self._h, "c": self._c}
        )
        self._context = windows[-1, -CONTEXT_SAMPLES:].copy()
        return np.asarray(probs, dtype=np.float32).reshape(-1)


@dataclass(frozen=True)
class EndpointerOptions:
    # A window at least this likely to be speech starts (or resumes) an utterance:
    # Silero's own default threshold.
    start_threshold: float = 0.5
    # Only a window below this counts as silence, so speech that wavers between the two
    # thresholds is not cut (Silero's own default, 0.15 under the start).
    end_threshold: float = 0.35
    # Speech this long (three windows) confirms an utterance, so a click or a knock
    # does not start one.
    min_speech_ms: int = 96
    # The pause that ends an utterance: every turn waits this long after the last word.
    min_silence_ms: int = 400
    # Audio kept from before speech was detected, since Silero notices speech a window
    # or two late and the first syllable must not be cut.
    pre_roll_ms: int = 320
    # Trailing silence kept, so Whisper hears the last word end without a long quiet tail.
    post_roll_ms: int = 160
    # A party who never pauses is cut into utterances this long: recognition time grows
    # with the audio.
    max_utterance_s: float = 15.0


class State(enum.Enum):
    QUIET = "quiet"
    STARTING = "starting"
    SPEAKING = "speaking"
    STOPPING = "stopping"


class Endpointer:
    """Speech probabilities in, whole utterances out.

    Pre-roll keeps the audio just before speech was detected, because Silero needs a
    window or two to notice speech and the first syllable must not be cut. Trailing
    silence is trimmed to `post_roll_ms` so Whisper is not handed a long quiet tail.
    """

    def __init__(
        self,
        vad: SpeechProbability,
        options: EndpointerOptions | None = None,
        sample_rate: int = VAD_SAMPLE_RATE,
    ) -> None:
        self._vad = vad
        self._options = options or EndpointerOptions()
        self._rate = sample_rate
        self._window = vad.window_samples
        window_ms = 1000 * self._window / sample_rate
        self._min_speech = max(1, round(self._options.min_speech_ms / window_ms))
        self._min_silence = max(1, round(self._options.min_silence_ms / window_ms))
        self._post_roll = round(self._options.post_roll_ms / window_ms)
        self._max_windows = max(1, int(self._options.max_utterance_s * 1000 / window_ms))
        self._pre_roll: deque[tuple[float, np.ndarray]] = deque(
            maxlen=max(0, round(self._options.pre_roll_ms / window_ms))
        )
        self._pending = np.zeros(0, dtype=np.float32)
        self._pending_t_s = 0.0
        # Frames follow on to the sample (the microphone places them by their position
        # in the stream); a missing frame is 32 ms, so a quarter window is a gap.
        self._gap_s = 0.25 * self._window / sample_rate
        self._current: list[tuple[float, np.ndarray]] = []
        self._speech_run = 0
        self._silence_run = 0
        self._next_id = 1
        self.state = State.QUIET

    def push(self, frame: Frame) -> list[Utterance]:
        if frame.sample_rate != self._rate:
            raise ValueError(f"endpointer expects {self._rate} Hz, got {frame.sample_rate}")
        # Windows are timed by counting samples from the frame that started them, as
        # long as the frames follow on; after a gap (frames the listener did not hand
        # on while the device spoke, a frame dropped) the frame's own time is taken
        # again, the samples still pending from before it placed just ahead of it.
        # Counting across a gap puts every later utterance that much in the past.
        expected_s = self._pending_t_s + len(self._pending) / self._rate
        if len(self._pending) == 0 or abs(frame.t_capture_s - expected_s) > self._gap_s:
            self._pending_t_s = frame.t_capture_s - len(self._pending) / self._rate
        self._pending = np.concatenate([self._pending, frame.samples.astype(np.float32)])
        usable = len(self._pending) // self._window * self._window
        if usable == 0:
            return []
        block, self._pending = self._pending[:usable], self._pending[usable:]
        probs = self._vad.probabilities(block)
        utterances: list[Utterance] = []
        for index, prob in enumerate(probs):
            window = block[index * self._window : (index + 1) * self._window]
            t_s = self._pending_t_s + index * self._window / self._rate
            utterance = self._step(float(prob), t_s, window)
            if utterance is not None:
                utterances.append(utterance)
        self._pending_t_s += usable / self._rate
        return utterances

    @property
    def options(self) -> EndpointerOptions:
        return self._options

    def wait(self, silence_ms: float) -> None:
        """End the utterance under way after this much silence instead (the words heard
        so far may say it is finished, or not yet: see live/turn_end.py); a pause
        already that long ends it at the next window."""
        window_ms = 1000 * self._window / self._rate
        self._min_silence = max(1, round(silence_ms / window_ms))

    def end_if_quiet(self) -> Utterance | None:
        """End the utterance under way now, between two windows, if its voice has been
        quiet for the pause `wait` last set (one shortened since the last window need
        not wait for the next); None when it has not."""
        if self.state is not State.STOPPING or self._silence_run < self._min_silence:
            return None
        return self._maybe_close()

    @property
    def silence_s(self) -> float:
        """The silence heard since the voice stopped (0 while it speaks)."""
        return self._silence_run * self._window / self._rate

    def current_audio(self) -> np.ndarray | None:
        """The utterance being spoken, so far (None between utterances): what early
        recognition reads while the party is still talking."""
        if self.state not in (State.SPEAKING, State.STOPPING) or not self._current:
            return None
        return np.concatenate([window for _, window in self._current])

    def flush(self) -> list[Utterance]:
        """End of stream: whatever speech is open becomes the last utterance."""
        utterances: list[Utterance] = []
        if len(self._pending):
            pad = np.zeros(self._window - len(self._pending), dtype=np.float32)
            t_s = self._pending_t_s + len(self._pending) / self._rate
            utterances.extend(self.push(Frame(pad, self._rate, t_s)))
        if self.state in (State.SPEAKING, State.STOPPING):
            last = self._emit(trailing_silence=self._silence_run)
            if last is not None:
                utterances.append(last)
        self._reset_state()
        self._pre_roll.clear()
        self._vad.reset()
        return utterances

    def _step(self, prob: float, t_s: float, window: np.ndarray) -> Utterance | None:
        options = self._options
        if self.state is State.QUIET:
            if prob >= options.start_threshold:
                self._current = [*self._pre_roll, (t_s, window)]
                self._pre_roll.clear()
                self._speech_run = 1
                self.state = State.STARTING
                return self._maybe_confirm()
            self._pre_roll.append((t_s, window))
            return None
        self._current.append((t_s, window))
        if self.state is State.STARTING:
            if prob >= options.start_threshold:
                self._speech_run += 1
                return self._maybe_confirm()
            if prob < options.end_threshold:
                self._pre_roll.extend(self._current)
                self._current = []
                self.state = State.QUIET
            return None
        if self.state is State.SPEAKING:
            if prob < options.end_threshold:
                self.state = State.STOPPING
                self._silence_run = 1
                return self._maybe_close()
            return self._maybe_cut()
        # STOPPING
        if prob >= options.start_threshold:
            self.state = State.SPEAKING
            self._silence_run = 0
            return self._maybe_cut()
        self._silence_run += 1
        return self._maybe_close()

    def _maybe_confirm(self) -> Utterance | None:
        if self._speech_run >= self._min_speech:
            self.state = State.SPEAKING
            self._silence_run = 0
        return None

    def _maybe_close(self) -> Utterance | None:
        if self._silence_run < self._min_silence:
            return self._maybe_cut()
        utterance = self._emit(trailing_silence=self._silence_run)
        # The silence the utterance did not keep may lead into the next one; what it
        # kept (its post-roll) must not be heard twice.
        dropped = max(0, self._silence_run - self._post_roll)
        tail = self._current[len(self._current) - dropped :] if dropped else []
        self._reset_state()
        self._pre_roll.extend(tail)
        return utterance

    def _maybe_cut(self) -> Utterance | None:
        """A party who never pauses still gets translated, in pieces of the maximum length."""
        if len(self._current) < self._max_windows:
            return None
        utterance = self._emit(trailing_silence=self._silence_run)
        self._current = []
        self._silence_run = 0
        return utterance

    def _emit(self, trailing_silence: int) -> Utterance | None:
        drop = max(0, trailing_silence - self._post_roll)
        kept = self._current[: len(self._current) - drop] if drop else self._current
        if not kept:
            return None
        samples = np.concatenate([window for _, window in kept])
        window_s = self._window / self._rate
        voiced = len(self._current) - trailing_silence
        voice_end_s = self._current[max(0, voiced - 1)][0] + window_s
        utterance = Utterance(
            id=self._next_id,
            samples=samples,
            sample_rate=self._rate,
            t_start_s=kept[0][0],
            t_end_s=kept[-1][0] + window_s,
            t_voice_end_s=voice_end_s,
        )
        self._next_id += 1
        return utterance

    def _reset_state(self) -> None:
        self._current = []
        self._speech_run = 0
        self._silence_run = 0
        self.state = State.QUIET


def split_utterances(
    samples: np.ndarray,
    endpointer: Endpointer,
    sample_rate: int = VAD_SAMPLE_RATE,
    block_s: float = 1.0,
) -> list[Utterance]:
    """Feed a whole recording through the streaming endpointer, as a microphone would."""
    block = int(block_s * sample_rate)
    utterances: list[Utterance] = []
    for start in range(0, len(samples), block):
        frame = Frame(samples[start : start + block], sample_rate, start / sample_rate)
        utterances.extend(endpointer.push(frame))
    utterances.extend(endpointer.flush())
    return utterances
