"""Who is speaking, and when the microphone must not listen.

Pure state machines over frames and presses, with times from the pipeline's clock:
the live runner feeds them, the tests drive them frame by frame.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np

from interpreter.types import Frame, Utterance


class Party(str, enum.Enum):
    MERCHANT = "merchant"
    BUYER = "buyer"


@dataclass(frozen=True)
class Parties:
    """The two sides of the counter and their languages; the merchant's comes first
    in a pair such as zh-en."""

    merchant_language: str
    buyer_language: str

    def language(self, party: Party) -> str:
        return self.merchant_language if party is Party.MERCHANT else self.buyer_language

    def party_of(self, language: str) -> Party | None:
        if language == self.merchant_language:
            return Party.MERCHANT
        if language == self.buyer_language:
            return Party.BUYER
        return None


@dataclass(frozen=True)
class PushToTalkOptions:
    # A press shorter than this is a slip of the finger, not a turn.
    min_utterance_ms: int = 300
    max_utterance_s: float = 15.0
    # Audio from just before the press: people start talking as they press.
    pre_roll_ms: int = 200


class PushToTalk:
    """One control per party. `toggle` mode (keyboard keys, which repeat rather than
    report a release) starts a turn on the first press and ends it on the next;
    hold mode (buttons, the web page) ends it on release. Pressing the other party's
    control ends the current turn and starts theirs."""

    def __init__(self, options: PushToTalkOptions | None = None, sample_rate: int = 16_000):
        self._options = options or PushToTalkOptions()
        self._rate = sample_rate
        self._next_id = 1
        self.speaking: Party | None = None
        self._frames: list[np.ndarray] = []
        self._start_s = 0.0
        self._recent: list[Frame] = []

    def press(self, party: Party, now_s: float, toggle: bool = False) -> list[Utterance]:
        if toggle and self.speaking is party:
            return self.release(party, now_s)
        finished = self._finish() if self.speaking is not None else []
        self.speaking = party
        pre_roll_s = self._options.pre_roll_ms / 1000.0
        kept = [f for f in self._recent if f.t_capture_s >= now_s - pre_roll_s]
        self._frames = [f.samples for f in kept]
        self._start_s = kept[0].t_capture_s if kept else now_s
        return finished

    def release(self, party: Party, now_s: float) -> list[Utterance]:
        if self.speaking is not party:
            return []
        return self._finish()

    def push(self, frame: Frame) -> list[Utterance]:
        """Audio in; an utterance out when a turn reaches the maximum length."""
        if self.speaking is None:
            self._recent = [*self._recent[-32:], frame]
            return []
        self._frames.append(frame.samples)
        heard_s = sum(len(f) for f in self._frames) / self._rate
        if heard_s >= self._options.max_utterance_s:
            party = self.speaking
            finished = self._finish()
            self.speaking = party  # the party keeps talking: the next piece starts now
            self._start_s = frame.t_capture_s + len(frame.samples) / self._rate
            return finished
        return []

    def current_audio(self) -> np.ndarray | None:
        if self.speaking is None or not self._frames:
            return None
        return np.concatenate(self._frames)

    def _finish(self) -> list[Utterance]:
        party, frames = self.speaking, self._frames
        self.speaking, self._frames, self._recent = None, [], []
        if party is None or not frames:
            return []
        samples = np.concatenate(frames).astype(np.float32)
        if len(samples) < self._options.min_utterance_ms * self._rate / 1000:
            return []
        utterance = Utterance(
            id=self._next_id,
            samples=samples,
            sample_rate=self._rate,
            t_start_s=self._start_s,
            t_end_s=self._start_s + len(samples) / self._rate,
            speaker_hint=party.value,
        )
        self._next_id += 1
        return [utterance]


@dataclass(frozen=True)
class GateOptions:
    # False only where the microphone cannot hear the speaker (a headset).
    enabled: bool = True
    # After the speaker stops, the room still rings and the last syllable echoes.
    tail_ms: int = 300
    # Barge-in: speech this many dB above what the microphone hears of the playback,
    # for this long, is a party talking over the device.
    barge_in_margin_db: float = 10.0
    barge_in_ms: int = 250


def level_db(samples: np.ndarray) -> float:
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) if len(samples) else 0.0
    return 20.0 * np.log10(max(rms, 1e-6))


class PlaybackGate:
    """The device never hears itself: while a translation plays, and for a short tail
    after it, microphone frames are not listened to. It still watches them: a party
    clearly louder than the echo, for long enough, stops the playback (barge-in)."""

    def __init__(self, options: GateOptions | None = None) -> None:
        self._options = options or GateOptions()
        self._playing = False
        self._until_s = float("-inf")
        self._echo_db: float | None = None
        self._loud_s = 0.0

    @property
    def playing(self) -> bool:
        return self._playing

    def playback_started(self, now_s: float) -> None:
        self._playing = True
        self._echo_db = None
        self._loud_s = 0.0

    def playback_stopped(self, now_s: float) -> None:
        self._playing = False
        self._until_s = now_s + self._options.tail_ms / 1000.0

    def open_at(self, now_s: float) -> bool:
        return not self._playing and now_s >= self._until_s

    def hear(self, frame: Frame, speech_prob: float) -> tuple[bool, bool]:
        """(listen to this frame, barge-in now)."""
        if not self._options.enabled:
            return True, False
        end_s = frame.t_capture_s + len(frame.samples) / frame.sample_rate
        if not self._playing:
            return end_s >= self._until_s, False
        level = level_db(frame.samples)
        if self._echo_db is None:
            self._echo_db = level
        speaking = speech_prob >= 0.5 and level >= self._echo_db + self._options.barge_in_margin_db
        if speaking:
            self._loud_s += len(frame.samples) / frame.sample_rate
        else:
            self._loud_s = 0.0
            # The echo's level follows the playback, slowly.
            self._echo_db = 0.9 * self._echo_db + 0.1 * level
        if self._loud_s * 1000.0 >= self._options.barge_in_ms:
            self._loud_s = 0.0
            return True, True
        return False, False
