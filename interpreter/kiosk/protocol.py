"""What the kiosk page may send over the WebSocket, checked before anything acts on it.

The page sends JSON objects of three kinds (`press`, `settings`, `ping`);
`parse_client_message` checks each for shape against fixed sets (the parties, the
language codes of `interpreter.core.languages`) and a length limit, and
`check_settings_change` checks a settings change against what the runner offers now
(its languages and installed voices). A message that fails either is a
`ClientMessageError`, whose `code` the page shows in its own language; it gets an
`error` event back and goes nowhere else. The events going the other way (hello,
settings, status, partial, turn, history, press, error, pong) are built by
`hub.py` (`settings_message`, `turn_message`) and `websocket.py`; `PROTOCOL_VERSION`
is what the hello says they follow. A turn (in a `turn` or `history` event) has
`"saved": true` when it is in the deal log, keyed by its `turn_number`; a turn the log
could not write has `"saved": false` and `unsaved`, its own count in the session, by
which the page keys it instead (hub.py says why). Both fields are additions: a page
that ignores them still reads every other field as before. The hello's `shown_turns`
(also an addition) is how many of the newest turns a page keeps on screen; a history
carries no more than that.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from interpreter.core.errors import InputError
from interpreter.core.languages import LANGUAGES
from interpreter.core.vocabulary import Party
from interpreter.kiosk.backend import StallSettings

PROTOCOL_VERSION = 1
# The newest turns a page shows and a history sends: a day's session at a busy stall is
# thousands of turns, and a page that kept them all would slow with the day; the deal
# sheet has every one.
SHOWN_TURNS = 200
PARTIES = tuple(party.value for party in Party)
# A press or a settings change is a few dozen characters; anything far longer is not
# the page talking.
MAX_MESSAGE_CHARS = 4096


class ClientMessageError(InputError):
    """A message from the page that is not one the server accepts; `code` says which
    kind of wrong (the page shows it in its own language), the text says exactly."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Press:
    party: Party
    down: bool


@dataclass(frozen=True)
class SettingsChange:
    pair: tuple[str, str] | None
    voices: dict[str, str] | None = field(default=None, hash=False)


@dataclass(frozen=True)
class Ping:
    pass


ClientMessage = Press | SettingsChange | Ping


def parse_client_message(text: str) -> ClientMessage:
    """One WebSocket message from the page, checked for shape.

    Accepted (JSON objects):
      {"type": "press", "party": "merchant"|"buyer", "down": true|false}
      {"type": "settings", "pair": ["zh", "en"], "voices": {"en": "<voice>", ...}}
        (either key may be left out; then `check_settings_change` against what is
        offered now)
      {"type": "ping"}
    Anything else raises ClientMessageError."""
    if len(text) > MAX_MESSAGE_CHARS:
        raise ClientMessageError(
            "too-long", f"message of {len(text)} characters; the limit is {MAX_MESSAGE_CHARS}"
        )
    try:
        data = json.loads(text)
    except ValueError:
        raise ClientMessageError("bad-json", "message is not JSON") from None
    if not isinstance(data, dict):
        raise ClientMessageError("bad-message", "message must be a JSON object")
    kind = data.get("type")
    if kind == "ping":
        return Ping()
    if kind == "press":
        party, down = data.get("party"), data.get("down")
        if party not in PARTIES:
            raise ClientMessageError(
                "bad-party", f"party {str(party)[:20]!r} is not merchant or buyer"
            )
        if not isinstance(down, bool):
            raise ClientMessageError("bad-press", "down must be true or false")
        return Press(Party(party), down)
    if kind == "settings":
        return _parse_settings(data)
    raise ClientMessageError("unknown-type", f"unknown message type {str(kind)[:20]!r}")


def _parse_settings(data: dict[str, Any]) -> SettingsChange:
    pair: tuple[str, str] | None = None
    if data.get("pair") is not None:
        raw = data["pair"]
        if not isinstance(raw, list) or len(raw) != 2 or not all(isinstance(c, str) for c in raw):
            raise ClientMessageError("bad-language", "pair must be two language codes")
        pair = (raw[0], raw[1])
    voices: dict[str, str] | None = None
    if data.get("voices") is not None:
        raw_voices = data["voices"]
        if (
            not isinstance(raw_voices, dict)
            or len(raw_voices) > len(LANGUAGES)
            or not all(isinstance(v, str) for v in raw_voices.values())
        ):
            raise ClientMessageError("bad-voice", "voices must map a language code to a voice")
        voices = dict(raw_voices)
    if pair is None and voices is None:
        raise ClientMessageError("bad-message", "settings need a pair or voices")
    return SettingsChange(pair, voices)


def check_settings_change(change: SettingsChange, settings: StallSettings) -> SettingsChange:
    """`change` when every language is one `interpreter.core.languages` knows and the runner
    offers, the two differ, and every voice is one offered for its language."""
    offered = settings.languages or tuple(LANGUAGES)
    if change.pair is not None:
        for code in change.pair:
            if code not in LANGUAGES or code not in offered:
                raise ClientMessageError(
                    "bad-language",
                    f"language {code[:20]!r} is not offered; choose one of " + ", ".join(offered),
                )
        if change.pair[0] == change.pair[1]:
            raise ClientMessageError("bad-language", "the two parties need different languages")
    if change.voices is not None:
        languages = change.pair or (settings.merchant_language, settings.buyer_language)
        for code, voice in change.voices.items():
            if code not in languages:
                raise ClientMessageError(
                    "bad-voice", f"{code[:20]!r} is not a language of the pair"
                )
            if voice not in settings.voice_choices.get(code, ()):
                raise ClientMessageError(
                    "bad-voice", f"voice {voice[:40]!r} is not installed for {code}"
                )
    return change
