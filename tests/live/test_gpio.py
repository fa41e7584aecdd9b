"""The stall's push-to-talk buttons and state lights on the GPIO header, driven through
gpiozero's mock pins: the [gpio] table and its one-line errors, a button pressed and
let go, the lights following the session's state, a machine with no GPIO, and a real
live session on a recording with the buyer's button pressed while they speak."""

from __future__ import annotations

import io
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest
from gpiozero import LED, Device
from gpiozero.pins.mock import MockFactory, MockPin

from interpreter.audio.files import ASR_SAMPLE_RATE, read_recording, write_wav
from interpreter.commands.live import LiveJob, run_live
from interpreter.core.errors import HardwareError, InputError
from interpreter.core.vocabulary import Mode, Party, PressStyle, State
from interpreter.live.config import StallConfig, config_from_dict, load_config
from interpreter.live.events import EventFanOut, Press, SessionEvents
from interpreter.live.gpio import open_board
from interpreter.live.wiring import GpioWiring
from tests.conftest import REPO, needs_espeak, speech

MERCHANT_PIN, BUYER_PIN = 17, 27
LIGHT_PINS = {State.LISTENING: 5, State.HEARING: 6, State.THINKING: 13, State.SPEAKING: 19}
STALL = """
pair = "zh-en"
mode = "push-to-talk"

[gpio]
merchant_button = 17
buyer_button = 27
press = "toggle"
pull_up = false
bounce_ms = 20

[gpio.lights]
listening = 5
hearing = 6
thinking = 13
speaking = 19
"""


class WatchedPin(MockPin):
    """A mock pin that writes each change of its level in its factory's log, so a test
    sees the order in which the LEDs went on and off across all of them."""

    def _change_state(self, value: bool) -> bool:
        changed = bool(super()._change_state(value))
        if changed:
            self.factory.changes.append((int(self.info.name.removeprefix("GPIO")), value))
        return changed


class WatchedFactory(MockFactory):
    def __init__(self) -> None:
        super().__init__(pin_class=WatchedPin)
        self.changes: list[tuple[int, bool]] = []

    def lit_states(self) -> list[State]:
        """The states whose LED came on, in order."""
        states = {pin: state for state, pin in LIGHT_PINS.items()}
        return [states[pin] for pin, on in self.changes if on and pin in states]

    def most_lit_at_once(self) -> int:
        lit: set[int] = set()
        most = 0
        for pin, on in self.changes:
            if pin in LIGHT_PINS.values():
                (lit.add if on else lit.discard)(pin)
                most = max(most, len(lit))
        return most


@pytest.fixture
def pins() -> Iterator[WatchedFactory]:
    """gpiozero's mock pins in place of the header, for one test."""
    previous = Device.pin_factory
    factory = WatchedFactory()
    Device.pin_factory = factory
    yield factory
    factory.reset()
    Device.pin_factory = previous


def wiring(press: PressStyle = PressStyle.HOLD, pull_up: bool = True) -> GpioWiring:
    return GpioWiring(
        merchant_button_pin=MERCHANT_PIN,
        buyer_button_pin=BUYER_PIN,
        press=press,
        pull_up=pull_up,
        light_pins=dict(LIGHT_PINS),
    )


def drained(presses: queue.Queue[Press]) -> list[Press]:
    found = []
    while not presses.empty():
        found.append(presses.get_nowait())
    return found


# -- the [gpio] table ------------------------------------------------------------------


def test_the_gpio_table_wires_each_partys_button_and_a_light_per_state(tmp_path) -> None:
    path = tmp_path / "stall.toml"
    path.write_text(STALL)
    gpio = load_config(path).gpio
    assert gpio.button_pins == {Party.MERCHANT: 17, Party.BUYER: 27}
    assert (gpio.press, gpio.pull_up, gpio.bounce_ms) == (PressStyle.TOGGLE, False, 20)
    assert gpio.light_pins == LIGHT_PINS
    assert gpio.wired


