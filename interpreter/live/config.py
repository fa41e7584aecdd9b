"""The stall's config file (TOML): the pair, the turn-taking mode, the devices, the
voices and the latency budget, so an installer writes them once and the merchant only
switches the device on. Every key is optional; command-line flags win over the file.
`interpreter doctor` rewrites `asr_model` alone (`save_asr_model`), leaving the rest of
the file as the installer wrote it.

```toml
pair = "zh-en"                 # the merchant's language first
mode = "conversation"          # or "push-to-talk"
asr_model = "whisper-base"     # the recogniser; `interpreter doctor --config` writes it

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

[endpoint]                     # the sentence-aware endpoint, see interpreter/live/turn_end.py
enabled = true
complete_silence_ms = 192      # the pause after a whole sentence
unfinished_silence_ms = 1000   # after "我要订，嗯" or "Can you ..."
first_piece_wait_ms = 1000     # held while the answer is made (0: off; also when not enabled)

[gpio]                         # buttons and lights on the GPIO header (BCM numbers)
merchant_button = 17           # see interpreter/live/wiring.py
buyer_button = 27
[gpio.lights]
listening = 5
```
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field, fields
from pathlib import Path

from interpreter.core.errors import InputError
from interpreter.core.languages import language
from interpreter.core.vocabulary import Mode, Party
from interpreter.live.turn_end import TurnEndOptions
from interpreter.live.wiring import GpioWiring, parse_gpio
from interpreter.turn.budget import LatencyBudget

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


# The top-level key naming the recognition model.
ASR_MODEL_KEY = "asr_model"


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
    endpoint: TurnEndOptions = field(default_factory=TurnEndOptions)
    gpio: GpioWiring = field(default_factory=GpioWiring)
    # Whether the file said the mode: the kiosk's own default (push-to-talk, the page's
    # buttons) gives way only to a mode someone chose.
    mode_given: bool = field(default=False, compare=False)
    # The Whisper model to recognise with (a store name); None: the most accurate
    # installed one that knows both languages (turn/stages.py, ASR_PREFERENCE).
    asr_model: str | None = None

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
    known = {
        "pair",
        "mode",
        ASR_MODEL_KEY,
        "devices",
        "voices",
        "keys",
        "budget",
        "endpoint",
        "gpio",
    }
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
    asr_model = data.get(ASR_MODEL_KEY)
    if asr_model is not None and (not isinstance(asr_model, str) or not asr_model.strip()):
        raise InputError(
            f'{name}: {ASR_MODEL_KEY} must be a model name such as "whisper-base", '
            f"not {asr_model!r}"
        )
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
    endpoint = _endpoint(
        _table(data, "endpoint", name, {f.name for f in fields(TurnEndOptions)}), name
    )
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
        endpoint=endpoint,
        gpio=parse_gpio(data.get("gpio", {}), name),
        mode_given="mode" in data,
        asr_model=asr_model.strip() if asr_model else None,
    )


def _endpoint(table: dict, name: str) -> TurnEndOptions:
    """The [endpoint] table: `enabled` true or false, the pauses whole milliseconds
    from 32 (one window) to 3000 (`first_piece_wait_ms` may be 0), `min_read_s`
    seconds."""
    for key, value in table.items():
        where = f"{name}: endpoint.{key}"
        if key == "enabled":
            if not isinstance(value, bool):
                raise InputError(f"{where} must be true or false, not {value!r}")
        elif key.endswith("_ms"):
            least = 0 if key == "first_piece_wait_ms" else 32
            if isinstance(value, bool) or not isinstance(value, int):
                raise InputError(f"{where} must be whole milliseconds, not {value!r}")
            if not least <= value <= 3000:
                raise InputError(
                    f"{where} must be whole milliseconds from {least} to 3000, not {value!r}"
                )
        elif isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 5:
            raise InputError(f"{where} must be seconds from 0 to 5, not {value!r}")
    return TurnEndOptions(**table)


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


# A model name as the catalog spells one: written between quotes with no escaping.
_MODEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_TABLE_HEADER = re.compile(r"^\s*\[")
_KEY_LINE = re.compile(r"^\s*[A-Za-z0-9_\"'-]+\s*=")
# `asr_model = "whisper-tiny"  # a comment`: the value alone is replaced.
_ASR_MODEL_LINE = re.compile(
    rf"^(\s*{ASR_MODEL_KEY}\s*=\s*)(\"(?:[^\"\\]|\\.)*\"|'[^']*'|[^#\s]*)(.*)$", re.DOTALL
)


def with_asr_model(text: str, model: str) -> str:
    """The config text with its top-level `asr_model` set to `model`: that one value
    replaced where the key is, else one line added after the last top-level key (or
    at the top); every other line, comment and blank line kept as it was."""
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if "\r\n" in text else "\n"
    header = next((i for i, line in enumerate(lines) if _TABLE_HEADER.match(line)), len(lines))
    for index, line in enumerate(lines[:header]):
        found = _ASR_MODEL_LINE.match(line)
        if found:
            lines[index] = f'{found.group(1)}"{model}"{found.group(3)}'
            return "".join(lines)
    keys = [i for i, line in enumerate(lines[:header]) if _KEY_LINE.match(line)]
    if keys:
        at = keys[-1] + 1
    else:
        # After a comment block that heads the file and is set apart by a blank line;
        # a comment right above a table belongs to that table.
        lead = 0
        while lead < header and lines[lead].lstrip().startswith("#"):
            lead += 1
        at = lead if 0 < lead < header and not lines[lead].strip() else 0
    if at > 0 and not lines[at - 1].endswith(("\n", "\r")):
        lines[at - 1] += newline
    lines.insert(at, f'{ASR_MODEL_KEY} = "{model}"{newline}')
    return "".join(lines)


def save_asr_model(path: Path, model: str) -> None:
    """Set `asr_model` in the stall config file at `path` (made if it does not exist).

    The new text must parse to what the old one said with only that key changed, or
    nothing is written; it goes to a temporary file beside the config that is then
    renamed over it, so the file is the old one or the whole new one, never half
    written, even if the power goes."""
    if not _MODEL_NAME.match(model):
        raise InputError(f"{model!r} is not a model name; see `interpreter models list`")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read config file {str(path)!r} ({error})") from None
    try:
        before = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(
            f"config file {str(path)!r} is not valid TOML ({error}); fix it, then run again"
        ) from None
    updated = with_asr_model(text, model)
    try:
        after = tomllib.loads(updated)
    except tomllib.TOMLDecodeError:
        after = None
    if after != {**before, ASR_MODEL_KEY: model}:
        raise InputError(
            f"cannot set {ASR_MODEL_KEY} in {str(path)!r} without touching its other keys; "
            f'write {ASR_MODEL_KEY} = "{model}" at its top by hand'
        )
    config_from_dict(after, str(path))
    _replace_file(path, updated)


def _replace_file(path: Path, text: str) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    fix = "make its folder writable, or give another file with --config"
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise InputError(
            f"cannot write config file {str(path)!r} ({error.strerror or error}); {fix}"
        ) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise InputError(
            f"cannot write config file {str(path)!r} ({error.strerror or error}); {fix}"
        ) from None
    # The rename itself survives a power cut once the folder is on disk too.
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
