"""The same words written another way still find their phrase.

A contraction is the words it stands for ("what's" is "what is"), British and
American spelling are one word ("colour", "color"), 您 is the polite 你, a request
that opens with 麻烦 ("may I trouble you to") asks the same as without it, and a
Chinese question asked as "A-not-A" (能不能, 是不是, 有没有) is the same question
asked with 吗. None of these forgives a changed word: "can" is never "can't", 不能
("cannot") is never 能, and 麻烦 inside a sentence (这个很麻烦, "this is
troublesome") is a word like any other.
"""

from __future__ import annotations

import pytest

from interpreter.translate.phrasebook import Phrasebook

BOOK = """
[[phrase]]
topic = "price"
en = ["What is the price?"]
zh = ["这个多少钱？"]

[[phrase]]
topic = "bargaining"
en = ["I cannot go any lower."]
zh = ["不能再便宜了。"]

[[phrase]]
topic = "bargaining"
en = ["I can go a little lower."]
zh = ["还可以再便宜一点。"]

[[phrase]]
topic = "product"
en = ["Which colors are available?"]
zh = ["有哪些颜色？"]

[[phrase]]
topic = "greeting"
en = ["Hello!"]
zh = ["你好！"]

[[phrase]]
topic = "payment"
en = ["Please send me the PI."]
zh = ["开个PI给我。"]

[[phrase]]
topic = "quality"
en = ["This is very good."]
zh = ["这个很好。"]

[[phrase]]
topic = "samples"
en = ["Can you send me a sample?"]
zh = ["能给我寄个样品吗？"]

[[phrase]]
topic = "product"
en = ["Is this real leather?"]
zh = ["这是真皮吗？"]

[[phrase]]
topic = "stock"
en = ["Do you have it in stock?"]
zh = ["有现货吗？"]

[[phrase]]
topic = "delivery"
en = ["Can you deliver in {duration}?"]
zh = ["{duration}能交货吗？"]

[[phrase]]
topic = "delivery"
en = ["We cannot deliver in {duration}."]
zh = ["{duration}不能交货。"]

[[phrase]]
topic = "price"
en = ["Does the price include tax?"]
zh = ["这个价格含不含税？"]

[[phrase]]
topic = "order"
en = ["I want to order {qty}."]
zh = ["我要订{qty}。"]

[[phrase]]
topic = "product"
en = ["Do you have a smaller one?"]
zh = ["有小一点的吗？"]

[[phrase]]
topic = "product"
en = ["Can I take a photo?"]
zh = ["可以拍照吗？"]
"""


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Phrasebook:
    path = tmp_path_factory.mktemp("book") / "phrases.toml"
    path.write_text(BOOK, encoding="utf-8")
    return Phrasebook.load(path)


@pytest.mark.parametrize(
    ("heard", "source", "meant"),
    [
        ("What's the price?", "en", "这个多少钱？"),
        ("What’s the price?", "en", "这个多少钱？"),  # a curly apostrophe
        ("I can't go any lower.", "en", "不能再便宜了。"),
        ("Which colours are available?", "en", "有哪些颜色？"),
        ("Could you send me a sample?", "en", "能给我寄个样品吗？"),
        ("您好！", "zh", "Hello!"),
        ("麻烦开个PI给我。", "zh", "Please send me the PI."),
        ("麻烦你开个PI给我", "zh", "Please send me the PI."),
        ("这是不是真皮？", "zh", "Is this real leather?"),
        ("有没有现货", "zh", "Do you have it in stock?"),
        ("二十天能不能交货？", "zh", "Can you deliver in 20 days?"),
        ("能给我寄个样品吗", "zh", "Can you send me a sample?"),
        ("能不能给我寄个样品", "zh", "Can you send me a sample?"),
        ("这个价格含税吗", "zh", "Does the price include tax?"),
        ("I'd like to order 500 pieces.", "en", "我要订500件。"),
        ("We would like to order 500 pieces.", "en", None),  # "we", not "I"
        ("Have you got a smaller one?", "en", "有小一点的吗？"),
        ("May I take a photo?", "en", "可以拍照吗？"),
    ],
)
def test_the_same_words_written_another_way_find_their_phrase(book, heard, source, meant) -> None:
    target = "zh" if source == "en" else "en"
    match = book.lookup(heard, source, target)
    assert (match.text if match else None) == meant, heard


@pytest.mark.parametrize(
    ("heard", "source", "meant"),
    [
        ("I can go any lower.", "en", None),  # the "not" of "can't" is never dropped
        ("I can't go a little lower.", "en", None),
        ("这个很麻烦", "zh", None),  # troublesome, not "please"
        ("太麻烦了", "zh", None),
        ("二十天不能交货吗", "zh", None),  # "can't you?", not "can you?"
        ("二十天能交货", "zh", None),  # a statement, not a question
        ("这不是真皮", "zh", None),
    ],
)
def test_a_changed_word_is_still_a_different_sentence(book, heard, source, meant) -> None:
    target = "zh" if source == "en" else "en"
    match = book.lookup(heard, source, target)
    assert (match.text if match else None) == meant
