"""One JSON line per utterance: where its time went and which rungs it took.

Times are milliseconds after the end of speech (the utterance's last sample), on the
pipeline's one clock, so the endpoint silence shows as the gap before `endpoint_ms`
and every stage after it reads as the listener's wait.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from interpreter.pipeline import Turn


@dataclass(frozen=True)
class TurnTrace:
    utterance_id: int
    party: str | None
    language: str
    method: str
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

    @classmethod
    def of(
        cls,
        turn: Turn,
        endpoint_s: float,
        first_audio_out_s: float | None = None,
        party: str | None = None,
    ) -> TurnTrace:
        speech_end_s = turn.utterance.t_end_s

        def after(time_s: float | None) -> float | None:
            return None if time_s is None else round(1000.0 * (time_s - speech_end_s), 1)

        first_made = turn.speech[0].t_done_s if turn.speech else None
        return cls(
            utterance_id=turn.utterance.id,
            party=party,
            language=turn.transcript.language,
            method=turn.translation.method.value,
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
        )

    @property
    def wait_ms(self) -> float | None:
        """From the endpoint to the first sound: what the budget is about."""
        first = self.first_audio_out_ms or self.first_audio_made_ms
        return None if first is None else round(first - self.endpoint_ms, 1)

    def json_line(self) -> str:
        data = {
            "utterance": self.utterance_id,
            "party": self.party,
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
        return json.dumps(data, ensure_ascii=False)
