"""The live session's bookkeeping, driven step by step with the models faked: what it
keeps over a long day, which turns it drops as stale, and the trace line every
utterance leaves. The listener and worker threads are not started; the test plays
them, calling the session's listener and worker as their threads do."""

from __future__ import annotations

import gc
import json
import queue
import tracemalloc
import weakref
from collections import Counter
from typing import cast

import numpy as np

from interpreter.asr.vad import Endpointer
from interpreter.core.clock import ManualClock
from interpreter.core.types import SpeechChunk, Transcript, Translation, Utterance
from interpreter.core.vocabulary import Doubt, Method, Party
from interpreter.live.events import SessionEvents
from interpreter.live.parties import Parties
from interpreter.live.playback import MAX_WAITING_TURNS
from interpreter.live.session import LiveOptions, LiveSession, PairChange
from interpreter.live.worker import Job
from interpreter.translate.chain import TranslatorChain
from interpreter.turn.budget import AsrRung
from interpreter.turn.pipeline import Interpreter, StageTimings, Turn, TurnEvents
from tests.asr.test_endpointer import ScriptedVad

RATE = 16_000


class QuietMicrophone:
    def __init__(self) -> None:
        self.frames: queue.Queue = queue.Queue(maxsize=8)
        self.error = None
        self.dropped_frames = self.device_overflows = 0

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


class ScriptedInterpreter:
    """Stands in for Whisper, the translator and the voice: 0.3 s after it is asked,
    a turn with a second of speech, or nothing when the utterance is in `silent`.
    Each turn and each piece of speech it makes is watched, to see who keeps it."""

    # The session reads these; a test may put a stand-in in their place, and a new
    # pair's translator lands in `translator`.
    transcriber: object = None
    smaller_transcriber: object = None
    translator: object = None

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.silent: set[int] = set()
        self.asked: list[int] = []
        self.made: list[weakref.ref] = []
        # What the buyer is heard to say, and the session's console lines.
        self.heard = "How much is this?"
        self.printed: list[str] = []

    def interpret(self, utterance, directions, early, ladder, events: TurnEvents) -> Turn | None:
        self.asked.append(utterance.id)
        self.clock.advance(0.3)
        if utterance.id in self.silent or events.cancelled():
            return None
        now = self.clock.now()
        transcript = Transcript(utterance.id, self.heard, "en", 0.9, now)
        events.transcript(transcript, Doubt.NONE)
        translation = Translation(
            utterance.id,
            transcript.text,
            "这个多少钱？",
            "en",
            "zh",
            Method.PHRASEBOOK,
            t_done_s=now,
        )
        events.translated(translation)
        chunk = SpeechChunk(utterance.id, np.zeros(RATE, np.float32), RATE, True, now)
        events.spoken(chunk)
        turn = Turn(
            utterance, transcript, translation, (chunk,), StageTimings(300, 0, 0, 300),
            AsrRung.CONFIGURED,
        )  # fmt: skip
        self.made += [weakref.ref(turn), weakref.ref(chunk.samples)]
        return turn


