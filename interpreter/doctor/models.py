"""The installed models, each rehashed against its manifest and the catalog (the
store's own `verify`, as `interpreter models verify` runs it), and the recogniser a
session for the stall's pair would load.

A damaged model is a failure, since a session that loads it stops; no recogniser
for the pair is one too. The fixes name the commands that install models offline.
"""

from __future__ import annotations

from dataclasses import replace

from interpreter.core.errors import InterpreterError
from interpreter.doctor.report import Check, fail, from_error, ok
from interpreter.store import ModelStore
from interpreter.turn.stages import choose_asr

IMPORT_FIX = "or `interpreter models import DIR` from a USB stick"


def check_models(store: ModelStore, pair: tuple[str, str], asr_model: str | None) -> list[Check]:
    installed = list(store.installed())
    checks: list[Check] = []
    if not installed:
        # One line, not a second for the recogniser: the folder is the likelier mistake.
        return [
            fail(
                "models",
                f"no models are installed in {store.root}",
                f"run `interpreter models fetch whisper-base`, {IMPORT_FIX}, or point "
                "--models-dir at the folder that has them",
                models_dir=str(store.root),
            )
        ]
    for entry in installed:
        result = store.verify(entry.name)
        facts = {
            "model": entry.name,
            "kind": entry.kind,
            "files": result.files,
            "size_mb": round(result.size_bytes / 1e6, 1),
        }
        if result.ok:
            checks.append(
                ok(
                    "model",
                    f"{entry.name} ({entry.kind}): {result.files} files, "
                    f"{result.size_bytes / 1e6:.1f} MB, hashes match",
                    **facts,
                )
            )
        else:
            checks.append(
                fail(
                    "model",
                    f"{entry.name} ({entry.kind}): {', '.join(result.problems)}",
                    f"run `interpreter models fetch {entry.name} --force`, {IMPORT_FIX}",
                    **facts,
                )
            )
    try:
        chosen = choose_asr(store, pair, asr_model)
    except InterpreterError as error:
        check = from_error("recognition", error, languages=list(pair))
        return [*checks, replace(check, fix=f"{check.fix}, {IMPORT_FIX}")]
    why = "the stall config's asr_model" if asr_model else "the most accurate installed"
    checks.append(
        ok(
            "recognition",
            f"{chosen.name} for {'-'.join(pair)} ({why})",
            model=chosen.name,
            languages=list(pair),
        )
    )
    return checks
