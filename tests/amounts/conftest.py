"""The amount finder every amount test reads with: loaded once for the session (it
only caches the patterns it compiles)."""

from __future__ import annotations

import pytest

from interpreter.amounts.finder import AmountFinder


@pytest.fixture(scope="session")
def finder() -> AmountFinder:
    return AmountFinder.load()
