"""The stall's config file (TOML): the pair, the turn-taking mode, the devices, the
voices and the latency budget, so an installer writes them once and the merchant only
switches the device on. Every key is optional; command-line flags win over the file.

```toml
pair = "zh-en"                 # the merchant's language first
mode = "conversation"          # or "push-to-talk"

[devices]
input = "USB Audio"            # an index or part of a name (`interpreter devices`)
output = 3

[voices]
en = "piper-en_US-joe-medium"  # a voice from the model store, or "espeak-ng"

[keys]                         # push-to-talk: one key per party
merchant = "1"
buyer = "2"
back = "0"                     # the last translation put back into its speaker's language

[budget]                       # milliseconds, see interpreter/turn/budget.py
asr_ms = 600
total_ms = 1200

[gpio]                         # buttons and lights on the GPIO header (BCM numbers)
merchant_button = 17           # see interpreter/live/wiring.py
buyer_button = 27
[gpio.lights]
listening = 5
```
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, fields
from pathlib import Path

from interpreter.core.errors import InputError
from interpreter.core.languages import language
from interpreter.core.vocabulary import Mode, Party
from interpreter.live.wiring import GpioWiring, parse_gpio
from interpreter.turn.budget import LatencyBudget

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass(frozen=True)
class StallConfig:
    pair: tuple[str, str] = ("zh", "en")
    mode: Mode = Mode.CONVERSATION
    input_device: int | str | None = None
    output_device: int | str | None = None
    voices: dict[str, str] = field(default_factory=dict, hash=False)
    merchant_key: str = "1"
    buyer_key: str = "2"
    back_key: str = "0"
    budget: LatencyBudget = field(default_factory=LatencyBudget)
    gpio: GpioWiring = field(default_factory=GpioWiring)

    def __post_init__(self) -> None:
        # A mode given as its text (a flag, a test) is kept as the Mode it names.
        object.__setattr__(self, "mode", Mode(self.mode))


def parse_pair(text: str, where: str = "--pair") -> tuple[str, str]:
    parts = [part.strip() for part in text.replace(",", "-").split("-") if part.strip()]
    if len(parts) != 2 or parts[0] == parts[1]:
        raise InputError(f"{where} {text!r} is not a pair of two languages; write it as zh-en")
    return _code(parts[0], where), _code(parts[1], where)


def _code(text: str, where: str) -> str:
    try:
        return language(text).code
    except InputError as error:
        raise InputError(f"{where}: {error}") from None


def parse_device(value: object, where: str) -> int | str | None:
    if value is None or value == "" or value == "default":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InputError(f"{where} must be a device index or name, not {value!r}")
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def load_config(path: Path) -> StallConfig:
    """The config file, checked whole: a bad key is one line naming the file and key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"config file {str(path)!r} not found; check the path") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read config file {str(path)!r} ({error})") from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"config file {str(path)!r} is not valid TOML ({error})") from None
    return config_from_dict(data, str(path))


def config_from_dict(data: dict, name: str = "the config") -> StallConfig:
    known = {"pair", "mode", "devices", "voices", "keys", "budget", "gpio"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InputError(
            f"{name}: unknown key {unknown[0]!r}; the keys are {', '.join(sorted(known))}"
        )
    config = StallConfig()
    pair = config.pair
    if "pair" in data:
        pair = parse_pair(str(data["pair"]), f"{name}: pair")
    mode = _mode(data.get("mode", config.mode.value), name)
    devices = _table(data, "devices", name, {"input", "output"})
    voices = _table(data, "voices", name, None)
    for code, voice in voices.items():
        _code(code, f"{name}: voices")
        if not isinstance(voice, str):
            raise InputError(f"{name}: voices.{code} must be a voice name, not {voice!r}")
    keys = _table(data, "keys", name, {Party.MERCHANT.value, Party.BUYER.value, "back"})
    for party, key in keys.items():
        if not isinstance(key, str) or len(key) != 1:
            raise InputError(f"{name}: keys.{party} must be one character, not {key!r}")
    budget_fields = {f.name for f in fields(LatencyBudget)}
    budget_data = _table(data, "budget", name, budget_fields)
    try:
        budget = LatencyBudget(**budget_data)
    except (TypeError, ValueError) as error:
        raise InputError(f"{name}: {error}") from None
    merchant_key = keys.get(Party.MERCHANT.value, config.merchant_key)
    buyer_key = keys.get(Party.BUYER.value, config.buyer_key)
    back_key = keys.get("back", config.back_key)
    if len({merchant_key.lower(), buyer_key.lower(), back_key.lower()}) < 3:
        raise InputError(f"{name}: the merchant, the buyer and back need different keys")
    return StallConfig(
        pair=pair,
        mode=mode,
        input_device=parse_device(devices.get("input"), f"{name}: devices.input"),
        output_device=parse_device(devices.get("output"), f"{name}: devices.output"),
        voices=dict(voices),
        merchant_key=merchant_key,
        buyer_key=buyer_key,
        back_key=back_key,
        budget=budget,
        gpio=parse_gpio(data.get("gpio", {}), name),
    )


def _mode(value: object, name: str) -> Mode:
    try:
        return Mode(str(value))
    except ValueError:
        allowed = ", ".join(mode.value for mode in Mode)
        raise InputError(f"{name}: mode {str(value)!r} is not one of {allowed}") from None


def _table(data: dict, key: str, name: str, allowed: set[str] | None) -> dict:
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise InputError(f"{name}: {key} must be a table ([{key}])")
    if allowed is not None:
        unknown = sorted(set(table) - allowed)
        if unknown:
            raise InputError(
                f"{name}: unknown key {key}.{unknown[0]}; the keys are {', '.join(sorted(allowed))}"
            )
    return table
