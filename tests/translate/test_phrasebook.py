"""The trade phrasebook: matching, slots, and the book that ships."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from interpreter.translate.phrasebook import Phrasebook

MINI_BOOK = """
[[phrase]]
topic = "greeting"
en = ["Hello, welcome!", "Welcome"]
zh = ["你好，欢迎光临！", "欢迎光临"]

[[phrase]]
topic = "order"
en = ["I want to order {qty}.", "I'd like to order {qty}"]
zh = ["我要订{qty}。", "我想订{qty}"]

[[phrase]]
topic = "price"
en = ["This one is {price}.", "It's {price}"]
zh = ["这个{price}。", "这个是{price}"]

[[phrase]]
topic = "delivery"
en = ["We can deliver in {duration}."]
zh = ["{duration}可以交货。"]

[[phrase]]
topic = "payment"
en = ["Pay a {percent} deposit first."]
zh = ["先付{percent}定金。"]

[[phrase]]
topic = "product"
en = ["Do you have it in {color}?"]
zh = ["有{color}的吗？"]

[[phrase]]
topic = "answer"
en = ["Yes, that's possible."]
zh = ["可以。"]

[[phrase]]
topic = "answer"
en = ["No, that's not possible."]
zh = ["不可以。"]
"""


@pytest.fixture(scope="module")
def mini(tmp_path_factory) -> Phrasebook:
    path = tmp_path_factory.mktemp("book") / "phrases.toml"
    path.write_text(MINI_BOOK, encoding="utf-8")
    return Phrasebook.load(path)


@pytest.mark.parametrize(
    ("heard", "source", "target", "expected"),
    [
        ("I want to order 500 pieces.", "en", "zh", "我要订500件。"),
        ("我要订500件", "zh", "en", "I want to order 500 pieces."),
        ("我要订五百件。", "zh", "en", "I want to order 500 pieces."),
        ("我想訂一千二百箱", "zh", "en", "I want to order 1,200 cartons."),
        ("I'd like to order five hundred pieces", "en", "zh", "我要订500件。"),
        ("I want to order a dozen", "en", "zh", "我要订1打。"),
        ("这个十五块", "zh", "en", "This one is 15 yuan."),
        ("这个三块五", "zh", "en", "This one is 3.50 yuan."),
        ("It's $3.50", "en", "zh", "这个3.50美元。"),
        ("二十天可以交货", "zh", "en", "We can deliver in 20 days."),
        ("We can deliver in two weeks.", "en", "zh", "2周可以交货。"),
        ("先付百分之三十定金", "zh", "en", "Pay a 30% deposit first."),
        ("有红色的吗", "zh", "en", "Do you have it in red?"),
        ("Do you have it in navy blue?", "en", "zh", "有藏青色的吗？"),
        ("Welcome! I want to order 20 sets.", "en", "zh", "你好，欢迎光临！我要订20套。"),
        ("HELLO,   welcome", "en", "zh", "你好，欢迎光临！"),
    ],
)
def test_phrases_match_with_their_numbers_kept(mini, heard, source, target, expected) -> None:
    match = mini.lookup(heard, source, target)
    assert match is not None
    assert match.text == expected


def test_amounts_are_reported_in_the_listener_language(mini) -> None:
    match = mini.lookup("我要订一千二百箱", "zh", "en")
    assert match is not None and match.amounts == ("1,200 cartons",)


def test_five_hundred_never_becomes_five_thousand(mini) -> None:
    assert mini.lookup("我要订五百件", "zh", "en").text == "I want to order 500 pieces."
    assert mini.lookup("我要订五千件", "zh", "en").text == "I want to order 5,000 pieces."


def test_fillers_around_a_phrase_still_match(mini) -> None:
    match = mini.lookup("嗯，二十天可以交货啊", "zh", "en")
    assert match is not None and match.text == "We can deliver in 20 days."
    assert match.score < 1.0
    assert mini.lookup("Um, we can deliver in 20 days please", "en", "zh").text == "20天可以交货。"


@pytest.mark.parametrize(
    ("heard", "source"),
    [
        ("我要退五百件", "zh"),  # return, not order
        ("我要卖五百件", "zh"),  # sell
        ("你要订五百件", "zh"),  # you, not I
        ("I want to return 500 pieces", "en"),
        ("I want to order 500 pieces by Friday", "en"),
        ("20天可已交货", "zh"),  # a slip, but a changed character all the same
    ],
)
def test_a_changed_content_word_is_never_matched_to_a_phrase(mini, heard, source) -> None:
    target = "en" if source == "zh" else "zh"
    assert mini.lookup(heard, source, target) is None


def test_a_negation_is_never_matched_away(mini) -> None:
    assert mini.lookup("不可以", "zh", "en").text == "No, that's not possible."
    assert mini.lookup("可以", "zh", "en").text == "Yes, that's possible."


def test_a_sentence_of_known_clauses_is_matched_clause_by_clause(mini) -> None:
    match = mini.lookup("Welcome, I want to order 1,200 pieces", "en", "zh")
    assert match is not None
    assert match.text == "你好，欢迎光临！我要订1200件。"
    assert mini.lookup("欢迎光临，今天天气很好", "zh", "en") is None


def test_unknown_sentences_and_partial_matches_are_left_to_the_next_rung(mini) -> None:
    assert mini.lookup("The weather is nice today.", "en", "zh") is None
    assert mini.lookup("Welcome! The weather is nice today.", "en", "zh") is None
    assert mini.lookup("Welcome", "en", "ru") is None


def test_a_phrase_with_unequal_slots_is_rejected(tmp_path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[[phrase]]\ntopic="x"\nen=["I want {qty}"]\nzh=["我要"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="slots"):
        Phrasebook.load(path)


# ---- the book that ships ---------------------------------------------------------

SAMPLES = {
    "qty": "500 pieces",
    "price": "12 yuan",
    "duration": "20 days",
    "percent": "30%",
    "num": "8",
    "color": "red",
    "material": "cotton",
    "size": "large",
}
EXPECTED_ZH = {
    "qty": "500件",
    "price": "12元",
    "duration": "20天",
    "percent": "30%",
    "num": "8",
    "color": "红色",
    "material": "纯棉",
    "size": "大号",
}
SLOT = re.compile(r"\{(\w+?)(?:_\d+)?\}")


@pytest.fixture(scope="module")
def book() -> Phrasebook:
    return Phrasebook.load()


def shipped_phrases() -> list[dict]:
    import tomllib

    path = Path(__file__).resolve().parents[2] / "interpreter/translate/data/phrases.toml"
    with path.open("rb") as handle:
        return tomllib.load(handle)["phrase"]


def test_the_book_has_at_least_150_phrase_pairs_in_chinese_and_english(book) -> None:
    phrases = shipped_phrases()
    assert len(phrases) >= 150
    assert all(phrase.get("en") and phrase.get("zh") for phrase in phrases)
    topics = {phrase["topic"] for phrase in phrases}
    for topic in (
        "greeting",
        "price",
        "bargaining",
        "moq",
        "samples",
        "packing",
        "delivery",
        "shipping",
        "payment",
        "contact",
    ):
        assert topic in topics


@pytest.mark.parametrize("direction", [("en", "zh"), ("zh", "en")])
def test_every_phrase_translates_back_with_its_slot_values(book, direction) -> None:
    source, target = direction
    failures = []
    for phrase in shipped_phrases():
        for variant in phrase[source]:
            filled = SLOT.sub(
                lambda m: SAMPLES[m.group(1)] if source == "en" else EXPECTED_ZH[m.group(1)],
                variant,
            )
            match = book.lookup(filled, source, target)
            if match is None:
                failures.append(f"{filled!r}: no match")
                continue
            wanted = [
                EXPECTED_ZH[k] if target == "zh" else SAMPLES[k] for k in SLOT.findall(variant)
            ]
            missing = [value for value in wanted if value not in match.text]
            if missing:
                failures.append(f"{filled!r} -> {match.text!r} lost {missing}")
    assert not failures, "\n".join(failures[:20])


def test_no_variant_belongs_to_two_phrases(book) -> None:
    from interpreter.translate.phrasebook import Normaliser

    normalise = Normaliser()
    for language in ("en", "zh"):
        owner: dict[str, int] = {}
        clashes = []
        for index, phrase in enumerate(shipped_phrases()):
            for variant in phrase[language]:
                key = normalise(variant, language)
                if owner.setdefault(key, index) != index:
                    clashes.append(variant)
        assert not clashes, clashes


def test_a_month_name_is_not_a_number_of_months(book) -> None:
    assert book.lookup("三个月可以交货", "zh", "en") is not None
    for dated in ("五月交货", "十八日交货"):
        match = book.lookup(dated, "zh", "en")
        assert match is None or ("month" not in match.text and "days" not in match.text), dated


def test_the_word_am_is_not_a_quantity(book) -> None:
    assert book.lookup("am", "en", "zh") is None
    match = book.lookup("I want to order a dozen.", "en", "zh")
    assert match is not None and "1打" in match.text


def test_stainless_steel_is_not_a_negation(book) -> None:
    match = book.lookup("这个是不锈钢做的呀", "zh", "en")
    assert match is not None and "stainless steel" in match.text


def test_a_greeting_joined_by_a_comma_is_kept(book) -> None:
    assert book.lookup("你好，这个多少钱？", "zh", "en").text == "Hello! How much is this?"
    assert book.lookup("Hello, how much is this?", "en", "zh").text == "你好！这个多少钱？"


def test_the_index_leaves_out_only_variants_that_cannot_match(book) -> None:
    """The index finds the few variants worth trying; every variant it leaves out
    lacks a word of the sentence (or, without slots, is another sentence)."""
    from interpreter.translate.phrasebook import Normaliser

    normalise = Normaliser()
    sentences: dict[str, list[str]] = {"zh": [], "en": []}
    for phrase in shipped_phrases():
        for source in ("zh", "en"):
            values = SAMPLES if source == "en" else EXPECTED_ZH
            for variant in phrase[source]:
                filled = SLOT.sub(lambda m: values[m.group(1)], variant)  # noqa: B023
                sentences[source].append(normalise(filled, source))
    sentences["zh"] += [normalise(text, "zh") for text in ("我要订，嗯，五百件", "能便宜一点吗")]
    sentences["en"] += [normalise(text, "en") for text in ("Can you, um, deliver by Friday?",)]
    for source, heard in sentences.items():
        templates = book._templates[source]
        index = book._index[source]
        for normalised in heard[::7]:
            found = set(index.candidates(normalised))
            for template in templates:
                if template in found or not all(w in normalised for w in template.literals):
                    continue
                assert not template.slots, (normalised, template.regex)
                assert template.literals[0] != normalised


def test_the_index_gives_the_variants_in_the_order_of_trial(book) -> None:
    """Longer variants are tried first, as without the index."""
    from interpreter.translate.phrasebook import Normaliser

    normalised = Normaliser()("我要订五百件，红色的", "zh")
    ranks = [template.rank for template in book._index["zh"].candidates(normalised)]
    assert len(ranks) > 1 and ranks == sorted(ranks)
