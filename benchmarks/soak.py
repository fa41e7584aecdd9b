"""The soak: the stall's kiosk kept up for an hour in the room, with faults on a schedule.

`interpreter kiosk --mode conversation` runs as the stall's service would
(benchmarks/soak_service.py: restarted 3 s after it fails, as
device/systemd/interpreter.service says), in the room (benchmarks/roombed.py: a real
PulseAudio server), listening through its own microphone and speaking into the room.
The parties' two-sided exchange (benchmarks/room.py's clips, the merchant in the
natural Mandarin test voice) loops for the whole soak; the kiosk page is open in
Debian's chromium (benchmarks/soak_page.py), read every second. The deal log is on a
small disk of its own.

Faults, at fractions of the soak (benchmarks/soak_faults.py; for an hour, minute):

- 0.20 (12): the microphone unplugged for 30 s, longer than the device's retries:
  the session stops with an error and the service manager starts it again until the
  microphone is back;
- 0.30 (18): kill -9, the service manager restarts it;
- 0.45 (27) for 0.08 of the soak (4.8 min): the deal log's disk full, then freed;
- 0.70 (42): the microphone unplugged for 6 s: found again without a restart.

The first and the last tenth of the soak (for an hour, the first and last ten
minutes) are left without faults, so their latency compares like with like.

Reported (benchmarks/soak_report.py): resident memory every minute, the CPU seconds
each minute of the service, chromium, this harness and the rest of the machine (who
was busy when latency moved), the room's latency p50/p95 per ten minutes, turns
spoken vs answered vs logged vs shown, the turns lost or shown wrong, and every
error line.

    python -m benchmarks.soak --minutes 60      # the acceptance run (root: the log's disk)
    python -m benchmarks.soak --minutes 8       # a look at every fault
"""

from __future__ import annotations

import argparse
import enum
import itertools
import math
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.common.liveproc import traces_in
from benchmarks.common.memory import machine_cpu_s, memory_mb, named_cpu_s, process_cpu_s
from benchmarks.common.models import ENGLISH_VOICE, store_for_live
from benchmarks.common.results import RESULTS_DIR, save_result
from benchmarks.room import (
    ANSWER_WINDOW_S,
    LEAD_IN_S,
    Clip,
    analyse,
    make_clips,
    merchant_voice,
    party_track,
    positive,
)
from benchmarks.roombed import ROOM_RATE_HZ, Room
from benchmarks.soak_faults import MIC_DEVICE, LogDisk, RoomMicrophone
from benchmarks.soak_page import PageWatcher
from benchmarks.soak_report import (
    Entry,
    SpokenTurn,
    account,
    error_lines,
    latency_windows,
    memory_runs,
    unix_s,
    unsaved_entries,
)
from benchmarks.soak_service import Run, Service, kiosk_command
from interpreter.deals.log import DealLog
from interpreter.store import ModelStore

REPOSITORY = Path(__file__).resolve().parents[1]
# After the microphone is back, the device's next try to open it is at most this far.
MIC_RETRY_S = 2.0


class FaultKind(enum.StrEnum):
    MIC_GONE = "microphone unplugged"
    KILL = "kill -9"
    DISK_FULL = "deal log's disk full"


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    at_fraction: float  # of the soak's length
    length_s: float = 0.0
    length_fraction: float = 0.0  # of the soak's length, added to length_s

    def span_s(self, soak_s: float) -> tuple[float, float]:
        start = self.at_fraction * soak_s
        return start, start + self.length_s + self.length_fraction * soak_s


FAULTS = (
    Fault(FaultKind.MIC_GONE, 0.20, length_s=30.0),
    Fault(FaultKind.KILL, 0.30),
    Fault(FaultKind.DISK_FULL, 0.45, length_fraction=0.08),
    Fault(FaultKind.MIC_GONE, 0.70, length_s=6.0),
)


@dataclass(frozen=True)
class SoakOptions:
    minutes: float = 60.0
    # Memory is compared from this long after each start of the process (models
    # loaded, the first turns' buffers made).
    warmup_min: float = 5.0
    port: int = 18790
    # How often the page is read: a turn shown for less than this may be missed.
    look_s: float = 1.0
    memory_every_s: float = 60.0


@dataclass
class FaultEvent:
    kind: FaultKind
    started_unix_s: float
    ended_unix_s: float
    detail: str


def round_clips(store: ModelStore, soak_s: float) -> list[Clip]:
    """The exchange, round after round, for as long as the soak."""
    one_round = make_clips(store, 6, merchant_voice())
    clips: list[Clip] = []
    length_s = LEAD_IN_S
    while length_s < soak_s:
        clip = one_round[len(clips) % len(one_round)]
        clips.append(clip)
        length_s += len(clip.samples) / ROOM_RATE_HZ + ANSWER_WINDOW_S
    return clips


