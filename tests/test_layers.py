"""The package's folders import one way only: a module may use its own folder and the
folders on lower layers (ARCHITECTURE.md draws them), never one beside or above it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "interpreter"

LAYERS = {
    "core": 0,
    "amounts": 1,
    "audio": 1,
    "store": 1,
    "asr": 2,
    "translate": 2,
    "tts": 2,
    "turn": 3,
    "live": 4,
    "deals": 4,
    "kiosk": 5,
    "doctor": 5,
    "commands": 6,
}


def imported_folders(path: Path) -> set[str]:
    """The interpreter folders a module imports, TYPE_CHECKING and lazy imports included."""
    folders = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "interpreter" and len(parts) > 1 and parts[1] in LAYERS:
                folders.add(parts[1])
    return folders


def arrows_against_the_layers() -> list[str]:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        folder = path.relative_to(PACKAGE).parts[0]
        if folder not in LAYERS:
            continue
        for used in imported_folders(path):
            if used != folder and LAYERS[used] >= LAYERS[folder]:
                wrong.append(f"{path.relative_to(PACKAGE)} imports {used}/")
    return wrong


def test_every_folder_is_on_a_layer_and_the_root_holds_only_the_entry_points() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == set(LAYERS)
    modules = {p.name for p in PACKAGE.glob("*.py")}
    assert modules == {"__init__.py", "__main__.py"}


def test_no_import_runs_sideways_or_upward() -> None:
    assert arrows_against_the_layers() == []


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "vad.py"
    module.write_text("from interpreter.live.session import LiveSession\n")
    assert imported_folders(module) == {"live"}
