"""The whole check-up, in the order an installer fixes things: the stall config, sound
in and out, the models, the machine (CPU, memory, disks), the deal log, then the
self-benchmark and the recommended recogniser, written into the stall config.

Every check runs even after one fails, so one run lists everything to fix. Each line
is handed to `on_check` as soon as it is known (the report of a 15-second run appears
as it goes); the returned `Report` holds them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from interpreter.asr.transcriber import TranscriberOptions
from interpreter.audio.devices import PortAudio
from interpreter.core.errors import InterpreterError
from interpreter.core.vocabulary import CheckStatus
from interpreter.deals.database import default_log_path
from interpreter.doctor.deal_log import check_deal_log
from interpreter.doctor.machine import check_cpu, check_disks, check_memory, read_cpu, read_memory
from interpreter.doctor.models import check_models
from interpreter.doctor.report import Check, Report, from_error, ok
from interpreter.doctor.sound import check_sound
from interpreter.doctor.speed import check_speed
from interpreter.live.config import ASR_MODEL_KEY, StallConfig, load_config, save_asr_model
from interpreter.store import ModelStore
from interpreter.turn.budget import BudgetLadder


@dataclass(frozen=True)
class DoctorOptions:
    # The stall config to check and to write the recommendation into: the doctor
    # judges the stall as its sessions will run (pair, devices, budget).
    config_path: Path | None = None
    # False (--no-write): the recommendation is printed only, for a look before a change.
    write_config: bool = True
    # The live session's own overrides of the config (--pair, --input-device,
    # --output-device), so the doctor checks what that session would open.
    pair: tuple[str, str] | None = None
    input_device: int | str | None = None
    output_device: int | str | None = None
    # The deal log whose folder is checked; None: the default a kiosk writes.
    log_path: Path | None = None
    # False (--quick): no self-benchmark, which loads Whisper and takes ten seconds.
    benchmark: bool = True
    # The self-benchmark's time: enough for tiny and base to load and read the test
    # sentence a few times on a 2-core CPU, short enough to wait for at a stall.
    benchmark_s: float = 10.0
    # Timed readings per model after the untimed first one: the median of three
    # shrugs off one reading slowed by another program.
    benchmark_repeats: int = 3
    # The session's recognition options (device, threads, beam), so the benchmark
    # measures what a turn costs.
    transcriber: TranscriberOptions = field(default_factory=TranscriberOptions)
    # One second of the room: enough to see its level, short enough to wait for.
    record_s: float = 1.0
    # A peak under this is quieter than any room (a quiet one is -50 to -40 dBFS):
    # a microphone turned down or far away.
    silent_dbfs: float = -70.0
    # The beep that proves the speaker: short and quiet, heard at a counter without
    # startling anyone.
    beep_s: float = 0.2
    beep_dbfs: float = -30.0
    # A session with Whisper base, two translators and a voice peaked at 657 MB
    # (README, Speed): under this much available it cannot run, under the second the
    # browser of the kiosk and the OS are short.
    needed_memory_mb: int = 700
    comfortable_memory_mb: int = 1500
    # A turn is a few hundred bytes of deal log but SQLite grows it by pages, and a
    # model import needs its size: under the first deals are lost, under the second
    # no model can be added.
    needed_disk_mb: int = 50
    comfortable_disk_mb: int = 500


def read_config(options: DoctorOptions) -> tuple[StallConfig, Check]:
    """The stall config with the options' overrides, and its line."""
    path = options.config_path
    config = StallConfig()
    if path is None:
        line = ok("config", "defaults (no --config)")
    elif not path.exists():
        line = ok("config", f"{path} does not exist yet, defaults", config=str(path))
    else:
        try:
            config = load_config(path)
        except InterpreterError as error:
            line = from_error("config", error, config=str(path))
        else:
            line = ok("config", f"{path}", config=str(path))
    if options.pair is not None:
        config = replace(config, pair=options.pair)
    if options.input_device is not None:
        config = replace(config, input_device=options.input_device)
    if options.output_device is not None:
        config = replace(config, output_device=options.output_device)
    allowance = BudgetLadder(config.budget).asr_allowance_ms()
    settings = f"{'-'.join(config.pair)}, {config.mode}, recognition budget {allowance:.0f} ms" + (
        f", {ASR_MODEL_KEY} {config.asr_model}" if config.asr_model else ""
    )
    line = replace(
        line,
        detail=f"{line.detail}: {settings}" if line.status is CheckStatus.OK else line.detail,
        facts={
            **line.facts,
            "pair": list(config.pair),
            "mode": config.mode.value,
            "budget_asr_ms": allowance,
            ASR_MODEL_KEY: config.asr_model,
        },
    )
    return config, line


def save_line(options: DoctorOptions, config: StallConfig, model: str) -> tuple[Check, bool]:
    """What became of the recommendation (written, already there, or how to keep it),
    and whether it was written."""
    path = options.config_path
    setting = f'{ASR_MODEL_KEY} = "{model}"'
    if path is None:
        return ok(
            "config",
            f"not saved (no --config): run `interpreter doctor --config stall.toml`, or "
            f"write {setting} in the stall config",
        ), False
    if config.asr_model == model:
        return ok("config", f"{path} already has {setting}", config=str(path)), False
    if not options.write_config:
        return ok(
            "config",
            f"not saved (--no-write): run again without --no-write to write {setting} into {path}",
            config=str(path),
        ), False
    try:
        save_asr_model(path, model)
    except InterpreterError as error:
        return from_error("config", error, config=str(path)), False
    return ok("config", f"wrote {setting} into {path}", config=str(path)), True


def checkup(
    options: DoctorOptions,
    store: Callable[[], ModelStore],
    on_check: Callable[[Check], None] = lambda check: None,
    sd: PortAudio | None = None,
) -> Report:
    """Run every check; `store` opens the model store (its failure is a line too),
    `sd` stands in for PortAudio in tests."""
    checks: list[Check] = []

    def add(*found: Check) -> None:
        for check in found:
            checks.append(check)
            on_check(check)

    config, line = read_config(options)
    add(line)
    add(
        *check_sound(
            config.input_device,
            config.output_device,
            options.record_s,
            options.silent_dbfs,
            options.beep_s,
            options.beep_dbfs,
            sd,
        )
    )
    opened: ModelStore | None = None
    try:
        opened = store()
    except InterpreterError as error:
        add(from_error("models", error))
    if opened is not None:
        add(*check_models(opened, config.pair, config.asr_model))
    add(check_cpu(read_cpu()))
    add(check_memory(read_memory(), options.needed_memory_mb, options.comfortable_memory_mb))
    log_path = options.log_path or default_log_path()
    folders = {"deal log": log_path.parent}
    if opened is not None:
        folders = {"model store": opened.root, **folders}
    add(*check_disks(folders, options.needed_disk_mb, options.comfortable_disk_mb))
    add(check_deal_log(log_path))
    recommended = None
    written = None
    if not options.benchmark:
        add(ok("speed", "not measured (--quick)"))
    elif opened is not None:
        allowance = BudgetLadder(config.budget).asr_allowance_ms()
        lines, recommended = check_speed(
            opened,
            config.pair,
            options.transcriber,
            allowance,
            options.benchmark_s,
            options.benchmark_repeats,
        )
        add(*lines)
        # A config that did not read is not rewritten: its own line names the fix.
        if recommended is not None and line.status is not CheckStatus.FAIL:
            saved, wrote = save_line(options, config, recommended)
            add(saved)
            if wrote:
                written = str(options.config_path)
    return Report(tuple(checks), recommended, written)
