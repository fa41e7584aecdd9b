"""Text Whisper invents: caption credits in silence, and loops that never end.

Whisper was trained on subtitled video, so silence and noise come out as "Thanks for
watching" or an Amara.org credit, and a weak decoder state repeats one token until
the length limit. Both would be spoken to a customer as if someone had said them.
"""

from __future__ import annotations

import re
import unicodedata

from interpreter.core.chinese import has_han
from interpreter.core.text import split_sentences

# Never said across a counter: drop them whatever the decoder's confidence.
_ALWAYS_INVENTED = (
    "thanks for watching",
    "thank you for watching",
    "please subscribe",
    "subscribe to my channel",
    "like and subscribe",
    "don't forget to subscribe",
    "this is the end of this video",
    "see you in the next video",
    "subtitles by the amara org community",
    "amara org",
    "字幕由amara org社群提供",
    "字幕由amara org社区提供",
    "请不吝点赞订阅转发打赏支持明镜与点点栏目",
    "明镜与点点栏目",
    "谢谢观看",
    "感谢观看",
    "字幕志愿者",
    "中文字幕",
    "优优独播剧场",
    "以下是普通话的句子",
)

# Said at a counter, but also what Whisper writes for a cough or a door: only trusted
# when the decoder was confident that there was speech.
_SUSPICIOUS = (
    "you", "thank you", "thanks", "bye", "谢谢", "嗯", "啊", "ok", "okay", "yeah", "the", "uh",
    "hmm", "oh",
)  # fmt: skip
# A few words that the decoder was unsure of (mean log-probability below this) are what
# Whisper makes of a noisy hall's babble ("Yeah.", "The", "I'm very happy."), not a
# party speaking: a clear "Hello." scores -0.5, espeak-ng's robotic 没问题 -0.52.
FRAGMENT_LOG_PROB = -1.0


def normalise(text: str) -> str:
    """Lowercase, fold full-width forms, turn punctuation into spaces, squeeze spaces."""
    folded = unicodedata.normalize("NFKC", text).lower()
    kept = [ch if unicodedata.category(ch)[0] in "LNZ" else " " for ch in folded]
    return " ".join("".join(kept).split())


def _squeezed(text: str) -> str:
    return normalise(text).replace(" ", "")


_ALWAYS_SQUEEZED = tuple(_squeezed(s) for s in _ALWAYS_INVENTED)
_SUSPICIOUS_SQUEEZED = frozenset(_squeezed(s) for s in _SUSPICIOUS)


def is_invented(text: str, no_speech_prob: float, avg_logprob: float) -> bool:
    squeezed = _squeezed(text)
    if not squeezed:
        return True
    if any(marker in squeezed for marker in _ALWAYS_SQUEEZED):
        return True
    doubtful = no_speech_prob > 0.3 or avg_logprob < -0.8
    if squeezed in _SUSPICIOUS_SQUEEZED and doubtful:
        return True
    words = re.findall(r"[\w']+", text)  # "I'm" is one word
    short = len(squeezed) <= 4 if has_han(squeezed) else len(words) <= 3
    return short and avg_logprob < FRAGMENT_LOG_PROB


_LOOP = re.compile(r"(.{1,5}?)\1{3,}|(.{4,}?)(?:[\s,，、。.!?！？;；]*\2){2,}", re.DOTALL)


_DIGITS = re.compile(r"[\d\s]+")
_NUMERIC = re.compile(r"[\d\s.,\-:/]+")


def cut_repetition(text: str) -> str:
    """Keep one copy of a unit repeated in a loop ("CirCirCirCir" -> "Cir").

    Digits repeat in real numbers (10000, 1111 pieces), so a digit-only unit is never
    cut, and a unit of digits and separators ("5,5,5,") only after eight repeats.
    """

    def once(match: re.Match[str]) -> str:
        unit = match.group(1) or match.group(2)
        repeats = len(match.group(0)) // len(unit)
        if _DIGITS.fullmatch(unit):
            return match.group(0)
        if _NUMERIC.fullmatch(unit) and repeats < 8:
            return match.group(0)
        return unit

    return _LOOP.sub(once, text).strip()


