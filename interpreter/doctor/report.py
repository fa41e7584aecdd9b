"""One line per check: what was found, and for a warning or a failure the fix.

A check is a `Check` (its status, one line of what was found, one line of the fix, and
its numbers for `--json` with their units in their names). The report is the list of
them, read by a person (`lines`) or a program (`as_dict`); a single failure makes the
stall unusable and the doctor exit 1, warnings do not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from interpreter.core.text import counted, printable
from interpreter.core.vocabulary import CheckStatus

# The status as the report prints it: a failure stands out in a column of "ok".
_SHOWN = {CheckStatus.OK: "ok", CheckStatus.WARN: "warn", CheckStatus.FAIL: "FAIL"}
_NAME_WIDTH = 12

Facts = Mapping[str, object]


@dataclass(frozen=True)
class Check:
    # What was checked, a few words: "sound in", "model", "speed".
    name: str
    status: CheckStatus
    # What was found, one line.
    detail: str
    # For a warning or a failure: what to do about it, one line.
    fix: str = ""
    # Its measurements for --json, each with its unit in its name (`level_dbfs`).
    facts: Facts = field(default_factory=dict, hash=False)

    def line(self) -> str:
        text = f"{self.detail}; {self.fix}" if self.fix else self.detail
        return f"{_SHOWN[self.status]:<6}{self.name:<{_NAME_WIDTH}} {printable(text)}"

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "status": self.status.value,
            "detail": self.detail,
            "fix": self.fix,
            **self.facts,
        }


def ok(name: str, detail: str, **facts: object) -> Check:
    return Check(name, CheckStatus.OK, detail, "", facts)


def warn(name: str, detail: str, fix: str, **facts: object) -> Check:
    return Check(name, CheckStatus.WARN, detail, fix, facts)


def fail(name: str, detail: str, fix: str, **facts: object) -> Check:
    return Check(name, CheckStatus.FAIL, detail, fix, facts)


def from_error(name: str, error: Exception, **facts: object) -> Check:
    """A failure from one of the project's one-line errors ("problem; fix")."""
    problem, _, fix = str(error).partition("; ")
    return fail(name, problem, fix or "see the message", **facts)


@dataclass(frozen=True)
class Report:
    checks: tuple[Check, ...]
    # The recognition model the self-benchmark recommends (None: no benchmark ran).
    recommended_asr_model: str | None = None
    # The stall config the recommendation was written into (None: not written).
    config_written: str | None = None

    @property
    def usable(self) -> bool:
        return not any(check.status is CheckStatus.FAIL for check in self.checks)

    def count(self, status: CheckStatus) -> int:
        return sum(check.status is status for check in self.checks)

    def summary(self) -> str:
        ok_count = self.count(CheckStatus.OK)
        warned = counted(self.count(CheckStatus.WARN), "warning")
        failed = self.count(CheckStatus.FAIL)
        verdict = (
            "usable"
            if self.usable
            else "not usable until the failures above are fixed (exit status 1)"
        )
        return f"doctor: {ok_count} ok, {warned}, {failed} failed: {verdict}"

    def lines(self) -> list[str]:
        return [check.line() for check in self.checks] + [self.summary()]

    def as_dict(self) -> dict[str, object]:
        return {
            "usable": self.usable,
            "checks": [check.as_dict() for check in self.checks],
            "recommended_asr_model": self.recommended_asr_model,
            "config_written": self.config_written,
        }