class Faults:
    """The schedule, carried out as the soak goes."""

    def __init__(
        self, soak_s: float, mic: RoomMicrophone, disk: LogDisk, service: Service,
        log: Callable[[str], None],
    ) -> None:  # fmt: skip
        self._soak_s = soak_s
        self._mic = mic
        self._disk = disk
        self._service = service
        self._log = log
        self._pending = sorted(FAULTS, key=lambda fault: fault.at_fraction)
        self._open: list[tuple[Fault, FaultEvent]] = []
        self.events: list[FaultEvent] = []

    def tick(self, elapsed_s: float) -> None:
        now = time.time()
        for fault, event in list(self._open):
            if elapsed_s >= fault.span_s(self._soak_s)[1]:
                self._end(fault, event)
                event.ended_unix_s = now
                self._open.remove((fault, event))
        while self._pending and elapsed_s >= self._pending[0].span_s(self._soak_s)[0]:
            if self._pending[0].kind is FaultKind.KILL and self._service.pid is None:
                break  # kill -9 needs a process: held until the service is back
            fault = self._pending.pop(0)
            event = FaultEvent(fault.kind, now, now, self._begin(fault))
            self.events.append(event)
            self._log(f"{elapsed_s / 60:5.1f} min: {fault.kind}: {event.detail}")
            if fault.span_s(self._soak_s)[1] > fault.span_s(self._soak_s)[0]:
                self._open.append((fault, event))

    def finish(self) -> None:
        for fault, event in self._open:
            self._end(fault, event)
            event.ended_unix_s = time.time()
        self._open.clear()

    def _begin(self, fault: Fault) -> str:
        if fault.kind is FaultKind.MIC_GONE:
            ended = self._mic.unplug(self._service.pid)
            return f"source removed, {ended} stream(s) of the device ended"
        if fault.kind is FaultKind.KILL:
            pid = self._service.pid
            self._service.kill()
            return f"SIGKILL to {pid}"
        if not self._disk.mounted:
            return f"skipped: {self._disk.skipped_why}"
        taken = self._disk.fill()
        return f"{taken / 1e6:.1f} MB written, {self._disk.free_bytes()} bytes left"

    def _end(self, fault: Fault, event: FaultEvent) -> None:
        if fault.kind is FaultKind.MIC_GONE:
            self._mic.plug_in()
        elif fault.kind is FaultKind.DISK_FULL:
            self._disk.free()
        self._log(f"      {fault.kind}: over")


def outages(runs: list[Run], events: list[FaultEvent]) -> list[tuple[float, float]]:
    """When the device could not hear: between a run's end and the next run listening,
    and while the microphone was out (and its next try after)."""
    spans = []
    for run, after in itertools.pairwise(runs):
        if run.ended_unix_s is not None:
            spans.append((run.ended_unix_s, after.ready_unix_s or after.started_unix_s + 60.0))
    for event in events:
        if event.kind is FaultKind.MIC_GONE:
            spans.append((event.started_unix_s, event.ended_unix_s + MIC_RETRY_S + 1.0))
    return sorted(spans)


def logged_entries(path: Path) -> list[Entry]:
    """Every turn in the deal log, all sessions."""
    log = DealLog.open(path)
    try:
        return [
            Entry(
                turn.session_id,
                f"turn-{turn.turn_number}",
                unix_s(turn.time_utc),
                turn.transcript,
                turn.translation,
                saved=True,
            )
            for session in log.sessions()
            for turn in log.turns(session.id)
        ]
    finally:
        log.close()


