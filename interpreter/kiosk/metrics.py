"""What the stall's interpreter did, counted for Prometheus at `/metrics`.

The live runner reports each finished turn here (`observe_turn`), each one the deal
log could not write (`turn_not_saved`), the audio overflows it has counted
(`set_audio_overflows`) and how long each model took to load (`model_loaded`); the
web server reports its page clients. Nothing here is global:
every `KioskMetrics` has its own `CollectorRegistry`, so two kiosks in one process (or
the tests) never see each other's numbers, and importing this module registers nothing.

Latencies are exported in seconds, as Prometheus names them (`*_seconds`), though they
are handed in as milliseconds like everywhere else in the interpreter. Label values
are kept to small fixed sets (a party, a method, a stage, a rung), because every new
label value is a new time series kept forever by whoever scrapes the stall.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from interpreter.core.vocabulary import Method, Party

CONTENT_TYPE = CONTENT_TYPE_LATEST
STAGES = ("asr", "mt", "first_audio", "total")
# The rungs that are the plan rather than a fallback (budget.AsrRung / budget.MtRung).
FULL_ASR_RUNG = "configured"
FULL_MT_RUNG = "full"
_PARTIES = tuple(party.value for party in Party)
_METHODS = tuple(method.value for method in Method)
_ASR_RUNGS = ("configured", "greedy-short", "smaller-model")
_MT_RUNGS = ("full", "phrasebook-only")
# From a quick phrasebook turn (tens of ms) to a slow second pass (seconds).
_LATENCY_BUCKETS_S = (0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.6, 0.8, 1.0, 1.2, 1.5, 2.0, 3.0, 5.0)


def _known(value: object, known: tuple[str, ...], other: str = "other") -> str:
    """A label value from a fixed set; anything else counted under `other`."""
    text = getattr(value, "value", value)  # enum members (Party, Method, rungs)
    return text if isinstance(text, str) and text in known else other


class KioskMetrics:
    """The counters, gauges and histograms of one kiosk, in their own registry.

    Every method is safe to call from any thread and never blocks for long (the
    prometheus_client types take a short lock each)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry(auto_describe=True)
        r = self.registry
        self.turns = Counter(
            "interpreter_turns",
            "Finished turns, by the party who spoke and how the translation was made.",
            ("party", "method"),
            registry=r,
        )
        self.stage_latency = Histogram(
            "interpreter_stage_latency_seconds",
            "Time of each stage of a turn: asr (recognition), mt (translation), first_audio "
            "(the speaker's last voiced sample to the first translated sound leaving the "
            "device, endpoint wait included), total (the same start to the text done).",
            ("stage",),
            buckets=_LATENCY_BUCKETS_S,
            registry=r,
        )
        self.violations = Counter(
            "interpreter_budget_violations",
            "Stages of a turn that ran over their latency budget.",
            ("stage",),
            registry=r,
        )
        self.fallbacks = Counter(
            "interpreter_fallbacks",
            "Turns that ran a stage on a lower rung of the latency ladder than the full one "
            "(asr other than 'configured', mt other than 'full').",
            ("stage", "rung"),
            registry=r,
        )
        self.turns_not_saved = Counter(
            "interpreter_turns_not_saved",
            "Finished turns the deal log could not write (its disk full, the file locked or "
            "damaged); the page shows each one marked not saved.",
            registry=r,
        )
        self.audio_overflows = Counter(
            "interpreter_audio_overflows",
            "Microphone buffers lost because the audio callback fell behind.",
            registry=r,
        )
        self.model_load = Gauge(
            "interpreter_model_load_seconds",
            "How long the last load of each model took.",
            ("model",),
            registry=r,
        )
        self.web_clients = Gauge(
            "interpreter_kiosk_clients",
            "Pages connected to the kiosk's event stream now.",
            registry=r,
        )
        self.web_clients_dropped = Counter(
            "interpreter_kiosk_clients_dropped",
            "Pages disconnected because they could not keep up with the events.",
            registry=r,
        )
        self._lock = threading.Lock()
        self._overflows_seen = 0
        # Every stage and party shows from the first scrape, at zero, so a dashboard
        # need not wait for the first turn to know the series exist.
        for stage in STAGES:
            self.stage_latency.labels(stage=stage)
            self.violations.labels(stage=stage)

    def observe_turn(
        self,
        party: Party | str | None,
        method: Method | str,
        *,
        asr_ms: float | None,
        mt_ms: float | None,
        first_audio_ms: float | None,
        total_ms: float | None,
        asr_rung: str = FULL_ASR_RUNG,
        mt_rung: str = FULL_MT_RUNG,
        violations: Iterable[object] = (),
    ) -> None:
        """One finished turn.

        `asr_ms` and `mt_ms` are how long recognition and translation took;
        `first_audio_ms` and `total_ms` run from the end of speech, the last voiced
        sample; None for a stage that did not run
        (no first audio when nothing was spoken). `asr_rung`/`mt_rung` are the
        `budget.AsrRung`/`MtRung` values used; `violations` the stages over budget,
        as names ("asr") or `budget.Violation`s."""
        self.turns.labels(
            party=_known(party, _PARTIES, "unknown"), method=_known(method, _METHODS)
        ).inc()
        for stage, took_ms in zip(STAGES, (asr_ms, mt_ms, first_audio_ms, total_ms), strict=True):
            if took_ms is not None and took_ms >= 0:
                self.stage_latency.labels(stage=stage).observe(took_ms / 1000.0)
        asr = _known(asr_rung, _ASR_RUNGS)
        if asr != FULL_ASR_RUNG:
            self.fallbacks.labels(stage="asr", rung=asr).inc()
        mt = _known(mt_rung, _MT_RUNGS)
        if mt != FULL_MT_RUNG:
            self.fallbacks.labels(stage="mt", rung=mt).inc()
        for violation in violations:
            violated = getattr(violation, "stage", violation)  # a Violation or its name
            self.violations.labels(stage=_known(violated, STAGES)).inc()

    def turn_not_saved(self) -> None:
        """A finished turn was shown but the deal log could not write it."""
        self.turns_not_saved.inc()

    def set_audio_overflows(self, count: int) -> None:
        """The runner's running count of overflows; only the increase is added, so it
        may be called after every turn with the same number. A smaller count (a new
        audio stream counting from zero) starts the comparison again."""
        with self._lock:
            added = count - self._overflows_seen if count >= self._overflows_seen else count
            self._overflows_seen = count
        if added > 0:
            self.audio_overflows.inc(added)

    def model_loaded(self, name: str, seconds: float) -> None:
        """A model (by its store name, e.g. whisper-base) finished loading."""
        self.model_load.labels(model=str(name)[:64]).set(seconds)

    def client_connected(self) -> None:
        self.web_clients.inc()

    def client_disconnected(self, dropped: bool = False) -> None:
        """A page went away; `dropped` when the server cut it off for falling behind."""
        self.web_clients.dec()
        if dropped:
            self.web_clients_dropped.inc()

    def render(self) -> bytes:
        """The Prometheus text exposition of everything above (`CONTENT_TYPE`)."""
        return generate_latest(self.registry)