class Speaker:
    """Takes speech and starts it when told to, keeping none of it."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.error = None
        self.chunks = 0
        self.interrupts = 0
        self.play_at_once = False
        self.session: LiveSession | None = None

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def say_chunk(self, chunk: SpeechChunk) -> bool:
        self.chunks += 1
        if self.play_at_once and self.session is not None:
            self.session.playback_started(chunk.utterance_id, self.clock.now())
        return True

    def interrupt(self) -> None:
        self.interrupts += 1


def utterance(number: int, seconds: float = 1.0, end_s: float = 0.0) -> Utterance:
    samples = np.full(int(RATE * seconds), 0.1, np.float32)
    return Utterance(number, samples, RATE, end_s - seconds, end_s)


def session_with(
    clock: ManualClock,
    queue_size: int = 4,
    speaker: Speaker | None = None,
    events: SessionEvents | None = None,
) -> tuple[LiveSession, ScriptedInterpreter, list[dict]]:
    interpreter = ScriptedInterpreter(clock)
    traces: list[dict] = []

    def out(line: str) -> None:
        if line.startswith("{"):
            traces.append(json.loads(line))
        else:
            interpreter.printed.append(line)

    options = LiveOptions(parties=Parties("zh", "en"), trace=True, work_queue_size=queue_size)
    session = LiveSession(
        cast(Interpreter, interpreter),  # a stand-in; the session has no Protocol for it
        Endpointer(ScriptedVad([])),  # never pushed: the tests submit whole utterances
        QuietMicrophone(),
        options,
        out,
        clock,
        events=events,
    )
    if speaker is not None:
        speaker.session = session
        session.attach_speaker(speaker)
    return session, interpreter, traces


def next_job(session: LiveSession) -> Job:
    job = session.worker.jobs.get_nowait()
    assert isinstance(job, Job), "an ended utterance, not a preview"
    return job


def test_a_turn_goes_stale_once_the_other_party_has_spoken_since() -> None:
    session, interpreter, traces = session_with(ManualClock())
    session.listener.submit(utterance(1), None, Party.MERCHANT)
    session.listener.submit(utterance(2), None, Party.MERCHANT)
    merchant, merchant_again = next_job(session), next_job(session)
    assert not session.worker.is_stale(merchant)  # the same party going on is no new turn

    session.listener.submit(utterance(3), None, Party.BUYER)  # the buyer answered
    buyer = next_job(session)
    assert session.worker.is_stale(merchant) and session.worker.is_stale(merchant_again)
    assert not session.worker.is_stale(buyer)

    session.worker.handle(merchant)
    session.worker.handle(buyer)
    assert interpreter.asked == [3]  # the stale turn never reached the models
    assert session.summary.stale_dropped == 1 and session.summary.turns == 1
    assert [(t["utterance"], t["status"]) for t in traces] == [(1, "stale"), (3, "spoken")]
    assert "1 turns;" in session.summary.line()
    assert "1 stale dropped" in session.summary.line()

    session.listener.submit(utterance(4), None, None)  # whose it is is not known yet
    session.listener.submit(utterance(5), None, Party.MERCHANT)
    assert not session.worker.is_stale(next_job(session))


def test_a_worker_that_falls_behind_drops_the_oldest_utterances() -> None:
    session, interpreter, traces = session_with(ManualClock(), queue_size=2)
    for number in range(1, 6):
        session.listener.submit(utterance(number), None, Party.BUYER)
    while not session.worker.jobs.empty():
        session.worker.handle(next_job(session))

    assert interpreter.asked == [4, 5]  # the newest two were waiting
    assert session.summary.stale_dropped == 3 and session.summary.turns == 2
    assert "2 turns;" in session.summary.line()
    assert "3 stale dropped" in session.summary.line()
    assert [(t["utterance"], t["status"]) for t in traces] == [
        (1, "stale"), (2, "stale"), (3, "stale"), (4, "spoken"), (5, "spoken"),
    ]  # fmt: skip


def test_every_utterance_leaves_a_trace_line_with_what_became_of_it() -> None:
    clock = ManualClock(start_s=10.0)
    session, interpreter, traces = session_with(clock)
    interpreter.silent.add(1)
    session.listener.submit(utterance(1, end_s=9.8), None, None)  # a cough
    session.worker.handle(next_job(session))
    session.listener.submit(utterance(2, end_s=10.0), None, None)
    session.worker.handle(next_job(session))

    silent, spoken = traces
    assert silent["status"] == "silent" and silent["wait_ms"] is None
    assert silent["ms_after_speech_end"] == {"endpoint": 200.0, "dropped": 500.0}
    assert spoken["status"] == "spoken" and spoken["language"] == "en"
    assert spoken["party"] == "buyer" and spoken["wait_ms"] is not None
    assert session.summary.silent == 1 and "1 silent" in session.summary.line()


def test_a_day_of_turns_keeps_nothing_but_counts() -> None:
    """Turns played as they are made, played after the worker is done, cut short by a
    party talking over them, never played (the speaker fell far behind), silent, and
    gone stale: none of them is kept once it has been reported."""
    clock = ManualClock()
    speaker = Speaker(clock)
    session, interpreter, traces = session_with(clock, speaker=speaker)
    statuses: Counter[str] = Counter()

    def one_turn(number: int) -> None:
        kind = number % 6
        party = Party.BUYER if number % 2 else Party.MERCHANT
        speaker.play_at_once = kind == 0
        if kind == 4:
            interpreter.silent.add(number)
        session.listener.submit(utterance(number, end_s=clock.now()), None, party)
        if kind == 5:  # the other party speaks before the worker gets to it
            other = Party.MERCHANT if party is Party.BUYER else Party.BUYER
            session.listener.submit(utterance(-number, end_s=clock.now()), None, other)
        while not session.worker.jobs.empty():
            session.worker.handle(next_job(session))
        if kind == 1:
            session.playback_started(number, clock.now() + 0.1)
        elif kind == 2:
            session.interrupt_playback()
        # kind 3: the speaker never gets to it
        clock.advance(5.0)
        statuses.update(t["status"] for t in traces)
        traces.clear()
        interpreter.silent.discard(number)

    for number in range(1, 121):
        one_turn(number)
    gc.collect()
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    for number in range(121, 721):
        one_turn(number)
    gc.collect()
    after, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    # 720 turns, each with a second of speech (64 kB): kept, they would be 46 MB.
    assert after - before < 256 * 1024
    assert sum(ref() is not None for ref in interpreter.made) <= 2
    assert not hasattr(session, "turns")
    # Of every six: two spoken, one silent, one stale (and the answer that made it so),
    # and three whose speech a party talked over before it sounded; the last two of
    # those still wait for the speaker.
    assert session.playback.held == 2
    assert statuses == {"spoken": 240, "interrupted": 358, "silent": 120, "stale": 120}
    summary = session.summary
    assert summary.turns == 600 and summary.interrupted == 358
    assert summary.silent == 120 and summary.stale_dropped == 120
    assert summary.first_audio_ms.count == 240  # only what was heard is timed
    assert speaker.interrupts == 120


def test_a_speaker_that_never_plays_holds_only_a_few_turns() -> None:
    clock = ManualClock()
    session, _, traces = session_with(clock, speaker=Speaker(clock))
    for number in range(1, 21):
        session.listener.submit(utterance(number, end_s=clock.now()), None, Party.BUYER)
        session.worker.handle(next_job(session))
        clock.advance(5.0)
    assert session.playback.held == MAX_WAITING_TURNS
    assert [t["utterance"] for t in traces] == list(range(1, 21 - MAX_WAITING_TURNS))
    assert {t["status"] for t in traces} == {"unplayed"}
    assert session.summary.first_audio_ms.count == 0


def test_after_a_pair_change_a_button_reads_in_the_new_language() -> None:
    session, _, _ = session_with(ManualClock())
    translator = cast(TranslatorChain, object())  # only its identity is looked at
    session.change_pair(PairChange(Parties("zh", "ru"), translator, None))
    session.worker.apply_change()
    assert session.reader.begin(Party.BUYER).languages == ("ru",)
    assert session.reader.begin(Party.MERCHANT).languages == ("zh",)
    assert session.reader.begin(None).languages == ("zh", "ru")


def test_the_console_shows_control_characters_heard_or_typed_as_escapes() -> None:
    session, interpreter, _ = session_with(ManualClock())
    interpreter.heard = "\x1b[31mHow much is this?\x1b[0m"
    session.listener.submit(utterance(1), None, Party.BUYER)
    session.worker.handle(next_job(session))
    heard = next(line for line in interpreter.printed if line.startswith("[buyer en]"))
    assert heard == "[buyer en] \\x1b[31mHow much is this?\\x1b[0m"
    assert not any("\x1b" in line for line in interpreter.printed)
