"""The stall's buttons and lights on the GPIO header, through gpiozero: the one module
that touches the hardware.

- `GpioButtons`: one push-to-talk button per party. gpiozero calls `when_pressed` and
  `when_released` on its own thread; each posts a `Press` onto the session's bounded
  queue, where the listener takes it as it takes a key's or the page's. In hold mode a
  press starts the party's turn and the release ends it; in toggle mode a press starts
  it and the next press ends it (the release means nothing).
- `StateLights`: one LED per `State`. It is a `SessionEvents`, so it follows the same
  state reports as the kiosk's status strip; exactly one LED is lit at a time (the
  old one goes out before the new one comes on), and all are off until the session
  runs and once the board is closed.
- `StallBoard`: both, opened together before the models load (a wiring mistake shows
  at once, not a minute later) and closed together, which releases the pins.

gpiozero is imported only when the stall config wires a pin, so a laptop without it
(or without a GPIO header) runs everything else as before; with pins wired and no
GPIO to drive them, opening the board is one line naming the problem and the fix.
gpiozero's `Device.pin_factory` picks the pins: the board's own (lgpio on a Pi 5), or
`GPIOZERO_PIN_FACTORY=mock` for a dry run, as the tests use its `MockFactory`.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import warnings
from collections.abc import Callable, Mapping
from functools import partial
from types import TracebackType
from typing import Any, Protocol

from interpreter.core.errors import HardwareError
from interpreter.core.vocabulary import Mode, Party, PressStyle, State
from interpreter.live.events import EventFanOut, Press, SessionEvents
from interpreter.live.wiring import GpioWiring

# A release waits this long for room on a full queue: a lost release would hold the
# party's turn open until its maximum length.
RELEASE_WAIT_S = 1.0

NO_GPIO_FIX = (
    "on the stall's device check the wiring and that this user may use the GPIO "
    "(the gpio group); on a machine without GPIO remove the [gpio] table from the "
    "stall config"
)


class Switch(Protocol):
    """What `GpioButtons` asks of a gpiozero `Button`."""

    when_pressed: Callable[[], None] | None
    when_released: Callable[[], None] | None

    def close(self) -> None: ...


class Lamp(Protocol):
    """What `StateLights` asks of a gpiozero `LED`."""

    def on(self) -> None: ...

    def off(self) -> None: ...

    def close(self) -> None: ...


class GpioButtons:
    """Each party's button, posting presses once connected to a session's queue."""

    def __init__(self, buttons: Mapping[Party, Switch], press: PressStyle) -> None:
        self._buttons = dict(buttons)
        self._press = PressStyle(press)

    def connect(self, presses: queue.Queue[Press]) -> None:
        toggle = self._press is PressStyle.TOGGLE
        for party, button in self._buttons.items():
            button.when_pressed = _poster(presses, Press(party, down=True, toggle=toggle))
            if not toggle:
                button.when_released = _poster(presses, Press(party, down=False))

    def close(self) -> None:
        for button in self._buttons.values():
            button.close()  # its callbacks go with it


def _poster(presses: queue.Queue[Press], press: Press) -> Callable[[], None]:
    def post() -> None:
        if press.down:
            # A full queue: the button was mashed faster than the listener reads.
            with contextlib.suppress(queue.Full):
                presses.put_nowait(press)
        else:
            with contextlib.suppress(queue.Full):
                presses.put(press, timeout=RELEASE_WAIT_S)

    return post


class StateLights(SessionEvents):
    """One LED per state, lit as the session reports its state (from any of its
    threads: a lock keeps two reports from lighting two LEDs)."""

    def __init__(self, lights: Mapping[State, Lamp]) -> None:
        self._lights = dict(lights)
        self._lock = threading.Lock()
        self._lit: State | None = None
        self._closed = False

    @property
    def lit(self) -> State | None:
        return self._lit

    def status(self, state: State, last_latency_ms: float | None = None) -> None:
        self.show(State(state))

    def show(self, state: State) -> None:
        with self._lock:
            if self._closed or state is self._lit:
                return
            for other, light in self._lights.items():
                if other is not state:
                    light.off()
            lit = self._lights.get(state)
            if lit is not None:
                lit.on()
            self._lit = state

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._lit = None
            for light in self._lights.values():
                light.off()
                light.close()


class StallBoard:
    """The buttons and lights wired to the stall's header, or none of them."""

    def __init__(
        self,
        wiring: GpioWiring,
        buttons: GpioButtons | None = None,
        lights: StateLights | None = None,
    ) -> None:
        self.wiring = wiring
        self.buttons = buttons
        self.lights = lights

    def events(self, others: SessionEvents | None = None) -> SessionEvents | None:
        """The session's events: `others` (the kiosk's), and the lights if any."""
        if self.lights is None:
            return others
        if others is None:
            return self.lights
        return EventFanOut(others, self.lights)

    def start(self, presses: queue.Queue[Press]) -> None:
        """The session is about to listen: the buttons post presses from now on and
        the listening light comes on."""
        if self.buttons is not None:
            self.buttons.connect(presses)
        if self.lights is not None:
            self.lights.show(State.LISTENING)

    def lines(self, mode: Mode) -> list[str]:
        """What the console says about the board as the session starts."""
        wiring, lines = self.wiring, []
        if self.buttons is not None:
            pins = ", ".join(f"{party} GPIO{pin}" for party, pin in wiring.button_pins.items())
            how = "hold to talk" if wiring.press is PressStyle.HOLD else "press, talk, press"
            lines.append(f"buttons: {pins} ({how})")
        elif wiring.button_pins and mode is not Mode.PUSH_TO_TALK:
            lines.append(f"note: the GPIO buttons are not used in {mode} mode")
        if self.lights is not None:
            pins = ", ".join(f"{state} GPIO{pin}" for state, pin in wiring.light_pins.items())
            lines.append(f"lights: {pins}")
        return lines

    def close(self) -> None:
        if self.buttons is not None:
            self.buttons.close()
        if self.lights is not None:
            self.lights.close()

    def __enter__(self) -> StallBoard:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def open_board(wiring: GpioWiring, mode: Mode) -> StallBoard:
    """The pins the stall config wires: the buttons only in push-to-talk (in a
    conversation nobody presses them), the lights in every mode. Nothing wired:
    an empty board, and gpiozero is not imported."""
    if not wiring.wired:
        return StallBoard(wiring)
    gpiozero = _import_gpiozero()
    opened: list[Switch | Lamp] = []
    try:
        buttons: dict[Party, Switch] = {}
        if mode is Mode.PUSH_TO_TALK:
            for party, pin in wiring.button_pins.items():
                buttons[party] = _open(
                    partial(
                        gpiozero.Button,
                        pin,
                        pull_up=wiring.pull_up,
                        bounce_time=_seconds(wiring.bounce_ms),
                    ),
                    pin,
                    f"the {party}'s button (gpio.{party}_button)",
                )
                opened.append(buttons[party])
        lights: dict[State, Lamp] = {}
        for state, pin in wiring.light_pins.items():
            lights[state] = _open(
                partial(gpiozero.LED, pin, initial_value=False),
                pin,
                f"the {state} light (gpio.lights.{state})",
            )
            opened.append(lights[state])
    except BaseException:
        for device in opened:
            with contextlib.suppress(Exception):
                device.close()
        raise
    return StallBoard(
        wiring,
        GpioButtons(buttons, wiring.press) if buttons else None,
        StateLights(lights) if lights else None,
    )


def _import_gpiozero() -> Any:
    try:
        import gpiozero
    except ImportError:
        raise HardwareError(
            "the stall config wires buttons or lights ([gpio]) but gpiozero is not "
            "installed; install it (pip install 'interpreter[device]') or remove the "
            "[gpio] table"
        ) from None
    return gpiozero


def _open(make: Callable[[], Any], pin: int, what: str) -> Any:
    """A gpiozero device, or one line saying why not: no pin factory works here (each
    factory it tried and why), the pin is taken, or the pin cannot be used."""
    with warnings.catch_warnings(record=True) as tried:
        warnings.simplefilter("always")
        try:
            return make()
        except Exception as error:  # gpiozero's, its pin library's, the kernel's
            reason = _one_line(str(error) or type(error).__name__)
            fallbacks = [_one_line(str(warning.message)) for warning in tried]
            if fallbacks:
                reason = f"{reason}: {'; '.join(fallbacks)}"
            raise HardwareError(
                f"cannot use GPIO{pin} for {what} ({reason}); {NO_GPIO_FIX}"
            ) from None


def _seconds(ms: int) -> float | None:
    return ms / 1000.0 if ms > 0 else None


def _one_line(text: str) -> str:
    return " ".join(text.split())
