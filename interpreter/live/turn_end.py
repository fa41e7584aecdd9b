"""Whether the words heard so far end a turn: the sentence-aware endpoint's judge.

A fixed pause after every turn makes the listener wait the same after "多少钱？" as
after "我要订，嗯，". The reading made as the voice stops already holds the words, so
what they say decides the wait: a whole sentence (a question, a full stop, a phrase
the phrasebook holds whole) ends after a short pause; words left hanging (a filler,
a connective, an article, a trailing comma, a number still being said digit by digit)
wait long; anything else waits a little longer than a whole sentence. A whole
sentence must look whole: Whisper puts a full stop after part of one ("The last
batch.", "Is this price?" before ", uh, for the whole carton"), so a statement of a
few words, one ending in a bare number, a list with no "and" before its last item,
an "if" clause with no main clause, and a reading caught in a loop ("We want the
cups. We want the cups. We want") are not taken as whole. Only the words are judged
here; the listener applies the wait (`TurnEndOptions`) to the pause the endpointer
counts. The reading as the voice stops takes longer on a small CPU than the pause it
would shorten, so the last draft made while the party spoke judges until it comes,
when it read nearly all that was said. The waits were chosen on the dev splits
(benchmarks/README.md).
"""

from __future__ import annotations

import enum
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

from interpreter.asr.hallucination import cut_repetition, read_once
from interpreter.core.chinese import has_han


class Ending(enum.Enum):
    """What the words heard so far say about the turn."""

    COMPLETE = "complete"
    UNFINISHED = "unfinished"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class TurnEndOptions:
    # Off: every turn waits the endpointer's own fixed pause (384 ms), as before.
    enabled: bool = False
    # The pause that ends a turn whose words make a whole sentence: about a person's
    # own gap before answering.
    complete_silence_ms: int = 192
    # The pause that ends a turn whose words are left hanging: longer than the pauses
    # people make inside a sentence (the pause set's run to 900 ms).
    unfinished_silence_ms: int = 1000
    # The pause that ends a turn the words say nothing about (most Chinese readings,
    # which Whisper seldom punctuates): a little longer than the fixed pause.
    unknown_silence_ms: int = 448
    # A draft made while the party spoke that read all but this much of what was said
    # judges the pause until the reading as the voice stops is judged (that reading
    # takes 300-800 ms on two cores, longer than a whole sentence's pause); 0: only
    # that reading judges.
    draft_reach_s: float = 0.3
    # The pause while nothing judges it yet: the "neither" pause (holding the longest
    # made the wait at the end of a whole sentence 455 ms at p50 live, benchmarks/README.md).
    unread_silence_ms: int = 448
    # The reading as the voice stops is made for utterances this long or longer (a
    # short "多少钱？" is judged too; 1 s without the sentence-aware endpoint).
    min_read_s: float = 0.3
    # Sentence-aware or not: while the first piece of a turn whose voice stopped is
    # still being translated and voiced, its pause is held up to this long, since
    # ending it sooner would not be heard sooner, and a party who goes on meanwhile is
    # not cut off (0: the pause alone ends a turn).
    first_piece_wait_ms: int = 1000

    def silence_ms(self, ending: Ending) -> int:
        return {
            Ending.COMPLETE: self.complete_silence_ms,
            Ending.UNFINISHED: self.unfinished_silence_ms,
            Ending.UNKNOWN: self.unknown_silence_ms,
        }[ending]