# The whole utterance twice over, with no sentence end between ("二十件可以消化二十件可以消化").
_SAID_TWICE = re.compile(r"(.{4,})\1", re.DOTALL)


def read_once(text: str) -> str | None:
    """The sentences Whisper read before reading them again, when nothing else follows.

    A window with little padding after the words makes Whisper start the utterance
    over ("How much is this? How much is this? How much is"): the first reading is
    whole, and the rest adds nothing. A second pass on a wider window costs seconds on a
    small CPU, so the first reading is kept. None when the text is not of that shape: a
    later sentence that says something new ("Yes. Yes, it is.") is not a repeat.
    """
    ends, position = [], 0
    for sentence in split_sentences(text):
        position = text.index(sentence, position) + len(sentence)
        ends.append(position)
    for end in ends[:-1]:
        first = text[:end].strip()
        unit = _squeezed(first)
        rest = _squeezed(text[end:])
        if len(unit) < 4 or not rest:
            continue
        copies = unit * (len(rest) // len(unit) + 1)
        if copies.startswith(rest):
            return first
    return None


def restarts_itself(text: str) -> bool:
    """Whisper given too short a window reads the sentence again: "We sell these in a
    shop in Milan. We sell these", "这个多少钱？这个多少钱？". A later sentence that
    opens like the first is taken as that, and the utterance is decoded afresh."""
    from interpreter.core.text import split_sentences

    if _SAID_TWICE.fullmatch(normalise(text).replace(" ", "")):
        return True
    sentences = [normalise(sentence) for sentence in split_sentences(text)]
    sentences = [sentence for sentence in sentences if sentence]
    if len(sentences) < 2:
        return False
    first = sentences[0]
    for later in sentences[1:]:
        if " " in first or " " in later:
            head, again = first.split()[:3], later.split()[:3]
        else:
            head, again = list(first[:4]), list(later[:4])
        size = min(len(head), len(again))
        if size and head[:size] == again[:size] and (size >= 2 or len(head) == 1):
            return True
    return False


# A few digits and separators read over and over ("12.2112211221122112").
_DIGIT_LOOP = re.compile(r"([\d.,:\-/]{2,4}?)\1{2,}")


_SEPARATORS = " ,，、。.!?！？;；"


def cut_runaway(text: str) -> str:
    """A decode its length limit stopped inside a loop ("也不容易坏,也不容易坏,也不容
    易"): two copies of a unit and the start of a third at the very end. The unit is
    kept once; the broken character a cut token leaves (U+FFFD) goes too. Only for a
    decode that hit its limit: a speaker may well say a thing twice."""
    text = text.rstrip("\ufffd").rstrip()
    size = len(text)
    for start in range(size):
        for length in range(2, (size - start) // 2 + 1):
            unit = text[start : start + length]
            if unit.strip(_SEPARATORS) != unit or _NUMERIC.fullmatch(unit):
                continue  # digits repeat in real numbers (1111111)
            position, copies = start + length, 1
            while True:
                following = position
                while following < size and text[following] in _SEPARATORS:
                    following += 1
                if not text.startswith(unit, following):
                    break
                position, copies = following + length, copies + 1
            tail = text[position:].lstrip(_SEPARATORS)
            if copies >= 2 and tail and len(tail) < length and unit.startswith(tail):
                end = start + length
                while end < size and text[end] in "。.!?！？":
                    end += 1
                return text[:end]
    return text


def said_once(text: str) -> str:
    """The text with a sentence read over again (`read_once`) and a loop
    (`cut_repetition`) kept once."""
    return cut_repetition(read_once(text) or text)


def partial_text(text: str) -> str:
    """What a draft may show while the party is still speaking: the final reading's
    guards against a sentence read over again and a loop ("你要多少?你要多少?你要多少?"
    shows once), and nothing where digits loop, since a number is shown only when it is
    read whole. A repeated single digit is a number (1111, 1000000), never a loop."""
    text = said_once(text)
    for match in _DIGIT_LOOP.finditer(text):
        if len(set(match.group(1))) > 1:
            return ""
    if restarts_itself(text):
        return ""
    return text