def run(store: ModelStore, work: Path, options: SoakOptions, log: Callable[[str], None]) -> dict:
    soak_s = options.minutes * 60.0
    clips = round_clips(store, soak_s)
    log(f"{len(clips)} turns of the exchange for {options.minutes:g} minutes")
    rss: list[tuple[float, int, float]] = []
    cpu: list[dict[str, float]] = []
    with Room(work) as room, LogDisk(work / "logdisk") as disk:
        mic = RoomMicrophone(room, work)
        mic.install()
        log_path = disk.folder / "deals.sqlite"
        env = {**room.environment(), "INTERPRETER_MODELS_DIR": str(store.root)}
        command = kiosk_command(options.port, str(log_path), MIC_DEVICE)
        service = Service(command, env, cwd=str(REPOSITORY))
        service.start()
        faults = Faults(soak_s, mic, disk, service, log)
        try:
            deadline = time.monotonic() + 180
            while not service.ready():
                if time.monotonic() > deadline:
                    said = [line.text for line in service.log.lines][-10:]
                    raise SystemExit(f"interpreter kiosk did not start: {said}")
                time.sleep(0.2)
            with PageWatcher(f"http://127.0.0.1:{options.port}/") as page:
                length = int(LEAD_IN_S * ROOM_RATE_HZ) + sum(
                    len(clip.samples) + int(ANSWER_WINDOW_S * ROOM_RATE_HZ) for clip in clips
                )
                track, starts = party_track(clips, room.tone(length))
                track_at = int(room.play(track) * ROOM_RATE_HZ)
                began = time.time()
                log(f"the parties speak; {len(track) / ROOM_RATE_HZ / 60:.1f} min of turns")
                next_look = next_memory = 0.0
                while room.playing():
                    elapsed = time.time() - began
                    faults.tick(elapsed)
                    if elapsed >= next_look:
                        page.look()
                        next_look = elapsed + options.look_s
                    if elapsed >= next_memory:
                        pid = service.pid
                        mb = memory_mb(pid, "VmRSS") if pid is not None else None
                        if mb is not None and pid is not None:
                            rss.append((time.time(), service.log.runs[-1].number, mb))
                        cpu.append(cpu_sample(elapsed, pid))
                        next_memory = elapsed + options.memory_every_s
                        log(f"{elapsed / 60:5.1f} min: service rss {mb} MB")
                    time.sleep(0.2)
                faults.finish()
                for _ in range(5):  # the last answer sounds, is logged and shown
                    time.sleep(1.0)
                    page.look()
                watched = {
                    "looks": page.looks, "failed_looks": page.failed_looks,
                    "disconnected_looks": page.disconnected_looks,
                }  # fmt: skip
                shown = dict(page.shown)
        finally:
            service.stop()
            faults.finish()
        parties, recording = room.finish()
        entries = logged_entries(log_path) + unsaved_entries(service.log.lines)
        disk_note = disk.skipped_why
    out_lines = [line.text for line in service.log.lines if line.stream == "out"]
    results = analyse(clips, starts, track_at, parties, recording, traces_in(out_lines))
    spoken = []
    for clip, start, result in zip(clips, starts, results, strict=True):
        at = track_at + start + clip.last_voiced + result.alignment_offset_samples
        ended = room.recording_started_unix_s + at / ROOM_RATE_HZ
        spoken.append(
            SpokenTurn(
                text=clip.text,
                party=clip.party,
                started_unix_s=ended - clip.last_voiced / ROOM_RATE_HZ,
                ended_unix_s=ended,
                minute=(ended - began) / 60.0,
                room_ms=result.room_ms,
                aligned=result.aligned,
            )
        )
    down = outages(service.log.runs, faults.events)
    windows = latency_windows(spoken, down)
    turns = account(spoken, entries, shown, down)
    memory = memory_runs(rss, service.log.runs, options.warmup_min * 60.0)
    return {
        "summary": summarise(windows, turns, memory, service.log.runs),
        "options": asdict(options),
        "voices": {"en": ENGLISH_VOICE, "zh": getattr(merchant_voice(), "name", "espeak-ng")},
        "faults": [
            {
                "kind": str(event.kind),
                "minute": round((event.started_unix_s - began) / 60.0, 2),
                "lasted_s": round(event.ended_unix_s - event.started_unix_s, 1),
                "detail": event.detail,
            }
            for event in faults.events
        ],
        "log_disk": disk_note or "tmpfs of its own, 16 MB",
        "outages_min": [
            [round((a - began) / 60.0, 2), round((b - began) / 60.0, 2)] for a, b in down
        ],
        "runs": [
            {
                "run": r.number,
                "started_min": round((r.started_unix_s - began) / 60.0, 2),
                "ready_after_s": (
                    round(r.ready_unix_s - r.started_unix_s, 1) if r.ready_unix_s else None
                ),
                "ended_min": round((r.ended_unix_s - began) / 60.0, 2) if r.ended_unix_s else None,
                "returncode": r.returncode,
            }
            for r in service.log.runs
        ],
        "memory_by_run": memory,
        "cpu_per_minute": cpu_minutes(cpu),
        "memory_per_minute": [
            {"minute": round((at - began) / 60.0, 1), "run": number, "rss_mb": mb}
            for at, number, mb in rss
        ],
        "latency_per_10_min": windows,
        "turns": turns,
        "page": watched,
        "error_lines": error_lines(service.log.lines),
        "console": [
            [round((line.at_unix_s - began) / 60.0, 3), line.run, line.text]
            for line in service.log.lines
            if line.stream == "out"
        ],
        "spoken_turns": [asdict(turn) for turn in spoken],
    }


