"""The soak's reader at the counter: the kiosk page in a real browser, read as it is shown.

Debian's chromium, driven by Playwright (as tests/kiosk/test_browser.py drives it),
keeps the page open for the whole soak; the page reconnects by itself when the
service restarts. Every `look()` reads the turns the buyer's half has added since the
last look: the session each belongs to (the page's `data-session` when it was added),
its key, its big and small text and whether it is marked not saved. Every turn ever
shown is kept, by session and key, as last seen.
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

# Installed before the page's own script: every turn the buyer's half adds is noted, with
# the session shown when it was added. A look reads those noted, and lets go of those
# the previous look read (a look whose answer was lost reads them again; a reloaded
# document, another `timeOrigin`, starts its own list).
# Reading only what is new keeps the watcher's cost flat however long the conversation
# (reading the whole half each second made it grow, and was part of what the hour saw).
_WATCH = """(() => {
  window.__soakAdded = [];
  new MutationObserver((changes) => {
    const session = document.body ? document.body.dataset.session || "" : "";
    for (const change of changes) {
      for (const node of change.addedNodes) {
        if (node.nodeType === 1 && node.matches('#half-buyer article.turn')) {
          window.__soakAdded.push({ node, session });
        }
      }
    }
  }).observe(document, { childList: true, subtree: true });
})()"""

_READ = """([origin, taken]) => {
  if (origin === performance.timeOrigin) window.__soakAdded.splice(0, taken);
  return {
    origin: performance.timeOrigin,
    connected: document.body.dataset.connected === "1",
    turns: window.__soakAdded.map(({ node, session }) => ({
      session,
      key: node.dataset.key,
      number: Number(node.dataset.turn),
      big: (node.querySelector('p.big') || {}).textContent || "",
      small: (node.querySelector('p.small') || {}).textContent || "",
      unsaved: node.classList.contains('unsaved'),
    })),
  };
}"""


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
        self.turns_read = 0  # turns read, counting a turn as often as a look gave it
        self._read: tuple[float, int] = (0.0, 0)  # the document, and how many it last gave

    def __enter__(self) -> PageWatcher:
        from playwright.sync_api import sync_playwright

        if not CHROMIUM.exists():
            raise RuntimeError("no /usr/bin/chromium: `make system-deps` as root installs it")
        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        self._page = self._browser.new_page(viewport=KIOSK_VIEWPORT)
        self._page.add_init_script(_WATCH)
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
            seen = self._page.evaluate(_READ, list(self._read))
        except Exception:  # a look during a reload or a busy moment; the next one counts
            self.failed_looks += 1
            return
        self._read = (seen["origin"], len(seen["turns"]))
        self.turns_read += len(seen["turns"])
        if not seen["connected"]:
            self.disconnected_looks += 1
        for turn in seen["turns"]:
            shown = ShownTurn(turn["session"], turn["key"], turn["number"], turn["big"],
                              turn["small"], turn["unsaved"])  # fmt: skip
            self.shown[(shown.session, shown.key)] = shown
