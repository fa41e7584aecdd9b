"""The stall config file: what an installer writes, and the one-line errors for typos."""

from __future__ import annotations

import pytest

from interpreter.core.errors import InputError
from interpreter.live.config import StallConfig, load_config, parse_pair

STALL = """
pair = "zh-en"
mode = "push-to-talk"

[devices]
input = "USB Audio"
output = "3"

[voices]
en = "piper-en_US-joe-medium"

[keys]
merchant = "m"
buyer = "b"

[budget]
asr_ms = 500
total_ms = 1000
"""


def test_a_stall_config_sets_the_pair_mode_devices_keys_and_budget(tmp_path) -> None:
    path = tmp_path / "stall.toml"
    path.write_text(STALL)
    config = load_config(path)
    assert config.pair == ("zh", "en")
    assert config.mode == "push-to-talk"
    assert (config.input_device, config.output_device) == ("USB Audio", 3)
    assert config.voices == {"en": "piper-en_US-joe-medium"}
    assert (config.merchant_key, config.buyer_key) == ("m", "b")
    assert (config.budget.asr_ms, config.budget.total_ms, config.budget.mt_ms) == (500, 1000, 150)


def test_an_empty_file_means_the_defaults(tmp_path) -> None:
    path = tmp_path / "stall.toml"
    path.write_text("")
    assert load_config(path) == StallConfig()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('pair = "zh"', "not a pair of two languages"),
        ('pair = "zh-xx"', "unknown language 'xx'"),
        ('mode = "hands-free"', "mode 'hands-free' is not one of"),
        ("[budget]\nasr_ms = 0", "asr_ms must be above 0"),
        ("[budget]\nasr = 500", "unknown key budget.asr"),
        ("[keys]\nmerchant = '1'\nbuyer = '1'", "need different keys"),
        ("[keys]\nmerchant = 'F1'", "keys.merchant must be one character"),
        ("[devices]\ninput = true", "devices.input must be a device index or name"),
        ('pairs = "zh-en"', "unknown key 'pairs'"),
        ("pair = ", "is not valid TOML"),
    ],
)
def test_a_mistake_in_the_config_is_one_line_naming_the_file(tmp_path, text, message) -> None:
    path = tmp_path / "stall.toml"
    path.write_text(text)
    with pytest.raises(InputError, match=message) as raised:
        load_config(path)
    assert str(path) in str(raised.value) and "\n" not in str(raised.value)


def test_a_missing_config_file_says_so(tmp_path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_config(tmp_path / "nowhere.toml")


def test_a_pair_is_written_either_way() -> None:
    assert parse_pair("EN-zh") == ("en", "zh")
    assert parse_pair("zh,en") == ("zh", "en")


@pytest.mark.models
def test_the_stall_config_chooses_each_language_voice(model_store) -> None:
    from interpreter.core.clock import MonotonicClock
    from interpreter.core.errors import ModelError
    from interpreter.turn.pipeline import Directions
    from interpreter.turn.stages import StageOptions, build_synthesizer

    pair = Directions.pair("zh", "en")
    clock = MonotonicClock()
    _, default = build_synthesizer(model_store, pair, StageOptions(), clock)
    assert default["en"] == "piper-en_US-joe-medium"
    robotic = StageOptions(voices={"en": "espeak-ng"})
    _, chosen = build_synthesizer(model_store, pair, robotic, clock)
    assert chosen["en"].startswith("espeak-ng")
    missing = StageOptions(voices={"en": "piper-en_US-lessac-medium"})
    with pytest.raises(ModelError, match="fetch piper-en_US-lessac-medium"):
        build_synthesizer(model_store, pair, missing, clock)