def cpu_sample(elapsed_s: float, service_pid: int | None) -> dict[str, float]:
    """CPU seconds so far: the service's run, chromium's, this harness's, the machine's."""
    busy, idle = machine_cpu_s()
    service_s = process_cpu_s(service_pid) if service_pid is not None else None
    return {
        "minute": round(elapsed_s / 60.0, 2),
        "service_pid": float(service_pid or 0),
        "service_s": service_s or 0.0,
        "chromium_s": named_cpu_s(b"chromium"),
        "harness_s": process_cpu_s(os.getpid()) or 0.0,
        "machine_busy_s": busy,
        "machine_idle_s": idle,
    }


def cpu_minutes(samples: list[dict[str, float]]) -> list[dict[str, float | None]]:
    """Per minute, the CPU seconds each used (the service's only within one run), and
    the rest of the machine: whatever else ran (other tenants, the sound server)."""
    minutes: list[dict[str, float | None]] = []
    for before, after in itertools.pairwise(samples):
        same_run = before["service_pid"] == after["service_pid"]
        service = after["service_s"] - before["service_s"] if same_run else None
        busy = after["machine_busy_s"] - before["machine_busy_s"]
        chromium = after["chromium_s"] - before["chromium_s"]
        harness = after["harness_s"] - before["harness_s"]
        rest = busy - chromium - harness - (service or 0.0) if service is not None else None
        minutes.append(
            {
                "minute": after["minute"],
                "service_s": None if service is None else round(service, 1),
                "chromium_s": round(chromium, 1),
                "harness_s": round(harness, 1),
                "rest_s": None if rest is None else round(rest, 1),
                "idle_s": round(after["machine_idle_s"] - before["machine_idle_s"], 1),
            }
        )
    return minutes


def summarise(windows: list[dict], turns: dict, memory: list[dict], runs: list[Run]) -> dict:
    """The three things the soak is judged on, and the counts behind them."""
    first, last = (windows[0], windows[-1]) if windows else ({}, {})

    def p95(window: dict) -> float | None:
        return (window.get("outside_outages") or {}).get("p95")

    drift = None
    before, after = p95(first), p95(last)
    if before and after and math.isfinite(before) and math.isfinite(after):
        drift = round(100.0 * (after / before - 1.0), 1)
    settled = [m for m in memory if "change_pct" in m]
    longest = max(settled, key=lambda m: m["lived_min"], default=None)
    return {
        "restarts": len(runs) - 1,
        "memory_longest_run": longest,
        "latency_first_window_ms": first.get("outside_outages"),
        "latency_last_window_ms": last.get("outside_outages"),
        "p95_last_vs_first_pct": drift,
        "spoken": turns["spoken"],
        "answered_aloud": turns["answered_aloud"],
        "logged": turns["logged"],
        "not_saved_shown_marked": f"{turns['not_saved_shown_marked']} of {turns['not_saved']}",
        "shown": turns["shown"],
        "spoken_into_outage": turns["spoken_into_outage"],
        "lost": len(turns["lost"]),
        "not_shown": len(turns["not_shown"]),
        "shown_wrong": len(turns["shown_wrong"]),
        "shown_not_on_record": len(turns["shown_not_on_record"]),
        "missed": len(turns["missed"]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--minutes", type=positive(float), default=60.0)
    parser.add_argument("--warmup-minutes", type=positive(float), default=5.0)
    parser.add_argument("--port", type=int, default=18790)
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--label", default="", help="added to the result file name")
    args = parser.parse_args(argv)
    options = SoakOptions(minutes=args.minutes, warmup_min=args.warmup_minutes, port=args.port)
    store = store_for_live(args.models_dir)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="interpreter-soak-") as temporary:
        result = run(store, Path(temporary), options, lambda line: print(line, flush=True))
    fields = {
        "sound_server": "PulseAudio null sink 'room' 16 kHz mono; the device's microphone a "
        "remapped source 'mic' (ALSA 'stallmic'), its speaker ALSA default = pulse",
        "service_manager": "benchmarks/soak_service.py: Restart=on-failure, RestartSec=3",
        "wall_s": round(time.monotonic() - started, 1),
        **result,
    }
    benchmark = "the soak: the kiosk for an hour in the room, faults on a schedule"
    path = save_result("soak", benchmark, __doc__ or "", fields, args.out_dir, args.label)
    for key, value in result["summary"].items():
        print(f"{key}: {value}")
    for window in result["latency_per_10_min"]:
        print(
            f"minutes {window['minutes'][0]:g}-{window['minutes'][1]:g}: all "
            f"{window['all_turns']['p50']}/{window['all_turns']['p95']} ms "
            f"({window['all_turns']['count']}), outside outages "
            f"{window['outside_outages']['p50']}/{window['outside_outages']['p95']} ms"
        )
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
