"""The stall config's `[gpio]` table: which pins of the GPIO header the push-to-talk
buttons and the state lights are wired to, as BCM numbers (GPIO17 is 17, the number on
a Pi's pinout, not the header position).

```toml
[gpio]
merchant_button = 17
buyer_button = 27
press = "hold"        # hold to talk, let go to finish; "toggle": press, talk, press
pull_up = true        # buttons wired to ground (false: wired to 3.3 V)
bounce_ms = 30        # a switch's contacts settle; shorter blips are ignored

[gpio.lights]         # one LED per state of the screen's status strip
listening = 5
hearing = 6
thinking = 13
speaking = 19
```

Every key is optional: a stall may wire only lights, or one button. This module only
reads the table; `gpio.py` opens the pins.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from interpreter.core.errors import InputError
from interpreter.core.vocabulary import Party, PressStyle, State

# The BCM numbers on the 40-pin header of a Raspberry Pi (and the pins gpiozero names
# on a board laid out like one).
FIRST_PIN, LAST_PIN = 0, 27
MAX_BOUNCE_MS = 1000

BUTTON_KEYS = {Party.MERCHANT: "merchant_button", Party.BUYER: "buyer_button"}
KEYS = (*BUTTON_KEYS.values(), "press", "pull_up", "bounce_ms", "lights")


@dataclass(frozen=True)
class GpioWiring:
    merchant_button_pin: int | None = None
    buyer_button_pin: int | None = None
    press: PressStyle = PressStyle.HOLD
    # True: a button connects its pin to ground (the pin is pulled up, pressed reads low).
    pull_up: bool = True
    # An arcade button's microswitch bounces for a few milliseconds; a level must hold
    # this long to count, short enough that nobody feels it.
    bounce_ms: int = 30
    light_pins: dict[State, int] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "press", PressStyle(self.press))

    @property
    def button_pins(self) -> dict[Party, int]:
        pins = {Party.MERCHANT: self.merchant_button_pin, Party.BUYER: self.buyer_button_pin}
        return {party: pin for party, pin in pins.items() if pin is not None}

    @property
    def wired(self) -> bool:
        """Whether anything is on the header (else gpiozero is never imported)."""
        return bool(self.button_pins or self.light_pins)


def parse_gpio(table: object, name: str = "the config") -> GpioWiring:
    """The `[gpio]` table, checked whole: a bad value is one line naming its key and
    the fix."""
    if not isinstance(table, dict):
        raise InputError(f"{name}: gpio must be a table ([gpio])")
    _known(table, KEYS, "gpio", name)
    used: dict[int, str] = {}  # pin -> the key that took it
    buttons = {
        party: _pin(table.get(key), f"gpio.{key}", name, used) for party, key in BUTTON_KEYS.items()
    }
    lights_table = table.get("lights", {})
    if not isinstance(lights_table, dict):
        raise InputError(f"{name}: gpio.lights must be a table ([gpio.lights])")
    _known(lights_table, tuple(state.value for state in State), "gpio.lights", name)
    lights = {}
    for state in State:
        pin = _pin(lights_table.get(state.value), f"gpio.lights.{state}", name, used)
        if pin is not None:
            lights[state] = pin
    return GpioWiring(
        merchant_button_pin=buttons[Party.MERCHANT],
        buyer_button_pin=buttons[Party.BUYER],
        press=_press(table.get("press", PressStyle.HOLD.value), name),
        pull_up=_flag(table.get("pull_up", True), "gpio.pull_up", name),
        bounce_ms=_bounce_ms(table.get("bounce_ms", GpioWiring.bounce_ms), name),
        light_pins=lights,
    )


def _known(table: dict, keys: tuple[str, ...], where: str, name: str) -> None:
    unknown = sorted(set(table) - set(keys))
    if unknown:
        raise InputError(
            f"{name}: unknown key {where}.{unknown[0]}; the keys are {', '.join(keys)}"
        )


def _pin(value: object, key: str, name: str, used: dict[int, str]) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not FIRST_PIN <= value <= LAST_PIN:
        raise InputError(
            f"{name}: {key} must be a BCM pin number from {FIRST_PIN} to {LAST_PIN} "
            f"(GPIO17 is 17), not {value!r}"
        )
    if value in used:
        raise InputError(
            f"{name}: {key} and {used[value]} are both on pin {value}; give each its own pin"
        )
    used[value] = key
    return value


def _press(value: object, name: str) -> PressStyle:
    try:
        return PressStyle(str(value))
    except ValueError:
        styles = " or ".join(repr(style.value) for style in PressStyle)
        raise InputError(f"{name}: gpio.press {str(value)!r} is not {styles}") from None


def _flag(value: object, key: str, name: str) -> bool:
    if not isinstance(value, bool):
        raise InputError(f"{name}: {key} must be true or false, not {value!r}")
    return value


def _bounce_ms(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_BOUNCE_MS:
        raise InputError(
            f"{name}: gpio.bounce_ms must be a whole number of milliseconds from 0 to "
            f"{MAX_BOUNCE_MS} (0: no debouncing), not {value!r}"
        )
    return value