def test_without_a_gpio_table_nothing_is_wired_and_buttons_are_held() -> None:
    gpio = StallConfig().gpio
    assert not gpio.wired and gpio.press is PressStyle.HOLD and gpio.pull_up
    assert config_from_dict({"gpio": {"lights": {"thinking": 13}}}).gpio.wired


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"buyer_button": 28}, "gpio.buyer_button must be a BCM pin number from 0 to 27"),
        ({"buyer_button": -1}, "gpio.buyer_button must be a BCM pin number"),
        ({"merchant_button": "GPIO17"}, "gpio.merchant_button must be a BCM pin number"),
        ({"merchant_button": True}, "gpio.merchant_button must be a BCM pin number"),
        ({"merchant_button": 17, "buyer_button": 17}, "both on pin 17; give each its own"),
        (
            {"buyer_button": 5, "lights": {"listening": 5}},
            "gpio.lights.listening and gpio.buyer_button are both on pin 5",
        ),
        ({"press": "tap"}, "gpio.press 'tap' is not 'hold' or 'toggle'"),
        ({"pull_up": "yes"}, "gpio.pull_up must be true or false"),
        ({"bounce_ms": 2.5}, "gpio.bounce_ms must be a whole number of milliseconds"),
        ({"led": 5}, "unknown key gpio.led; the keys are merchant_button"),
        ({"lights": {"talking": 5}}, "unknown key gpio.lights.talking; the keys are listening"),
        ({"lights": 5}, r"gpio.lights must be a table \(\[gpio.lights\]\)"),
    ],
)
def test_a_wiring_mistake_is_one_line_naming_the_key_and_the_fix(table, message) -> None:
    with pytest.raises(InputError, match=message) as raised:
        config_from_dict({"gpio": table}, "stall.toml")
    assert str(raised.value).startswith("stall.toml: ") and "\n" not in str(raised.value)


# -- the buttons -----------------------------------------------------------------------


def test_a_held_button_starts_the_turn_and_letting_go_ends_it(pins) -> None:
    presses: queue.Queue[Press] = queue.Queue(maxsize=16)
    with open_board(wiring(), Mode.PUSH_TO_TALK) as board:
        board.start(presses)
        pins.pin(BUYER_PIN).drive_low()  # wired to ground: pressed reads low
        assert drained(presses) == [Press(Party.BUYER, down=True)]
        pins.pin(BUYER_PIN).drive_high()
        assert drained(presses) == [Press(Party.BUYER, down=False)]
        pins.pin(MERCHANT_PIN).drive_low()
        pins.pin(MERCHANT_PIN).drive_high()
        assert drained(presses) == [Press(Party.MERCHANT), Press(Party.MERCHANT, down=False)]


def test_in_toggle_mode_a_press_starts_the_turn_and_the_next_ends_it(pins) -> None:
    presses: queue.Queue[Press] = queue.Queue(maxsize=16)
    with open_board(wiring(PressStyle.TOGGLE), Mode.PUSH_TO_TALK) as board:
        board.start(presses)
        for _ in range(2):
            pins.pin(BUYER_PIN).drive_low()
            pins.pin(BUYER_PIN).drive_high()
        assert drained(presses) == [Press(Party.BUYER, down=True, toggle=True)] * 2


def test_a_button_wired_to_3v3_is_pressed_when_its_pin_goes_high(pins) -> None:
    presses: queue.Queue[Press] = queue.Queue(maxsize=16)
    with open_board(wiring(pull_up=False), Mode.PUSH_TO_TALK) as board:
        board.start(presses)
        assert not pins.pin(BUYER_PIN).state  # pulled down at rest
        pins.pin(BUYER_PIN).drive_high()
        pins.pin(BUYER_PIN).drive_low()
        assert drained(presses) == [Press(Party.BUYER), Press(Party.BUYER, down=False)]


def test_a_button_mashed_faster_than_the_session_reads_does_not_block(pins) -> None:
    presses: queue.Queue[Press] = queue.Queue(maxsize=2)
    with open_board(wiring(PressStyle.TOGGLE), Mode.PUSH_TO_TALK) as board:
        board.start(presses)
        for _ in range(5):
            pins.pin(BUYER_PIN).drive_low()
            pins.pin(BUYER_PIN).drive_high()
        assert len(drained(presses)) == 2


