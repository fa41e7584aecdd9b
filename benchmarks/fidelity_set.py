"""The fidelity set: trade sentences full of numbers, each with the amounts it holds.

Two files, one per split, so that regenerating one can never touch the other:

- `fidelity_set.toml`, split **dev**: sentences made from counter templates and number
  forms people use (五百, 一千二, 两万, 三块五, "five hundred", "$3.50", "1,200 units"),
  with the exact amounts written down from the values the template was filled with,
  not read back by the parser under test. The number checks were tuned on these, so
  they are for tuning only. `python -m benchmarks.fidelity_set` writes them
  (committed, so the set is read and reviewed as text); the seed makes the same set
  every time.
- `fidelity_test.toml`, split **test**: free speech a stall hears, written by hand
  apart from the phrasebook and the dev sentences, never tuned on, with amounts
  written by hand. The generator never writes it; it gives the figures README quotes.

An item's `split` defaults to dev; every item of the test file says `split = "test"`.
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

FIDELITY_SET = Path(__file__).with_name("fidelity_set.toml")
FIDELITY_TEST = Path(__file__).with_name("fidelity_test.toml")
PER_LANGUAGE = 110
SEED = 2026

# (as said, kind, value, unit): the unit is the terms.toml id (piece, yuan, day); for a
# date it is the month.
ZH_VALUES = {
    "qty": [
        ("五百件", "500", "piece"), ("一千二百个", "1200", "piece"), ("两万件", "20000", "piece"),
        ("三百五十双", "350", "pair"), ("1200件", "1200", "piece"), ("八十箱", "80", "carton"),
        ("两千五百套", "2500", "set"), ("十二打", "12", "dozen"), ("五十米", "50", "meter"),
        ("一百二十公斤", "120", "kilogram"), ("三千个", "3000", "piece"), ("600件", "600", "piece"),
        ("四十五箱", "45", "carton"), ("一万件", "10000", "piece"), ("两百双", "200", "pair"),
    ],
    "price": [
        ("三块五", "3.5", "yuan"), ("十二块", "12", "yuan"), ("8.5元", "8.5", "yuan"),
        ("二十美元", "20", "usd"), ("一百五十元", "150", "yuan"), ("两块", "2", "yuan"),
        ("十五欧元", "15", "eur"), ("六块八", "6.8", "yuan"), ("35元", "35", "yuan"),
        ("九十九块", "99", "yuan"),
    ],
    "duration": [
        ("十八天", "18", "day"), ("两周", "2", "week"), ("一个月", "1", "month"),
        ("二十五天", "25", "day"), ("三个星期", "3", "week"), ("45天", "45", "day"),
        ("七天", "7", "day"),
    ],
    "percent": [("百分之三十", "30", ""), ("百分之五十", "50", ""), ("百分之二十", "20", "")],
    "discount": [("九折", "10", ""), ("八五折", "15", ""), ("九五折", "5", "")],
    "date": [("3月15号", "15", "3"), ("十月一号", "1", "10"), ("6月20日", "20", "6")],
}  # fmt: skip

EN_VALUES = {
    "qty": [
        ("500 pieces", "500", "piece"), ("five hundred pieces", "500", "piece"),
        ("1,200 units", "1200", "piece"), ("twenty cartons", "20", "carton"),
        ("2,000 pairs", "2000", "pair"), ("three hundred sets", "300", "set"),
        ("50 meters", "50", "meter"), ("120 kilograms", "120", "kilogram"),
        ("eight hundred pieces", "800", "piece"), ("10,000 pieces", "10000", "piece"),
        ("forty boxes", "40", "carton"), ("two thousand five hundred units", "2500", "piece"),
    ],
    "price": [
        ("$3.50", "3.5", "usd"), ("12 dollars", "12", "usd"), ("8.50 yuan", "8.5", "yuan"),
        ("twenty euros", "20", "eur"), ("$150", "150", "usd"), ("15 yuan", "15", "yuan"),
        ("ninety-nine dollars", "99", "usd"), ("$6.80", "6.8", "usd"),
    ],
    "duration": [
        ("18 days", "18", "day"), ("two weeks", "2", "week"), ("one month", "1", "month"),
        ("25 days", "25", "day"), ("three weeks", "3", "week"), ("45 days", "45", "day"),
    ],
    "percent": [("30%", "30", ""), ("fifty percent", "50", ""), ("20 percent", "20", "")],
    "discount": [("10% off", "10", ""), ("15% off", "15", ""), ("5% off", "5", "")],
    "date": [("March 15th", "15", "3"), ("the 1st of October", "1", "10"), ("June 20", "20", "6")],
}  # fmt: skip

ZH_TEMPLATES = (
    "我要订{qty}。",
    "{price}一个，最少{qty}。",
    "这款{price}，{duration}可以交货。",
    "定金{percent}，余款发货前付清。",
    "如果你要{qty}，可以打{discount}。",
    "我们{date}发货。",
    "运费大概{price}。",
    "样品{duration}能做好。",
    "上次你买了{qty}，这次要多少？",
    "{qty}的话，单价{price}。",
    "大货要{duration}，定金{percent}。",
)
EN_TEMPLATES = (
    "I want to order {qty}.",
    "The price is {price} each for {qty}.",
    "Can you deliver in {duration}?",
    "We pay a {percent} deposit.",
    "If I order {qty}, can you give me {discount}?",
    "Please ship it by {date}.",
    "Shipping costs about {price}.",
    "Last time we bought {qty} from you.",
    "For {qty} I can pay {price} each.",
    "We need the samples in {duration}.",
    "I will pay {percent} now and the rest in {duration}.",
)


class Split(str, Enum):
    """Held-out discipline: settings are chosen on dev; README quotes test."""

    DEV = "dev"
    TEST = "test"


@dataclass(frozen=True)
class FidelityItem:
    language: str
    text: str
    # "kind value unit", in the order said; what the sentence means, exactly. For a
    # date the value is the day and the unit the month; a discount is the share off.
    amounts: tuple[str, ...]
    split: Split = Split.DEV


def generate(seed: int = SEED, per_language: int = PER_LANGUAGE) -> list[FidelityItem]:
    rng = random.Random(seed)
    items: list[FidelityItem] = []
    for language, templates, values in (
        ("zh", ZH_TEMPLATES, ZH_VALUES),
        ("en", EN_TEMPLATES, EN_VALUES),
    ):
        seen: set[str] = set()
        attempts = 0
        while sum(i.language == language for i in items) < per_language and attempts < 10_000:
            attempts += 1
            template = templates[attempts % len(templates)]
            filled: dict[str, tuple[str, str, str]] = {}
            order: list[tuple[int, str]] = []
            for kind in values:
                slot = "{" + kind + "}"
                if slot in template:
                    filled[kind] = rng.choice(values[kind])
                    order.append((template.index(slot), kind))
            text = template.format(**{kind: value[0] for kind, value in filled.items()})
            if text in seen:
                continue
            seen.add(text)
            amounts = tuple(
                f"{kind} {filled[kind][1]} {filled[kind][2]}".strip() for _, kind in sorted(order)
            )
            items.append(FidelityItem(language, text, amounts))
    return items


def load_items(path: Path) -> list[FidelityItem]:
    """The items of one file; an item's split defaults to dev."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    splits = {split.value for split in Split}
    unknown = {str(u.get("split", Split.DEV.value)) for u in data["utterance"]} - splits
    if unknown:
        raise ValueError(f"{path}: unknown split {sorted(unknown)}; use one of {sorted(splits)}")
    return [
        FidelityItem(
            str(u["language"]),
            str(u["text"]),
            tuple(str(a) for a in u["amounts"]),
            Split(str(u.get("split", Split.DEV.value))),
        )
        for u in data["utterance"]
    ]


def load_set(paths: tuple[Path, ...] = (FIDELITY_SET, FIDELITY_TEST)) -> list[FidelityItem]:
    """Every item of both splits: the generated dev items, then the hand-written test ones."""
    return [item for path in paths for item in load_items(path)]


def dump_set(items: list[FidelityItem]) -> str:
    lines = [
        "# The fidelity set's dev split: written by `python -m benchmarks.fidelity_set`",
        "# (see its docstring); the held-out test items are in fidelity_test.toml. Each",
        "# amount is 'kind value unit' in the order said; for a date the unit is the month.",
    ]
    for item in items:
        amounts = ", ".join(json.dumps(a) for a in item.amounts)
        lines += [
            "",
            "[[utterance]]",
            f'language = "{item.language}"',
            f"text = {json.dumps(item.text, ensure_ascii=False)}",
            f"amounts = [{amounts}]",
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    FIDELITY_SET.write_text(dump_set(generate()), encoding="utf-8")
    print(f"wrote {FIDELITY_SET}")
