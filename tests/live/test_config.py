"""The stall config file: what an installer writes, and the one-line errors for typos."""

from __future__ import annotations

import pytest

from interpreter.core.errors import InputError
from interpreter.live.config import (
    StallConfig,
    load_config,
    parse_pair,
    save_asr_model,
    with_asr_model,
)
from interpreter.live.options import stall_options

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


def test_the_config_turns_on_the_sentence_aware_endpoint_and_sets_its_pauses(tmp_path) -> None:
    path = tmp_path / "stall.toml"
    path.write_text("[endpoint]\nenabled = true\ncomplete_silence_ms = 160\n")
    endpoint = load_config(path).endpoint
    assert endpoint.enabled
    assert (endpoint.complete_silence_ms, endpoint.unfinished_silence_ms) == (160, 1000)
    assert stall_options(load_config(path)).turn_end == endpoint


def test_the_pause_held_for_the_first_piece_can_be_turned_off(tmp_path) -> None:
    path = tmp_path / "stall.toml"
    path.write_text("[endpoint]\nfirst_piece_wait_ms = 0\n")
    endpoint = load_config(path).endpoint
    assert endpoint.first_piece_wait_ms == 0 and not endpoint.enabled


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
        ("[endpoint]\nenabled = 1", "endpoint.enabled must be true or false"),
        ("[endpoint]\ncomplete_silence_ms = 10", "whole milliseconds from 32 to 3000"),
        ("[endpoint]\nshort_ms = 160", "unknown key endpoint.short_ms"),
        ("[endpoint]\nfirst_piece_wait_ms = -1", "whole milliseconds from 0 to 3000"),
        ("[endpoint]\nfirst_piece_wait_ms = 0.5", "first_piece_wait_ms must be whole milli"),
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


def test_the_config_names_the_recognition_model(tmp_path) -> None:
    path = tmp_path / "stall.toml"
    path.write_text('asr_model = "whisper-tiny"\n' + STALL)
    assert load_config(path).asr_model == "whisper-tiny"
    path.write_text(STALL)
    assert load_config(path).asr_model is None
    path.write_text("asr_model = 3\n")
    with pytest.raises(InputError, match="asr_model must be a model name"):
        load_config(path)


def test_the_config_model_is_used_unless_a_flag_names_another(tmp_path) -> None:
    from interpreter.commands.cli import build_parser
    from interpreter.commands.common import live_job

    path = tmp_path / "stall.toml"
    path.write_text('asr_model = "whisper-tiny"\n')
    parser = build_parser()
    assert live_job(parser.parse_args(["live", "--config", str(path)])).stages.asr_model == (
        "whisper-tiny"
    )
    flagged = parser.parse_args(["live", "--config", str(path), "--asr-model", "whisper-base"])
    assert live_job(flagged).stages.asr_model == "whisper-base"


# An installer's file: comments, blank lines, a key already set, tables after.
HAND_WRITTEN = """# Li's stall, set up 2026-12-01
pair = "zh-en"   # merchant first
asr_model = 'whisper-small'   # too slow on the Pi?
mode = "push-to-talk"

# the USB card under the counter
[devices]
input = "USB Audio"

[budget]
asr_ms = 500
"""


def test_only_the_model_value_changes_and_every_comment_stays() -> None:
    updated = with_asr_model(HAND_WRITTEN, "whisper-base")
    assert updated == HAND_WRITTEN.replace(
        "asr_model = 'whisper-small'   # too slow", 'asr_model = "whisper-base"   # too slow'
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("", 'asr_model = "whisper-base"\n'),
        (
            'pair = "zh-en"\n\n[budget]\nasr_ms = 500\n',
            'pair = "zh-en"\nasr_model = "whisper-base"\n\n[budget]\nasr_ms = 500\n',
        ),
        (  # a comment right above a table stays with its table
            "# the card\n[devices]\ninput = 2\n",
            'asr_model = "whisper-base"\n# the card\n[devices]\ninput = 2\n',
        ),
        (  # the file's own heading stays first
            "# Li's stall\n\n[devices]\ninput = 2\n",
            '# Li\'s stall\nasr_model = "whisper-base"\n\n[devices]\ninput = 2\n',
        ),
        ('pair = "zh-en"', 'pair = "zh-en"\nasr_model = "whisper-base"\n'),  # no last newline
        ('pair = "zh-en"\r\n', 'pair = "zh-en"\r\nasr_model = "whisper-base"\r\n'),
    ],
)
def test_a_missing_model_key_is_added_among_the_top_level_keys(before, after) -> None:
    assert with_asr_model(before, "whisper-base") == after


def test_saving_the_model_rewrites_the_file_whole_and_leaves_nothing_beside_it(
    tmp_path,
) -> None:
    path = tmp_path / "stall.toml"
    path.write_text(HAND_WRITTEN)
    path.chmod(0o640)
    save_asr_model(path, "whisper-base")
    assert load_config(path).asr_model == "whisper-base"
    assert load_config(path).budget.asr_ms == 500 and "# Li's stall" in path.read_text()
    assert oct(path.stat().st_mode & 0o777) == oct(0o640)
    assert [p.name for p in tmp_path.iterdir()] == ["stall.toml"]
    new = tmp_path / "new.toml"
    save_asr_model(new, "whisper-tiny")
    assert new.read_text() == 'asr_model = "whisper-tiny"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pair = ", "is not valid TOML"),
        ('[models]\nasr = "x"\n', "unknown key 'models'"),  # the result must still load
        ('"asr_model" = "whisper-small"\n', "without touching its other keys"),
    ],
)
def test_a_file_that_cannot_take_the_model_is_left_as_it_was(tmp_path, text, message) -> None:
    path = tmp_path / "stall.toml"
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        save_asr_model(path, "whisper-base")
    assert path.read_text() == text
    assert [p.name for p in tmp_path.iterdir()] == ["stall.toml"]