def test_in_a_conversation_the_buttons_are_left_alone_and_the_lights_still_show(pins) -> None:
    presses: queue.Queue[Press] = queue.Queue(maxsize=16)
    with open_board(wiring(), Mode.CONVERSATION) as board:
        board.start(presses)
        assert board.buttons is None
        assert board.lines(Mode.CONVERSATION)[0] == (
            "note: the GPIO buttons are not used in conversation mode"
        )
        pins.pin(BUYER_PIN).drive_low()
        assert drained(presses) == []
        assert pins.pin(LIGHT_PINS[State.LISTENING]).state


# -- the lights ------------------------------------------------------------------------


def test_the_lights_follow_the_state_with_exactly_one_lit(pins) -> None:
    with open_board(wiring(), Mode.PUSH_TO_TALK) as board:
        assert not any(pins.pin(pin).state for pin in LIGHT_PINS.values())  # models loading
        board.start(queue.Queue(maxsize=16))
        events = board.events()
        assert events is not None
        for state in (State.HEARING, State.THINKING, State.THINKING, State.SPEAKING):
            events.status(state, None)
            assert [s for s, pin in LIGHT_PINS.items() if pins.pin(pin).state] == [state]
        events.status(State.LISTENING, 840.0)
    assert pins.lit_states() == [
        State.LISTENING, State.HEARING, State.THINKING, State.SPEAKING, State.LISTENING,
    ]  # fmt: skip
    assert pins.most_lit_at_once() == 1
    assert not any(pins.pin(pin).state for pin in LIGHT_PINS.values())  # all off when closed


def test_closing_the_board_releases_its_pins(pins) -> None:
    open_board(wiring(), Mode.PUSH_TO_TALK).close()
    with open_board(wiring(), Mode.PUSH_TO_TALK) as board:  # the same pins again
        assert board.buttons is not None and board.lights is not None


def test_the_lights_and_the_kiosk_both_hear_the_session(pins) -> None:
    class Kiosk(SessionEvents):
        def __init__(self) -> None:
            self.states: list[State] = []

        def status(self, state: State, last_latency_ms: float | None = None) -> None:
            self.states.append(state)

    kiosk = Kiosk()
    with open_board(wiring(), Mode.PUSH_TO_TALK) as board:
        events = board.events(kiosk)
        assert isinstance(events, EventFanOut)
        events.status(State.THINKING)
        assert kiosk.states == [State.THINKING]
        assert pins.pin(LIGHT_PINS[State.THINKING]).state
    # Every event a session reports is passed on, not just the status.
    told = {name for name in vars(SessionEvents) if not name.startswith("_")}
    assert told <= set(vars(EventFanOut))


# -- no GPIO here ----------------------------------------------------------------------


def test_nothing_wired_needs_no_gpiozero(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "gpiozero", None)  # as if not installed
    with open_board(GpioWiring(), Mode.PUSH_TO_TALK) as board:
        assert board.events() is None and board.lines(Mode.PUSH_TO_TALK) == []
    with pytest.raises(HardwareError, match=r"gpiozero is not installed; install it \(pip"):
        open_board(wiring(), Mode.PUSH_TO_TALK)


def test_importing_the_package_does_not_import_gpiozero() -> None:
    code = "import sys, interpreter.commands.cli; print('gpiozero' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert result.stdout.strip() == "False", result.stderr


def test_a_pin_already_taken_is_one_line_and_nothing_stays_open(pins) -> None:
    taken = LED(LIGHT_PINS[State.SPEAKING])
    try:
        with pytest.raises(HardwareError) as raised:
            open_board(wiring(), Mode.PUSH_TO_TALK)
    finally:
        taken.close()
    message = str(raised.value)
    assert message.startswith("cannot use GPIO19 for the speaking light (gpio.lights.speaking)")
    assert "already in use" in message and "\n" not in message
    with open_board(wiring(), Mode.PUSH_TO_TALK):  # the pins it had opened were let go
        pass


def test_a_machine_without_gpio_is_one_line_naming_the_fix(pins, monkeypatch) -> None:
    Device.pin_factory = None
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "nowhere")
    with pytest.raises(HardwareError) as raised:
        open_board(wiring(), Mode.PUSH_TO_TALK)
    message = str(raised.value)
    assert message.startswith("cannot use GPIO17 for the merchant's button")
    assert "remove the [gpio] table" in message and "\n" not in message


