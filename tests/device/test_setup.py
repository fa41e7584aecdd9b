"""device/setup.sh, run for real: its dry run on both targets (the plan names every
package, file and unit, and nothing changes), the file-writing steps into a test root
(units, configs, journal limits, timer, asound.conf), a second run that finds nothing
to change, the target detected, and bad options as one line with exit status 2."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from interpreter.core.vocabulary import Mode
from interpreter.live.config import load_config

REPO = Path(__file__).resolve().parents[2]
SETUP = REPO / "device" / "setup.sh"
USER_UNITS = "etc/systemd/user"
UNITS = (
    "interpreter.service",
    "interpreter-browser.service",
    "interpreter-deal-log-copy.service",
    "interpreter-deal-log-copy.timer",
)
# /proc/asound/cards on a Jetson with a USB card plugged in.
JETSON_CARDS = """\
 0 [tegrahdagalent1]: tegra-hda-galen - NVIDIA Jetson Orin Nano HDA
                      NVIDIA Jetson Orin Nano HDA at 0x3518000 irq 120
 1 [Device         ]: USB-Audio - USB Audio Device
                      C-Media Electronics Inc. USB Audio Device at usb-3610000.usb-2.3, full speed
"""


def setup(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "SUDO_USER"}
    return subprocess.run(
        ["bash", str(SETUP), "--root", str(root), "--user", "stall", *args],
        capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def apt_line(plan: str) -> str:
    (line,) = [line for line in plan.splitlines() if "apt-get install" in line]
    return line


def files_under(root: Path) -> dict[str, str]:
    """Every file and link under the root, with its content or where it points."""
    found = {}
    for path in sorted(root.rglob("*")):
        name = str(path.relative_to(root))
        if path.is_symlink():
            found[name] = "-> " + os.readlink(path)
        elif path.is_file():
            found[name] = path.read_text()
    return found


@pytest.fixture
def pi_root(tmp_path: Path) -> Path:
    root = tmp_path / "pi"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "os-release").write_text("ID=debian\nVERSION_CODENAME=bookworm\n")
    (root / "etc" / "passwd").write_text("stall:x:1000:1000::/home/stall:/bin/bash\n")
    (root / "etc" / "group").write_text("audio:x:29:stall\nvideo:x:44:\ngpio:x:997:\n")
    return root


@pytest.fixture
def jetson_root(tmp_path: Path) -> Path:
    root = tmp_path / "jetson"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "nv_tegra_release").write_text("# R36 (release), REVISION: 4.0\n")
    (root / "etc" / "os-release").write_text('ID=ubuntu\nVERSION_ID="22.04"\n')
    (root / "proc" / "asound").mkdir(parents=True)
    (root / "proc" / "asound" / "cards").write_text(JETSON_CARDS)
    return root


def test_a_dry_run_on_a_pi_plans_every_change_and_makes_none(pi_root: Path, tmp_path) -> None:
    before = files_under(pi_root)
    usb = tmp_path / "usb"
    usb.mkdir()
    result = setup(
        pi_root, "--dry-run", "--target", "pi", "--sound-card", "USB Audio",
        "--models-from", str(usb),
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    plan = result.stdout
    packages = apt_line(plan).split()
    for package in ("alsa-utils", "chromium", "pipewire-pulse", "pipewire-alsa", "wireplumber"):
        assert package in packages
    # The steps that need the running system are printed, not run, under a test root:
    # the user exists in the root, but is not yet in its group video.
    assert "skip (the root" in plan and "python3 -m venv" in plan
    assert "usermod --append --groups video,gpio stall" in plan and "useradd" not in plan
    assert f"models import {usb}" in plan
    for unit in (*UNITS, "interpreter-sound-card.service"):
        assert f"would write {pi_root}/{USER_UNITS}/{unit}" in plan
    assert "would enable interpreter.service" in plan
    assert "would enable interpreter-deal-log-copy.timer" in plan
    assert "| Type=notify" in plan and "| WatchdogSec=30" in plan
    assert "| ExecStart=" in plan and 'sound-card.sh "USB Audio"' in plan
    assert "| SystemMaxUse=" in plan and "| OnCalendar=" in plan
    assert 'pair = "zh-en"' in plan
    assert "asound.conf" not in plan  # PipeWire chooses the card on a Pi
    assert plan.rstrip().endswith("(run without --dry-run to make them)")
    assert files_under(pi_root) == before


def test_a_dry_run_on_a_jetson_points_alsa_at_the_usb_card_by_name(jetson_root: Path) -> None:
    before = files_under(jetson_root)
    result = setup(jetson_root, "--dry-run", "--sound-card", "usb audio", "--pair", "zh-es")

    assert result.returncode == 0, result.stderr
    plan = result.stdout
    assert plan.startswith("detected: jetson")
    packages = apt_line(plan).split()
    assert "alsa-utils" in packages and "chromium-browser" in packages
    assert "pipewire" not in packages and "interpreter-sound-card" not in plan
    assert f"would write {jetson_root}/etc/asound.conf" in plan
    assert '|     playback.pcm "interpreter_speaker"' in plan
    assert '|     slave.pcm "dmix:CARD=Device,DEV=0"' in plan
    assert '|     slave.pcm "dsnoop:CARD=Device,DEV=0"' in plan
    assert 'pair = "zh-es"' in plan
    for unit in UNITS:
        assert f"would write {jetson_root}/{USER_UNITS}/{unit}" in plan
    assert files_under(jetson_root) == before


def test_a_jetson_whose_desktop_runs_pulseaudio_chooses_the_card_through_it(
    jetson_root: Path,
) -> None:
    pulseaudio = jetson_root / "usr/bin/pulseaudio"
    pulseaudio.parent.mkdir(parents=True)
    pulseaudio.write_text("#!/bin/sh\n")
    pulseaudio.chmod(0o755)
    (jetson_root / "proc/asound/cards").unlink()  # the card is looked for when it starts

    result = setup(jetson_root, "--dry-run", "--sound-card", "USB Audio")
    assert result.returncode == 0, result.stderr
    assert "pulseaudio-utils" in apt_line(result.stdout).split()
    assert f"would write {jetson_root}/{USER_UNITS}/interpreter-sound-card.service" in result.stdout
    assert "asound.conf" not in result.stdout


def test_the_files_are_written_into_the_root_and_a_second_run_changes_nothing(
    pi_root: Path,
) -> None:
    first = setup(pi_root, "--target", "pi", "--sound-card", "USB Audio", "--keep-days", "14")
    assert first.returncode == 0, first.stderr
    assert "changes made" in first.stdout

    written = files_under(pi_root)
    service = written[f"{USER_UNITS}/interpreter.service"]
    for line in (
        "Type=notify", "NotifyAccess=main", "WatchdogSec=30", "Restart=on-failure",
        "RestartSec=3", "Environment=HF_HUB_OFFLINE=1", "ConditionUser=stall",
        f"ExecStart={REPO}/.venv/bin/interpreter kiosk --config /etc/interpreter/stall.toml",
    ):  # fmt: skip
        assert f"\n{line}\n" in service, line
    browser = written[f"{USER_UNITS}/interpreter-browser.service"]
    assert "\nAfter=interpreter.service\n" in browser
    assert f"\nExecStart={REPO}/device/kiosk-browser.sh\n" in browser
    copy = written[f"{USER_UNITS}/interpreter-deal-log-copy.service"]
    assert f"{REPO}/device/deal-log-copy.sh %h/.local/share/interpreter/deals.sqlite" in copy
    assert " %h/deal-log-copies 14\n" in copy
    assert "\nPersistent=true\n" in written[f"{USER_UNITS}/interpreter-deal-log-copy.timer"]
    assert "\nSystemMaxUse=200M\n" in written["etc/systemd/journald.conf.d/interpreter.conf"]
    wants = f"{USER_UNITS}/default.target.wants"
    assert written[f"{wants}/interpreter.service"] == "-> /etc/systemd/user/interpreter.service"
    assert f"{wants}/interpreter-browser.service" in written
    assert f"{wants}/interpreter-sound-card.service" in written
    assert f"{USER_UNITS}/timers.target.wants/interpreter-deal-log-copy.timer" in written
    assert "var/lib/systemd/linger/stall" in written
    assert (pi_root / "var/lib/interpreter/models").is_dir()
    config = load_config(pi_root / "etc/interpreter/stall.toml")  # what the service reads
    assert config.pair == ("zh", "en") and config.mode is Mode.PUSH_TO_TALK
    assert not [name for name in written if ".setup." in name or name.endswith(".new")]
    assert not [name for name, text in written.items() if re.search("@[A-Z_]+@", text)]

    second = setup(pi_root, "--target", "pi", "--sound-card", "USB Audio", "--keep-days", "14")
    assert second.returncode == 0, second.stderr
    assert second.stdout.rstrip().endswith("nothing to change: the stall is set up as asked")
    assert "would " not in second.stdout and "write " not in second.stdout
    assert files_under(pi_root) == written


def test_a_changed_option_replaces_the_file_shows_the_diff_and_keeps_the_old_one(
    jetson_root: Path,
) -> None:
    assert setup(jetson_root, "--sound-card", "USB Audio").returncode == 0
    asound = (jetson_root / "etc/asound.conf").read_text()
    assert "card Device" in asound.replace('"', "")

    changed = setup(jetson_root, "--sound-card", "USB Audio", "--pair", "zh-ru")
    assert changed.returncode == 0, changed.stderr
    assert f"replace {jetson_root}/etc/interpreter/stall.toml" in changed.stdout
    assert '    -pair = "zh-en"' in changed.stdout and '    +pair = "zh-ru"' in changed.stdout
    assert changed.stdout.rstrip().endswith("1 changes made")
    assert 'pair = "zh-en"' in (jetson_root / "etc/interpreter/stall.toml.bak").read_text()
    assert load_config(jetson_root / "etc/interpreter/stall.toml").pair == ("zh", "ru")


def test_the_target_is_told_by_the_device_tree_or_the_jetson_release_file(tmp_path) -> None:
    pi = tmp_path / "pi"
    (pi / "proc/device-tree").mkdir(parents=True)
    (pi / "proc/device-tree/model").write_bytes(b"Raspberry Pi 5 Model B Rev 1.0\0")
    assert setup(pi, "--dry-run").stdout.startswith("detected: pi (Raspberry Pi 5 Model B")
    jetson = tmp_path / "jetson"
    (jetson / "etc").mkdir(parents=True)
    (jetson / "etc/nv_tegra_release").write_text("# R36\n")
    assert setup(jetson, "--dry-run").stdout.startswith("detected: jetson")

    bare = tmp_path / "bare"
    bare.mkdir()
    unknown = setup(bare, "--dry-run")
    assert unknown.returncode == 2
    assert unknown.stderr.count("\n") == 1
    assert "pass --target pi or --target jetson" in unknown.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--bogus"], "unknown option '--bogus'"),
        (["--target", "x86"], "--target 'x86' is not pi or jetson"),
        (["--target"], "--target needs a value"),
        (["--pair", "zh"], "--pair 'zh' is not two different language codes"),
        (["--sound-card", 'USB "Audio"'], "--sound-card 'USB \"Audio\"' may hold only"),
        (["--keep-days", "0"], "--keep-days '0' is not a whole number"),
        (["--models-from", "/no/such/stick"], "is the USB stick mounted?"),
        (["--dry-run=yes"], "--dry-run takes no value"),
    ],
)
def test_a_bad_option_is_one_line_and_exit_status_2(pi_root: Path, args, says) -> None:
    before = files_under(pi_root)
    result = setup(pi_root, "--target", "pi", *args)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert says in result.stderr
    assert result.stdout == "" and files_under(pi_root) == before


def test_a_sound_card_that_is_not_there_stops_the_run_before_any_change(jetson_root) -> None:
    before = files_under(jetson_root)
    result = setup(jetson_root, "--sound-card", "Behringer")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "no sound card named like 'Behringer'" in result.stderr
    assert "1 USB Audio Device (Device)" in result.stderr  # the cards it has
    assert files_under(jetson_root) == before


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_the_device_scripts_are_shellcheck_clean() -> None:
    scripts = sorted(str(path) for path in (REPO / "device").glob("*.sh"))
    assert str(SETUP) in scripts
    result = subprocess.run(["shellcheck", *scripts], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_reads_the_units_without_a_complaint(pi_root: Path, tmp_path) -> None:
    assert setup(pi_root, "--target", "pi", "--sound-card", "USB Audio").returncode == 0
    units = sorted(str(path) for path in (pi_root / USER_UNITS).glob("interpreter*"))
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    result = subprocess.run(
        ["systemd-analyze", "--user", "verify", *units],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "XDG_RUNTIME_DIR": str(runtime)},
    )  # fmt: skip
    complaints = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        # The checkout's venv is made on the device, not here.
        if line.strip() and "/.venv/bin/interpreter is not executable" not in line
    ]
    assert len(units) == 5 and complaints == []