# Words that leave a sentence hanging when they are its last: hesitations,
# connectives, prepositions, articles, a verb waiting for its object.
_EN_HANGING = frozenset(
    [
        "um",
        "uh",
        "er",
        "erm",
        "hmm",
        "and",
        "or",
        "but",
        "so",
        "because",
        "cause",
        "with",
        "without",
        "to",
        "the",
        "a",
        "an",
        "of",
        "for",
        "from",
        "in",
        "on",
        "at",
        "by",
        "if",
        "than",
        "then",
        "plus",
        "like",
        "about",
        "around",
        "is",
        "are",
        "was",
        "were",
        "be",
        "i",
        "we",
        "my",
        "your",
        "our",
        "their",
        "its",
        "some",
        "any",
        "each",
        "every",
    ]
)
# Chinese: the same kinds (a word that ends a sentence as an answer, 可以, 是, 我要, is
# left out: "可以。" is a whole turn).
_ZH_HANGING = (
    "嗯",
    "呃",
    "额",
    "那个",
    "就是",
    "然后",
    "还有",
    "和",
    "跟",
    "或者",
    "但是",
    "不过",
    "因为",
    "所以",
    "如果",
    "要是",
    "比如",
    "而且",
    "另外",
    "大概",
    "差不多",
    "一共",
    "能不能",
    "的话",
    "每",
)
_ZH_DIGITS = "零〇一二两三四五六七八九幺"
_SENTENCE_END = re.compile(r"[.?!。？！]$")
_QUESTION_OR_EXCLAMATION = re.compile(r"[?!？！]$")
_HANGING_PUNCT = re.compile(r"(?:[,，、:：;；—-]|\.\.\.|…)$")
# A clause of digits only, said one by one ("三，五，" "one five"): a number still
# being said.
_ZH_DIGIT_CLAUSE = re.compile(
    rf"(?:^|[，,、\s])[{_ZH_DIGITS}\d]{{1,3}}[，,、\s]*$|[{_ZH_DIGITS}]{{2,}}$"
)
_EN_NUMBER_WORDS = frozenset(
    [
        "zero",
        "oh",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "point",
    ]
)


class TurnEndJudge:
    """Judges the words of a reading. `whole_phrase` says whether the phrasebook
    translates the words whole (a sentence the book knows is a sentence)."""

    def __init__(self, whole_phrase: Callable[[str, str], bool] | None = None) -> None:
        self._whole_phrase = whole_phrase

    def judge(self, text: str, language: str) -> Ending:
        words = text.strip()
        if not words or _looped(words):
            return Ending.UNKNOWN
        if words.endswith(("...", "…")) or _HANGING_PUNCT.search(words):
            return Ending.UNFINISHED
        bare = words.rstrip(".?!。？！ ")
        chinese = language == "zh" or has_han(bare)
        if self._hangs(bare, language):
            return Ending.UNFINISHED
        if self._whole_phrase is not None and self._whole_phrase(words, language):
            return Ending.COMPLETE
        asked = bool(_QUESTION_OR_EXCLAMATION.search(words))
        if not asked and (_open_list(bare, chinese) or _open_condition(bare, chinese)):
            return Ending.UNFINISHED
        if asked:
            return Ending.COMPLETE
        if _SENTENCE_END.search(words) and _looks_whole(bare, chinese):
            return Ending.COMPLETE
        return Ending.UNKNOWN

    def _hangs(self, bare: str, language: str) -> bool:
        if not bare:
            return False
        if language == "zh" or has_han(bare):
            return bare.endswith(_ZH_HANGING) or bool(_ZH_DIGIT_CLAUSE.search(bare))
        last = re.findall(r"[a-z']+|\d+", bare.lower())
        if not last:
            return False
        if last[-1] in _EN_HANGING:
            return True
        # "one five" / "3 5": digits said one by one, the number not finished yet.
        return len(last) >= 2 and all(_is_digit_word(word) for word in last[-2:])


def _is_digit_word(word: str) -> bool:
    return word in _EN_NUMBER_WORDS or (word.isdigit() and len(word) == 1)


def _looped(words: str) -> bool:
    """A reading caught in a loop ("If we order today, if we order today, if we
    order"): Whisper read too short a window and its words say nothing of the end."""
    once = read_once(words)
    if once is None:
        once = cut_repetition(words)
    return len(once) < 0.8 * len(words)


# A list item: a word or two ("the lids", "white"; 白色, 不锈钢的).
_EN_ITEM = re.compile(r"(?:the |a |an )?[\w'-]+(?: [\w'-]+)?")
_ZH_ITEM_CHARS = 3
_LIST_ITEMS = 3
_EN_LIST_CLOSE = re.compile(r"(?:and|or|plus) ")
_ZH_LIST_CLOSE = ("和", "跟", "还有", "或者", "以及")
_EN_CONDITION = re.compile(r"(?:if|when|because|although|once|unless|as soon as)\b")
_ZH_CONDITION = ("如果", "要是", "因为", "虽然", "假如", "只要")
_EN_MORE_NUMBER_WORDS = frozenset(
    [
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "sixty",
        "seventy",
        "eighty",
        "ninety",
        "hundred",
        "thousand",
        "million",
    ]
)
_ZH_NUMBER_END = re.compile(r"[\d零〇一二两三四五六七八九十百千万]$")
# A statement this short is taken whole only when the phrasebook holds it.
_EN_FEWEST_WORDS = 4


