"""The soak's reader at the counter: the kiosk page in a real browser, read as it is shown.

Debian's chromium, driven by Playwright (as tests/kiosk/test_browser.py drives it),
keeps the page open for the whole soak; the page reconnects by itself when the
service restarts. Every `look()` reads what the buyer's half shows: the session it
belongs to (the page's `data-session`), and each turn on it, by its key, with its big
and small text and whether it is marked not saved. Every turn ever shown is kept, by
session and key, as last seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
KIOSK_VIEWPORT = {"width": 1024, "height": 600}

_READ = """() => ({
  session: document.body.dataset.session || "",
  connected: document.body.dataset.connected === "1",
  turns: [...document.querySelectorAll('#half-buyer article.turn')].map((node) => ({
    key: node.dataset.key,
    number: Number(node.dataset.turn),
    big: (node.querySelector('p.big') || {}).textContent || "",
    small: (node.querySelector('p.small') || {}).textContent || "",
    unsaved: node.classList.contains('unsaved'),
  })),
})"""


@dataclass(frozen=True)
class ShownTurn:
    session: str
    key: str  # "turn-N" for a logged turn, "unsaved-K" for one the log could not write
    number: int
    big: str
    small: str
    unsaved: bool

    def texts(self) -> set[str]:
        return {text for text in (self.big, self.small) if text}


class PageWatcher:
    """A browser on the kiosk page; `look()` as often as the page should be read."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._playwright: Any = None
        self._browser: Any = None
        self._page: Any = None
        self.shown: dict[tuple[str, str], ShownTurn] = {}
        self.looks = 0
        self.failed_looks = 0
        self.disconnected_looks = 0

    def __enter__(self) -> PageWatcher:
        from playwright.sync_api import sync_playwright

        if not CHROMIUM.exists():
            raise RuntimeError("no /usr/bin/chromium: `make system-deps` as root installs it")
        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        self._page = self._browser.new_page(viewport=KIOSK_VIEWPORT)
        self._page.goto(self._url)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()

    def look(self) -> None:
        """Read the page once; what it shows is kept."""
        self.looks += 1
        try:
            seen = self._page.evaluate(_READ)
        except Exception:  # a look during a reload or a busy moment; the next one counts
            self.failed_looks += 1
            return
        if not seen["connected"]:
            self.disconnected_looks += 1
        session = seen["session"]
        for turn in seen["turns"]:
            shown = ShownTurn(session, turn["key"], turn["number"], turn["big"],
                              turn["small"], turn["unsaved"])  # fmt: skip
            self.shown[(session, shown.key)] = shown