@pytest.mark.parametrize("command", ["live", "kiosk"])
def test_a_session_without_gpio_exits_with_one_line_before_loading_models(
    command, tmp_path
) -> None:
    config, log = tmp_path / "stall.toml", tmp_path / "deals.sqlite"
    config.write_text(STALL)
    result = subprocess.run(
        [sys.executable, "-m", "interpreter", command, "--config", str(config),
         *(["--log", str(log), "--mode", "push-to-talk"] if command == "kiosk" else [])],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, cwd=REPO,
        env={**os.environ, "HOME": str(tmp_path), "INTERPRETER_MODELS_DIR": str(tmp_path),
             "GPIOZERO_PIN_FACTORY": "nowhere"},
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot use GPIO17 for the merchant's button")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not log.exists()  # the kiosk opened no deal log either


# -- a real session --------------------------------------------------------------------


class Console(io.StringIO):
    """A session's stdout or stderr, watched for a line."""

    def __init__(self, awaited: str) -> None:
        super().__init__()
        self._awaited = awaited
        self.seen = threading.Event()

    def write(self, text: str) -> int:
        written = super().write(text)
        if self._awaited in self.getvalue():
            self.seen.set()
        return written


@pytest.mark.models
@pytest.mark.slow
@pytest.mark.realtime
@needs_espeak
def test_the_buyers_button_makes_a_real_turn_and_the_lights_follow_it(
    pins, model_store, joe_voice, tmp_path, monkeypatch
) -> None:
    """`interpreter live` on a recording in push-to-talk: the buyer's button goes down
    before they speak and comes up after; the turn is heard, translated and spoken, and
    the lights go listening, hearing, thinking, speaking, listening."""
    english = speech(joe_voice, ("I want to order five hundred pieces.",), pause_s=1.5)
    talk, said = tmp_path / "talk.wav", tmp_path / "said.wav"
    write_wav(talk, np.concatenate([english, np.zeros(6 * ASR_SAMPLE_RATE)]), ASR_SAMPLE_RATE)
    english_s = len(english) / ASR_SAMPLE_RATE
    config = StallConfig(pair=("zh", "en"), mode=Mode.PUSH_TO_TALK, gpio=wiring())
    job = LiveJob(config=config, trace=True, input_file=talk, output_file=said)
    out, err = Console("\n"), Console("push-to-talk:")
    stop = threading.Event()

    def press_the_buyers_button() -> None:
        if not err.seen.wait(180):
            stop.set()
            return
        started = time.monotonic()
        time.sleep(0.5)  # pressed in the pause before the words (1.5 s of it)
        pins.pin(BUYER_PIN).drive_low()
        time.sleep(max(0.0, started + english_s - 0.8 - time.monotonic()))
        pins.pin(BUYER_PIN).drive_high()  # let go in the pause after them
        stop.wait(120)  # and a session that never ends is stopped
        stop.set()

    presser = threading.Thread(target=press_the_buyers_button, daemon=True)
    with open(os.devnull) as no_keys:  # the button only: no key comes on stdin
        monkeypatch.setattr(sys, "stdin", no_keys)
        presser.start()
        try:
            summary = run_live(job, model_store, out=out, err=err, stop=stop)
        finally:
            stop.set()
    presser.join(timeout=5)

    printed, warned = out.getvalue(), err.getvalue()
    traces = [json.loads(line) for line in printed.splitlines() if line.startswith("{")]
    turns = [t for t in traces if t["status"] not in ("silent", "stale")]
    assert [(t["party"], t["language"]) for t in turns] == [("buyer", "en")], printed + warned
    assert "[zh] 我要订500件" in printed, printed
    assert summary.turns == 1, warned
    assert "buttons: merchant GPIO17, buyer GPIO27 (hold to talk)" in warned
    spoken = read_recording(said)
    assert float(np.sqrt(np.mean(spoken**2))) > 0.005  # the translation was spoken
    lit = pins.lit_states()
    assert lit[:4] == [State.LISTENING, State.HEARING, State.THINKING, State.SPEAKING], lit
    # Speech that runs dry between its pieces may light listening for a moment.
    assert set(lit[4:]) <= {State.SPEAKING, State.LISTENING} and lit[-1] is State.LISTENING, lit
    assert pins.most_lit_at_once() == 1
    assert not any(pins.pin(pin).state for pin in LIGHT_PINS.values())
