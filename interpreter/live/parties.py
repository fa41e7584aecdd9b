"""Who is speaking, and when the microphone must not listen.

Pure state machines over frames and presses, with times from the pipeline's clock:
the live runner feeds them, the tests drive them frame by frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from interpreter.core.types import Frame, Utterance
from interpreter.core.vocabulary import Party


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
    # A longer turn goes on as the next piece: recognition time grows with the audio.
    max_utterance_s: float = 15.0
    # Audio from just before the press is kept: people start talking as they press.
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
            speaker_hint=party,
        )
        self._next_id += 1
        return [utterance]


@dataclass(frozen=True)
class GateOptions:
    # False only where the microphone cannot hear the speaker (a headset).
    enabled: bool = True
    # After the speaker stops, the room still rings and the last syllable echoes.
    tail_ms: int = 300
    # Speech this many dB above what the microphone hears of the playback is a party's.
    barge_in_margin_db: float = 10.0
    # That loud for this long (a syllable or two) is a party talking over the device.
    barge_in_ms: int = 250
    # The echo's level is learnt from the loudest frames this early in a playback,
    # where the sound card's latency and the voice's first syllable fit.
    echo_settle_ms: int = 300
    # The echo's level is held at its peaks, falling only this fast between words.
    echo_decay_db_per_s: float = 3.0
    # It rises at most this fast, so a party's voice coming in is not taken for the echo's.
    echo_rise_db_per_s: float = 6.0


def level_db(samples: np.ndarray) -> float:
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) if len(samples) else 0.0
    return 20.0 * np.log10(max(rms, 1e-6))


class PlaybackGate:
    """The device never hears itself: while a translation plays, and for a short tail
    after it, microphone frames are not listened to. It still watches them: a party
    clearly louder than the echo, for long enough, stops the playback (barge-in).

    The echo's reference is its peak level, not its average: a voice is some 20 dB
    louder on its vowels than in its pauses, and against an average (or the quiet
    first frame of a playback) the device's own vowels would count as a party
    talking over it, and the device would stop itself and then hear its own echo.
    A party's voice dips between syllables too, so a quieter frame takes back half
    of what a loud one added; it does not start the count again.
    """

    def __init__(self, options: GateOptions | None = None) -> None:
        self._options = options or GateOptions()
        self._playing = False
        self._until_s = float("-inf")
        self._echo_db: float | None = None
        self._heard_s = 0.0
        self._loud_s = 0.0
        self._barged = False

    @property
    def playing(self) -> bool:
        return self._playing

    def playback_started(self, now_s: float) -> None:
        self._playing = True
        self._echo_db = None
        self._heard_s = 0.0
        self._loud_s = 0.0
        self._barged = False

    def playback_stopped(self, now_s: float) -> None:
        self._playing = False
        if self._barged:
            # The speaker stopped because a party talks over it: they are louder than
            # any ringing of the room, and a deaf tail now would cut their words.
            self._barged = False
            return
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
        frame_s = len(frame.samples) / frame.sample_rate
        self._heard_s += frame_s
        options = self._options
        if self._echo_db is None or self._heard_s * 1000.0 <= options.echo_settle_ms:
            self._echo_db = level if self._echo_db is None else max(self._echo_db, level)
            return False, False
        speaking = speech_prob >= 0.5 and level >= self._echo_db + options.barge_in_margin_db
        if speaking:
            self._loud_s += frame_s
        else:
            self._loud_s = max(0.0, self._loud_s - 0.5 * frame_s)
            fallen = self._echo_db - options.echo_decay_db_per_s * frame_s
            risen = self._echo_db + options.echo_rise_db_per_s * frame_s
            self._echo_db = min(max(level, fallen), risen)
        if self._loud_s * 1000.0 >= self._options.barge_in_ms:
            # Listening starts now, before the speaker has even stopped.
            self._loud_s = 0.0
            self._playing = False
            self._until_s = float("-inf")
            self._barged = True
            return True, True
        return False, False
