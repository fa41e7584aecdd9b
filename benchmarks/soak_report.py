"""The soak's figures: every spoken turn followed to the log and the page, latency per
ten minutes, memory per minute, and every error line.

**Turns.** Each turn the parties spoke has a wall-clock time (where its last voiced
sample lies in the room's recording). Each entry on record, a turn in the deal log or
one the log could not write (the device's "not saved" warning line, with its time),
belongs to the last turn spoken before it. Then:

- **lost**: a turn the device answered aloud with nothing on record, not even a
  not-saved warning;
- **not shown / shown wrong**: an entry on record that the page never showed, or
  showed with other words, or showed as saved when it was not (or the reverse);
- **shown, not on record**: a turn on the page that nothing on record explains;
- **spoken into an outage**: the turn sounded while the device could not hear (the
  microphone unplugged, the process down or restarting); counted, not lost;
- **missed**: no answer, outside every outage.

**Latency.** The room's figure (benchmarks/room.py: last voiced sample to the
device's first sample), per ten minutes of the soak, misses as infinitely slow; once
over every turn, once over the turns outside the outages.

**Memory.** The service's resident memory each minute; per run of the process,
after its warm-up, the change from the first sample to the last and the spread
(largest over smallest).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from benchmarks.scoring import percentiles
from benchmarks.soak_page import ShownTurn
from benchmarks.soak_service import Line, Run

# An entry belongs to the last turn that ended at most this long before it (the
# answer window and the recognition after it) ...
ENTRY_AFTER_TURN_S = 9.0
# ... or this little after it (the wall clock of the recording is known to about
# the recorder's buffer).
ENTRY_BEFORE_TURN_S = 1.0
_NOT_SAVED = re.compile(
    r"^warning: a turn was not saved in the deal log .*; the page shows it marked not saved: "
    r"(?P<party>\S+) at (?P<time>\S+) said (?P<said>\".*\") \((?P<source>[^)]*)\), "
    r"shown as (?P<meant>\".*\") \((?P<target>[^)]*)\)$"
)
_SESSION = re.compile(r"\(session (\S+), deal log")
# What every run says on its way up and down; any other line on stderr is reported.
_ROUTINE = (
    "loading models for", "models: ", "kiosk page: ", "listening for", "stopped: ",
)  # fmt: skip


@dataclass(frozen=True)
class Entry:
    """A turn on record: in the deal log, or named by a not-saved warning."""

    session: str
    key: str  # as the page keys it: "turn-N", or "unsaved-K" (K counts in the session)
    at_unix_s: float
    transcript: str
    translation: str
    saved: bool

    def texts(self) -> set[str]:
        return {text for text in (self.transcript, self.translation) if text}


@dataclass(frozen=True)
class SpokenTurn:
    text: str
    party: str
    started_unix_s: float
    ended_unix_s: float  # its last voiced sample
    minute: float  # since the parties started
    room_ms: float | None  # None: no answer (or not aligned)
    aligned: bool


def unix_s(time_utc: str) -> float:
    return datetime.fromisoformat(time_utc).timestamp()


def session_of_runs(lines: Sequence[Line]) -> dict[int, str]:
    sessions = {}
    for line in lines:
        found = _SESSION.search(line.text) if line.stream == "err" else None
        if found:
            sessions[line.run] = found.group(1)
    return sessions


def unsaved_entries(lines: Sequence[Line]) -> list[Entry]:
    """The not-saved warnings, as entries keyed as the page keys them."""
    sessions = session_of_runs(lines)
    counts: Counter[str] = Counter()
    entries = []
    for line in lines:
        found = _NOT_SAVED.match(line.text) if line.stream == "err" else None
        if not found:
            continue
        session = sessions.get(line.run, "")
        counts[session] += 1
        entries.append(
            Entry(
                session,
                f"unsaved-{counts[session]}",
                unix_s(found["time"]),
                json.loads(found["said"]),
                json.loads(found["meant"]),
                saved=False,
            )
        )
    return entries


def in_any(start: float, end: float, spans: Sequence[tuple[float, float]]) -> bool:
    return any(start <= span_end and end >= span_start for span_start, span_end in spans)


def account(
    spoken: Sequence[SpokenTurn],
    entries: Sequence[Entry],
    shown: dict[tuple[str, str], ShownTurn],
    outages: Sequence[tuple[float, float]],
) -> dict:
    """Spoken vs answered vs on record vs shown, and every turn that went wrong."""
    owner: dict[int, list[Entry]] = {}
    orphans = []
    for entry in entries:
        before = [
            index for index, turn in enumerate(spoken)
            if turn.ended_unix_s - ENTRY_BEFORE_TURN_S <= entry.at_unix_s
            <= turn.ended_unix_s + ENTRY_AFTER_TURN_S
        ]  # fmt: skip
        if before:
            owner.setdefault(before[-1], []).append(entry)
        else:
            orphans.append(entry)
    lost, missed, into_outage, answered_in_outage = [], [], 0, 0
    for index, turn in enumerate(spoken):
        outage = in_any(turn.started_unix_s, turn.ended_unix_s + 1.0, outages)
        into_outage += outage
        answered_in_outage += outage and turn.room_ms is not None
        if turn.room_ms is not None and index not in owner:
            lost.append({"minute": round(turn.minute, 1), "text": turn.text})
        elif turn.room_ms is None and turn.aligned and index not in owner and not outage:
            missed.append({"minute": round(turn.minute, 1), "text": turn.text})
    not_shown, shown_wrong = [], []
    for entry in entries:
        page = shown.get((entry.session, entry.key))
        what = {"session": entry.session, "key": entry.key, "transcript": entry.transcript}
        if page is None:
            not_shown.append(what)
        elif page.texts() != entry.texts() or page.unsaved == entry.saved:
            shown_wrong.append({**what, "shown": sorted(page.texts()), "unsaved": page.unsaved})
    on_record = {(entry.session, entry.key) for entry in entries}
    unexplained = [
        {"session": turn.session, "key": turn.key, "shown": sorted(turn.texts())}
        for key, turn in shown.items()
        if key not in on_record
    ]
    return {
        "spoken": len(spoken),
        "answered_aloud": sum(turn.room_ms is not None for turn in spoken),
        "logged": sum(entry.saved for entry in entries),
        "not_saved_shown_marked": sum(
            not entry.saved and (entry.session, entry.key) in shown for entry in entries
        ),
        "not_saved": sum(not entry.saved for entry in entries),
        "shown": len(shown),
        "spoken_into_outage": into_outage,
        "answered_in_outage": answered_in_outage,
        "entries_before_any_turn": len(orphans),
        "lost": lost,
        "missed": missed,
        "not_shown": not_shown,
        "shown_wrong": shown_wrong,
        "shown_not_on_record": unexplained,
    }


def latency_windows(
    spoken: Sequence[SpokenTurn], outages: Sequence[tuple[float, float]], window_min: float = 10.0
) -> list[dict]:
    """Per `window_min` minutes: the room's p50/p95 over every aligned turn (misses as
    inf), and over those outside the outages."""
    if not spoken:
        return []
    count = math.ceil(max(turn.minute for turn in spoken) / window_min + 1e-9) or 1
    windows = []
    for number in range(count):
        low, high = number * window_min, (number + 1) * window_min
        turns = [t for t in spoken if low <= t.minute < high and t.aligned]
        clear = [
            t for t in turns
            if not in_any(t.started_unix_s, t.ended_unix_s + 1.0, outages)
        ]  # fmt: skip

        def ms(chosen: list[SpokenTurn]) -> dict:
            return percentiles([math.inf if t.room_ms is None else t.room_ms for t in chosen])

        windows.append(
            {
                "minutes": [low, high],
                "all_turns": ms(turns),
                "outside_outages": ms(clear),
                "not_aligned": sum(low <= t.minute < high and not t.aligned for t in spoken),
            }
        )
    return windows


def memory_runs(
    samples: Sequence[tuple[float, int, float]], runs: Sequence[Run], warmup_s: float
) -> list[dict]:
    """Per run: resident memory after its warm-up, first and last sample, change, spread."""
    report = []
    for run in runs:
        mine = [(at, mb) for at, number, mb in samples if number == run.number]
        settled = [mb for at, mb in mine if at - run.started_unix_s >= warmup_s]
        ended = run.ended_unix_s or (mine[-1][0] if mine else run.started_unix_s)
        entry: dict = {
            "run": run.number,
            "lived_min": round((ended - run.started_unix_s) / 60.0, 1),
            "returncode": run.returncode,
            "samples": len(mine),
            "samples_after_warmup": len(settled),
        }
        if len(settled) >= 2:
            first, last = settled[0], settled[-1]
            entry.update(
                first_mb=first, last_mb=last, max_mb=max(settled), min_mb=min(settled),
                change_pct=round(100.0 * (last - first) / first, 2),
                spread_pct=round(100.0 * (max(settled) - min(settled)) / min(settled), 2),
            )  # fmt: skip
        report.append(entry)
    return report


def error_lines(lines: Sequence[Line]) -> list[dict]:
    """Every stderr line that is not a run's routine, grouped (digits folded), counted."""
    groups: dict[str, dict] = {}
    for line in lines:
        if line.stream != "err" or not line.text.strip() or line.text.startswith(_ROUTINE):
            continue
        shape = re.sub(r"\d+", "#", line.text)[:160]
        group = groups.setdefault(shape, {"count": 0, "runs": set(), "example": line.text[:400]})
        group["count"] += 1
        group["runs"].add(line.run)
    return [
        {"count": g["count"], "runs": sorted(g["runs"]), "example": g["example"]}
        for g in sorted(groups.values(), key=lambda g: -g["count"])
    ]
