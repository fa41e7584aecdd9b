"""One JSON line per utterance: where its time went and which rungs it took.

Times are milliseconds after the end of speech (the speaker's last voiced moment, as
the endpointer heard it; see `Utterance.voice_end_s`), on the pipeline's one clock:
the same clock the microphone's samples are placed on and the speaker's first sample
is stamped with as it leaves the device. The endpoint wait is `endpoint_ms`, inside
the total, and every stage after it adds to the listener's wait.

Every utterance leaves a line, also one that left no turn, so a reader of the trace
can count what was lost. `status` (a `Status`) says what became of it:
- `spoken`: its translation was spoken (or handed to the speaker, where there is none);
- `shown`: there was only text to show (no voice, an unsure transcript, no translation);
- `interrupted`: a party talked over its playback or pressed to talk, which stopped it;
- `unplayed`: the session ended (or the speaker fell far behind) before it sounded;
- `silent`: nobody really spoke (noise, a cough, a language not of the stall);
- `stale`: the other party spoke since it ended, so it was dropped unfinished.
"""

from __future__ import annotations

from dataclasses import dataclass

from interpreter.core.text import terminal_json
from interpreter.core.types import Utterance
from interpreter.core.vocabulary import Method, Party, Status
from interpreter.turn.pipeline import Turn


@dataclass(frozen=True)
class TurnTrace:
    utterance_id: int
    party: Party | None
    language: str
    method: Method
    asr_rung: str
    mt_rung: str
    speech_s: float
    endpoint_ms: float
    asr_done_ms: float
    mt_done_ms: float
    first_audio_made_ms: float | None
    first_audio_out_ms: float | None
    violations: tuple[str, ...]
    # The amounts as said and as translated, and what the number check repaired.
    numbers_said: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    number_repairs: tuple[str, ...] = ()
    confidence: float | None = None
    status: Status = Status.SPOKEN

    def __post_init__(self) -> None:
        # Given as text (a test, a benchmark's stand-in), each is kept as its member;
        # the line written is the same either way.
        object.__setattr__(self, "party", _party(self.party))
        object.__setattr__(self, "method", Method(self.method))
        object.__setattr__(self, "status", Status(self.status))

    @classmethod
    def of(
        cls,
        turn: Turn,
        endpoint_s: float,
        first_audio_out_s: float | None = None,
        party: Party | None = None,
        status: Status | None = None,
    ) -> TurnTrace:
        """`status` defaults to `spoken` when the turn made speech, else `shown`."""
        speech_end_s = turn.utterance.voice_end_s

        def after(time_s: float | None) -> float | None:
            return None if time_s is None else round(1000.0 * (time_s - speech_end_s), 1)

        first_made = turn.speech[0].t_done_s if turn.speech else None
        return cls(
            utterance_id=turn.utterance.id,
            party=party,
            language=turn.transcript.language,
            method=turn.translation.method,
            asr_rung=turn.asr_rung.value,
            mt_rung=turn.mt_rung.value,
            speech_s=round(turn.utterance.duration_s, 2),
            endpoint_ms=after(endpoint_s) or 0.0,
            asr_done_ms=after(turn.transcript.t_done_s) or 0.0,
            mt_done_ms=after(turn.translation.t_done_s) or 0.0,
            first_audio_made_ms=after(first_made),
            first_audio_out_ms=after(first_audio_out_s),
            violations=tuple(v.stage for v in turn.violations),
            numbers_said=turn.translation.numbers_said,
            numbers=turn.translation.numbers,
            number_repairs=turn.translation.number_repairs,
            confidence=turn.transcript.confidence,
            status=status or (Status.SPOKEN if turn.speech else Status.SHOWN),
        )

    @property
    def heard_ms(self) -> float | None:
        """From the end of speech to the first sound: what the listener waits. Without
        a speaker (tests, files) the first audio made stands in for it."""
        if self.first_audio_out_ms is not None:
            return self.first_audio_out_ms
        return self.first_audio_made_ms

    @property
    def wait_ms(self) -> float | None:
        """From the endpoint to the first sound: what the budget is about."""
        first = self.first_audio_out_ms or self.first_audio_made_ms
        return None if first is None else round(first - self.endpoint_ms, 1)

    def json_line(self) -> str:
        data = {
            "utterance": self.utterance_id,
            "party": self.party,
            "status": self.status,
            "language": self.language,
            "method": self.method,
            "rungs": {"asr": self.asr_rung, "mt": self.mt_rung},
            "speech_s": self.speech_s,
            "ms_after_speech_end": {
                "endpoint": self.endpoint_ms,
                "asr_done": self.asr_done_ms,
                "mt_done": self.mt_done_ms,
                "first_audio_made": self.first_audio_made_ms,
                "first_audio_out": self.first_audio_out_ms,
            },
            "wait_ms": self.wait_ms,
            "violations": list(self.violations),
            "confidence": self.confidence,
            "numbers": {
                "said": list(self.numbers_said),
                "translated": list(self.numbers),
                "repairs": list(self.number_repairs),
            },
        }
        return terminal_json(data)


@dataclass(frozen=True)
class DroppedTrace:
    """An utterance that left no turn (`silent` or `stale`). Its line has the keys of a
    turn's line that still mean something, with null where nothing was made, so the
    trace holds every utterance the endpointer or a button cut."""

    utterance_id: int
    party: Party | None
    status: Status
    speech_s: float
    endpoint_ms: float
    dropped_ms: float
    language: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "party", _party(self.party))
        object.__setattr__(self, "status", Status(self.status))

    @classmethod
    def of(
        cls,
        utterance: Utterance,
        endpoint_s: float,
        dropped_s: float,
        status: Status,
        party: Party | None = None,
        language: str | None = None,
    ) -> DroppedTrace:
        def after(time_s: float) -> float:
            return round(1000.0 * (time_s - utterance.voice_end_s), 1)

        return cls(
            utterance_id=utterance.id,
            party=party,
            status=status,
            speech_s=round(utterance.duration_s, 2),
            endpoint_ms=after(endpoint_s),
            dropped_ms=after(dropped_s),
            language=language,
        )

    @property
    def wait_ms(self) -> None:
        return None

    def json_line(self) -> str:
        data = {
            "utterance": self.utterance_id,
            "party": self.party,
            "status": self.status,
            "language": self.language,
            "speech_s": self.speech_s,
            "ms_after_speech_end": {"endpoint": self.endpoint_ms, "dropped": self.dropped_ms},
            "wait_ms": None,
        }
        return terminal_json(data)


def _party(party: Party | str | None) -> Party | None:
    return None if party is None else Party(party)