def _open_list(bare: str, chinese: bool) -> bool:
    """Three or more short items, the last not closed by "and"/和: "Black, white,
    grey", "黑色，白色，粉色" (more may follow). Two are not enough: "我要订，五百件",
    "OK, thanks" are whole."""
    if chinese:
        items = [item for item in re.split(r"[,，、\s]+", bare) if item]
        return (
            len(items) >= _LIST_ITEMS
            and all(len(item) <= _ZH_ITEM_CHARS for item in items[-_LIST_ITEMS:])
            and not items[-1].startswith(_ZH_LIST_CLOSE)
        )
    items = [item.strip().lower() for item in bare.split(",") if item.strip()]
    return (
        len(items) >= _LIST_ITEMS
        and all(_EN_ITEM.fullmatch(item) for item in items[-_LIST_ITEMS:])
        and not _EN_LIST_CLOSE.match(items[-1])
    )


def _open_condition(bare: str, chinese: bool) -> bool:
    """An "if" clause with no main clause after it: "If the quality is good."."""
    if chinese:
        return bare.startswith(_ZH_CONDITION) and not re.search(r"[,，]", bare)
    return bool(_EN_CONDITION.match(bare.lower())) and "," not in bare


def _looks_whole(bare: str, chinese: bool) -> bool:
    """A statement with a full stop that is more than its first few words and does not
    end on a bare number (a price or a phone number may go on: "We need 3000.")."""
    if chinese:
        return not _ZH_NUMBER_END.search(bare)
    words = re.findall(r"[\w'.,%-]+", bare.lower())
    if len(words) < _EN_FEWEST_WORDS:
        return False
    last = words[-1].strip(".,")
    return not (last in _EN_NUMBER_WORDS or last in _EN_MORE_NUMBER_WORDS or last[:1].isdigit())


class TurnEndBoard:
    """Where the reader posts what the words read so far say, and the listener looks:
    one verdict, for one recognizer and the audio it read."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._posted: tuple[object, float, Ending, bool] | None = None

    def post(self, early: object, audio_s: float, ending: Ending, at_stop: bool = True) -> None:
        """`at_stop`: read as the voice stopped (else a draft made while it spoke)."""
        with self._lock:
            self._posted = (early, audio_s, ending, at_stop)

    def ending_for(
        self, early: object, stopped_s: float, draft_reach_s: float = 0.0
    ) -> Ending | None:
        """The verdict on the words of `early`'s utterance up to where the voice
        stopped (`stopped_s` of audio; a reading of a little less stands for it, a
        draft up to `draft_reach_s` less); None while it is not read yet."""
        with self._lock:
            posted = self._posted
        if posted is None or posted[0] is not early:
            return None
        reach_s = READ_SLACK_S if posted[3] else draft_reach_s
        if posted[1] < stopped_s - reach_s:
            return None
        return posted[2]


# A reading this much short of where the voice stopped still judges the pause: the
# listener notices the stop a window or two after the voice went quiet.
READ_SLACK_S = 0.15


class TurnEnd:
    """The sentence-aware endpoint of one session: the reader tells it the words read
    as the voice stopped, the listener asks it how long the pause must be."""

    def __init__(
        self,
        options: TurnEndOptions,
        judge: TurnEndJudge,
        simplified: Callable[[str], str] = lambda text: text,
    ) -> None:
        """`simplified`: a draft's Chinese in simplified characters (Whisper may write
        Traditional ones; the judge's words are simplified)."""
        self.options = options
        self._judge = judge
        self._simplified = simplified
        self._board = TurnEndBoard()

    def heard(
        self, early: object, audio_s: float, text: str, language: str, at_stop: bool = True
    ) -> Ending:
        """The words of `early`'s utterance read up to `audio_s` ("" when the reading
        found none), as the voice stopped or (`at_stop` False) in a draft made while
        it spoke; returns the verdict posted."""
        ending = self._judge.judge(self._simplified(text), language) if text else Ending.UNKNOWN
        self._board.post(early, audio_s, ending, at_stop)
        return ending

    def silence_ms(self, early: object, stopped_s: float) -> int:
        """The pause that ends `early`'s utterance, whose voice stopped at `stopped_s`
        of audio: the verdict's, or the unread pause while the words are not read."""
        options = self.options
        ending = self._board.ending_for(early, stopped_s, options.draft_reach_s)
        if ending is None:
            return options.unread_silence_ms
        return options.silence_ms(ending)
