"""A live session's options, and the one place they are made from a stall's config:
`interpreter live` and the latency benchmark both call `stall_options` and
`endpointer_options`, so the benchmark times the session the stall runs."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from interpreter.asr.early import EarlyOptions
from interpreter.asr.vad import EndpointerOptions
from interpreter.core.vocabulary import Mode
from interpreter.live.config import StallConfig
from interpreter.live.parties import GateOptions, Parties
from interpreter.live.turn_end import TurnEndOptions
from interpreter.turn.budget import LatencyBudget


@dataclass(frozen=True)
class LiveOptions:
    parties: Parties
    # Who speaks when: the endpointer decides in a conversation, a button in push-to-talk.
    mode: Mode = Mode.CONVERSATION
    # Each turn's stages run on the rung predicted to fit it (see turn/budget.py).
    budget: LatencyBudget = field(default_factory=LatencyBudget)
    # Its `interval_s` gives way to `partial_interval_s`: in a session the partial text
    # and the early recognition are the same readings.
    early: EarlyOptions = field(default_factory=EarlyOptions)
    # The device must not hear its own voice, yet must hear a party talking over it.
    gate: GateOptions = field(default_factory=GateOptions)
    # One JSON line per utterance says what became of it, for tuning and the benchmark.
    trace: bool = False
    # Each reading of the growing utterance (the partial line, the recognition done
    # early) costs an encoder pass and a greedy decode, so it comes at most this often.
    partial_interval_s: float = 0.5
    # A listener that asks for readings while behind the microphone ends every
    # utterance late, so it catches up first.
    max_backlog_s: float = 0.1
    # A worker this far behind drops the oldest utterance: the talk has moved on.
    work_queue_size: int = 4
    # The endpoint silence is time to translate and voice the words read as the voice
    # stopped (wasted only when the party speaks again; push-to-talk has no such wait).
    prepare_during_silence: bool = True
    # The sentence-aware endpoint: how long a pause ends a turn, from its words.
    turn_end: TurnEndOptions = field(default_factory=TurnEndOptions)

    def __post_init__(self) -> None:
        object.__setattr__(self, "mode", Mode(self.mode))  # its text names it too


def stall_options(config: StallConfig, trace: bool = False, echo_gate: bool = True) -> LiveOptions:
    """The session `interpreter live` runs for a stall's config: its pair, mode and
    budget, every other option at its default. `echo_gate` False: the microphone cannot
    hear the speaker (a headset, or a replay that plays nothing into it)."""
    return LiveOptions(
        parties=Parties(*config.pair),
        mode=config.mode,
        budget=config.budget,
        turn_end=config.endpoint,
        trace=trace,
        gate=GateOptions(enabled=echo_gate),
    )


def endpointer_options(base: EndpointerOptions, budget: LatencyBudget) -> EndpointerOptions:
    """The endpointer a session gets: the budget sets its silence and its longest
    utterance."""
    return replace(
        base, min_silence_ms=budget.endpoint_silence_ms, max_utterance_s=budget.max_utterance_s
    )
