"""The words every folder shares: who speaks, how turns are taken, what became of a
turn, why a turn was not spoken, what the screen's status strip says, which rung
translated, how a check of the stall device came out.

Each is a `str` enum whose text is its value, in JSON, SQLite, TOML, f-strings and on
the page (`Party.BUYER == "buyer"`, `f"{Party.BUYER}"` is `buyer`), and a misspelling
fails where it is written instead of where it is compared.
"""

from __future__ import annotations

from enum import Enum


class Word(str, Enum):
    """A str enum that reads as its value everywhere (Python 3.10 and 3.11 print a
    str-mixin member as `Class.NAME` in f-strings; 3.11's StrEnum is not in 3.10)."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class Party(Word):
    """A side of the counter."""

    MERCHANT = "merchant"
    BUYER = "buyer"


class Mode(Word):
    """How a turn starts and ends."""

    # The endpointer hears when a party starts and stops; nobody touches anything.
    CONVERSATION = "conversation"
    # A button (key, GPIO, the page) held or pressed per party marks the turn.
    PUSH_TO_TALK = "push-to-talk"


class PressStyle(Word):
    """How a stall's push-to-talk button marks a turn."""

    # Held down while the party talks; letting go ends the turn.
    HOLD = "hold"
    # One press starts the turn, the next ends it (a key, or a latching habit).
    TOGGLE = "toggle"


class Status(Word):
    """What became of a turn, as its trace, the deal log and the metrics record it."""

    SPOKEN = "spoken"
    # Shown as text only: no voice, unsure recognition, or speech switched off.
    SHOWN = "shown"
    # Its speech was cut by a party talking over it.
    INTERRUPTED = "interrupted"
    # Made, but the session ended before it sounded.
    UNPLAYED = "unplayed"
    # Nothing was heard worth a transcript.
    SILENT = "silent"
    # A newer turn made it pointless before it was finished.
    STALE = "stale"
    # Making it failed (a model raised): reported, and the session listens on.
    FAILED = "failed"


class State(Word):
    """What the stall's screen shows in its status strip."""

    LISTENING = "listening"
    HEARING = "hearing"
    THINKING = "thinking"
    SPEAKING = "speaking"


class Doubt(Word):
    """Why a turn is shown for both parties to confirm instead of spoken."""

    # Heard clearly enough to speak.
    NONE = "none"
    # Recognition was unsure of the words as a whole.
    WORDS = "words"
    # A number was heard with a digit Whisper doubted, or the turn was only a run of
    # digits: a wrong price spoken aloud is a wrong deal, so the number is asked again.
    NUMBER = "number"


class Method(Word):
    """Which rung of the translation ladder produced the text."""

    PHRASEBOOK = "phrasebook"
    NMT = "nmt"
    WHISPER_TRANSLATE = "whisper-translate"
    NONE = "none"


class CheckStatus(Word):
    """How one check of `interpreter doctor` came out."""

    OK = "ok"
    # Works, but worse than it could (slower, quieter, short of room); the fix helps.
    WARN = "warn"
    # Unusable until fixed: the doctor exits 1.
    FAIL = "fail"
