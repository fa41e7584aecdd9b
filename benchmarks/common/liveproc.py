"""`interpreter live` as a child process with `--trace`: started, its output followed
line by line, its trace lines and console lines read out of it."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Mapping
from typing import IO


def start_live(env: Mapping[str, str], *options: str) -> subprocess.Popen[str]:
    """`interpreter live --pair zh-en [options] --trace`, its stdout and stderr piped."""
    command = [
        sys.executable, "-m", "interpreter", "live", "--pair", "zh-en", *options, "--trace",
    ]  # fmt: skip
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        text=True, env=dict(env),
    )  # fmt: skip


def follow(stream: IO[str] | None, lines: list[str]) -> threading.Thread:
    """A started daemon thread that adds each line of `stream` (a pipe) to `lines`."""
    if stream is None:
        raise ValueError("the stream to follow was not piped")
    reader = threading.Thread(target=lambda: lines.extend(stream), daemon=True)
    reader.start()
    return reader


def traces_in(lines: list[str]) -> list[dict]:
    """The `--trace` lines among the output: one JSON object a line."""
    return [json.loads(line) for line in lines if line.startswith("{")]


def console_lines(lines: list[str]) -> list[str]:
    """What was heard and said: the transcript and translation lines of the console."""
    return [line.rstrip() for line in lines if line.startswith(("[", "    ->"))]
