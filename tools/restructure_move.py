"""One-off tool for issue 20's first step: the moves as one mechanical change.

    python tools/restructure_move.py --plan    # the import graph of the proposed layout
    python tools/restructure_move.py --apply   # git mv, __init__ files, every reference
    python tools/restructure_move.py --graph   # the import graph of the tree as it is

`--apply` moves every module of the flat package into its folder with `git mv`, writes
each new folder's `__init__.py` (its purpose in one line), and rewrites every reference
to an old module in the tracked text files: imports (`from interpreter.x import y`,
`import interpreter.x`, `from interpreter import x`), dotted names in strings, comments
and docstrings (`"interpreter.x"`, `interpreter.cli:main` in pyproject.toml) and file
paths (`interpreter/x.py`, `translate/x.py`, a bare `x.py` of a root module). Then
ruff sorts the imports and formats what changed. No logic is edited; the one exception
is a data path (`terms.toml` moves with the amounts, and the phrasebook reads it from
there), listed in EDITS. Delete this file once the restructure is done.
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "interpreter"

# Every file of the package that moves: old path -> new path (repo-relative).
MOVES: dict[str, str] = {
    # core: the shared vocabulary
    "interpreter/types.py": "interpreter/core/types.py",
    "interpreter/clock.py": "interpreter/core/clock.py",
    "interpreter/errors.py": "interpreter/core/errors.py",
    "interpreter/languages.py": "interpreter/core/languages.py",
    "interpreter/text.py": "interpreter/core/text.py",
    "interpreter/chinese.py": "interpreter/core/chinese.py",
    "interpreter/compute.py": "interpreter/core/compute.py",
    # amounts: numbers found, parsed, written again, and guarded
    "interpreter/translate/numbers.py": "interpreter/amounts/numbers.py",
    "interpreter/translate/numwords.py": "interpreter/amounts/numwords.py",
    "interpreter/translate/slots.py": "interpreter/amounts/slots.py",
    "interpreter/translate/amounts.py": "interpreter/amounts/finder.py",
    "interpreter/translate/fidelity.py": "interpreter/amounts/guard.py",
    "interpreter/translate/data/terms.toml": "interpreter/amounts/data/terms.toml",
    # asr: speech to text
    "interpreter/asr.py": "interpreter/asr/transcriber.py",
    "interpreter/vad.py": "interpreter/asr/vad.py",
    "interpreter/early.py": "interpreter/asr/early.py",
    "interpreter/hallucination.py": "interpreter/asr/hallucination.py",
    # translate: text to text (chain.py, nmt.py, phrasebook.py, data/phrases.toml stay)
    "interpreter/glossary.py": "interpreter/translate/glossary.py",
    "interpreter/random_models.py": "interpreter/translate/random_models.py",
    # tts: text to speech
    "interpreter/tts.py": "interpreter/tts/synthesizer.py",
    "interpreter/readaloud.py": "interpreter/tts/readaloud.py",
    # turn: one utterance through every stage
    "interpreter/pipeline.py": "interpreter/turn/pipeline.py",
    "interpreter/stages.py": "interpreter/turn/stages.py",
    "interpreter/budget.py": "interpreter/turn/budget.py",
    "interpreter/trace.py": "interpreter/turn/trace.py",
    "interpreter/report.py": "interpreter/turn/report.py",
    # live: the real-time session
    "interpreter/live.py": "interpreter/live/session.py",
    "interpreter/turns.py": "interpreter/live/parties.py",
    "interpreter/keys.py": "interpreter/live/keys.py",
    "interpreter/config.py": "interpreter/live/config.py",
    # deals: the record of what was agreed
    "interpreter/deallog.py": "interpreter/deals/log.py",
    "interpreter/dealsheet.py": "interpreter/deals/sheet.py",
    # commands: the CLI, one file per subcommand
    "interpreter/cli.py": "interpreter/commands/cli.py",
    "interpreter/filemode.py": "interpreter/commands/translate.py",
    "interpreter/textmode.py": "interpreter/commands/translate_text.py",
    "interpreter/livemode.py": "interpreter/commands/live.py",
    "interpreter/kioskmode.py": "interpreter/commands/kiosk.py",
    "interpreter/demo.py": "interpreter/commands/demo.py",
    "interpreter/demo_lines.py": "interpreter/commands/demo_lines.py",
    "interpreter/logcommands.py": "interpreter/commands/log.py",
    "interpreter/glossarycommands.py": "interpreter/commands/glossary.py",
    "interpreter/store/commands.py": "interpreter/commands/models.py",
}

# Each folder's purpose, in one line: the docstring of its __init__.py. Folders that
# already have one (audio, kiosk, store) keep theirs.
PURPOSES: dict[str, str] = {
    "core": "Shared vocabulary: values between stages, the clock, errors, languages, sentences, "
    "scripts.",
    "amounts": "Numbers at the counter: found, parsed per language, carried in slots, kept exact.",
    "asr": "Speech to text: utterances cut from audio, Whisper, early readings, guards against "
    "invention.",
    "translate": "Text to text: the ladder of phrasebook, glossary and neural models.",
    "tts": "Text to speech: the voices, and amounts written out the way a voice says them.",
    "turn": "One utterance through every stage: stages built from the store, budget, trace, "
    "display.",
    "live": "The real-time session: mic to speaker, parties, push-to-talk, echo gate, keys, "
    "stall config.",
    "deals": "The record of what was agreed: the deal log and the deal sheet.",
    "commands": "The `interpreter` command: the argument parser, one module per subcommand.",
}

# Lowest first. A folder may import itself and any folder of a lower layer; never a
# folder of its own layer (siblings stay apart) or of a higher one.
LAYERS: list[tuple[str, ...]] = [
    ("core",),
    ("amounts", "audio", "store"),
    ("asr", "translate", "tts"),
    ("turn",),
    ("live", "deals"),
    ("kiosk",),
    ("commands",),
]

# Edits no rule derives: (new path, old text, new text). Each must match exactly once.
EDITS: list[tuple[str, str, str]] = [
    # terms.toml moves with the amounts (slots.Terms reads it); the phrasebook, which
    # stays in translate/, reads it from there.
    (
        "interpreter/amounts/finder.py",
        'DATA_DIR = Path(__file__).parent / "data"\n',
        'DATA_DIR = Path(__file__).parent / "data"\nTERMS_PATH = DATA_DIR / "terms.toml"\n',
    ),
    (
        "interpreter/amounts/finder.py",
        'Terms.load(terms_path or DATA_DIR / "terms.toml")',
        "Terms.load(terms_path or TERMS_PATH)",
    ),
    (
        "interpreter/translate/phrasebook.py",
        "from interpreter.amounts.slots import (\n",
        "from interpreter.amounts.finder import TERMS_PATH\n"
        "from interpreter.amounts.slots import (\n",
    ),
    (
        "interpreter/translate/phrasebook.py",
        'Terms.load(terms_path or DATA_DIR / "terms.toml")',
        "Terms.load(terms_path or TERMS_PATH)",
    ),
    # Short module names (no `interpreter.` before them) of modules that were renamed.
    ("benchmarks/session.py", "(livemode.open_session)", "(commands.live.open_session)"),
    ("benchmarks/latency.py", "(asr.window_for)", "(asr.transcriber.window_for)"),
    ("interpreter/deals/log.py", "as deallog.utc_now() does", "as deals.log.utc_now() does"),
    ("interpreter/kiosk/server.py", "`deallog.check_session_id`", "`deals.log.check_session_id`"),
    # A docstring the longer module path pushes past the line length.
    (
        "benchmarks/zhbaker.py",
        '    """Duck-types interpreter.tts.synthesizer.Voice: `speak` yields one float32 array'
        ' per sentence."""\n',
        '    """Duck-types interpreter.tts.synthesizer.Voice: `speak` yields one float32 array'
        ' per\n    sentence."""\n',
    ),
]

# Text files whose references are rewritten: everything tracked but these.
SKIP = ("tools/restructure_move.py", "benchmarks/results/")
TEXT_SUFFIXES = {".py", ".md", ".toml", ".sh", ".service", ".js", ".html", ".css", ".txt"}
TEXT_NAMES = {"Makefile", "run"}


def dotted(path: str) -> str:
    return path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


MODULES = {dotted(old): dotted(new) for old, new in MOVES.items() if old.endswith(".py")}


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout


# --- rewriting --------------------------------------------------------------------

_DOTTED = re.compile(
    r"(?<![\w.])interpreter\.("
    + "|".join(
        re.escape(old.removeprefix("interpreter."))
        for old in sorted(MODULES, key=len, reverse=True)
    )
    + r")(?!\w)"
)


def _path_patterns() -> list[tuple[re.Pattern[str], str]]:
    """`interpreter/translate/amounts.py` or `translate/amounts.py` -> the new path; a
    root module also by its bare name (`live.py`), never after a `/` or a word."""
    patterns = []
    for old, new in sorted(MOVES.items(), key=lambda item: -len(item[0])):
        old_rel = old.removeprefix("interpreter/")
        new_rel = new.removeprefix("interpreter/")
        patterns.append(
            (
                re.compile(r"(?<![\w/.-])(interpreter/)?" + re.escape(old_rel) + r"(?![\w])"),
                new_rel,
            )
        )
    return patterns


_PATHS = _path_patterns()


def rewrite_module_imports(text: str) -> str:
    """`from interpreter import demo` -> `from interpreter.commands import demo`: a moved
    module imported by name from its old package (the dotted rule cannot see these)."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return text
    lines = text.splitlines(keepends=True)
    for node in sorted(
        (n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)),
        key=lambda n: -n.lineno,
    ):
        if node.level or not (node.module or "").startswith(PACKAGE):
            continue
        moved = [a for a in node.names if f"{node.module}.{a.name}" in MODULES]
        if not moved:
            continue
        if node.lineno != node.end_lineno:
            raise SystemExit(f"multi-line import of a moved module at line {node.lineno}")
        line = lines[node.lineno - 1]
        indent = line[: node.col_offset]
        tail = line[node.end_col_offset :]
        statements = []
        kept = [a for a in node.names if a not in moved]
        if kept:
            names = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in kept)
            statements.append(f"from {node.module} import {names}")
        for alias in moved:
            parent, _, name = MODULES[f"{node.module}.{alias.name}"].rpartition(".")
            bound = alias.asname or alias.name
            statements.append(
                f"from {parent} import {name}" + (f" as {bound}" if bound != name else "")
            )
        new = f"\n{indent}".join(statements)
        lines[node.lineno - 1] = indent + new + tail
    return "".join(lines)


def rewrite(text: str, python: bool) -> str:
    if python:
        text = rewrite_module_imports(text)
    text = _DOTTED.sub(lambda m: MODULES["interpreter." + m.group(1)], text)
    for pattern, new_rel in _PATHS:
        text = pattern.sub(lambda m, new_rel=new_rel: (m.group(1) or "") + new_rel, text)
    return text


def text_files() -> list[str]:
    files = []
    for path in git("ls-files").splitlines():
        if path.startswith(SKIP):
            continue
        p = Path(path)
        if p.suffix in TEXT_SUFFIXES or p.name in TEXT_NAMES:
            files.append(path)
    return files


# --- the import graph ---------------------------------------------------------------


def module_files(root: Path) -> dict[str, Path]:
    return {
        dotted(str(p.relative_to(root))): p
        for p in sorted((root / PACKAGE).rglob("*.py"))
        if "__pycache__" not in p.parts
    }


def imports_of(path: Path, known: set[str]) -> list[tuple[str, int, str]]:
    """(target module, line, kind): kind is 'top', 'nested' (inside a function) or
    'typing' (under TYPE_CHECKING, never run)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def visit(node: ast.AST, kind: str) -> None:
        for child in ast.iter_child_nodes(node):
            child_kind = kind
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                child_kind = "typing"
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) and kind == "top":
                child_kind = "nested"
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.startswith(PACKAGE):
                        found.append((alias.name, child.lineno, kind))
            elif isinstance(child, ast.ImportFrom) and (child.module or "").startswith(PACKAGE):
                for alias in child.names:
                    target = f"{child.module}.{alias.name}"
                    found.append((target if target in known else child.module, child.lineno, kind))
            visit(child, child_kind)

    visit(tree, "top")
    return found


PACKAGES = {f"{PACKAGE}.{p.parent.name}" for p in (REPO / PACKAGE).glob("*/__init__.py")}


def folder_of(module: str) -> str:
    """The folder a module lives in; `(root)` for a module at the package root, and
    `interpreter` for the package's own __init__ (which imports nothing)."""
    parts = module.split(".")
    if module == PACKAGE:
        return PACKAGE
    return parts[1] if len(parts) > 2 or module in PACKAGES else "(root)"


def layer_of(folder: str) -> int | None:
    for index, layer in enumerate(LAYERS):
        if folder in layer:
            return index
    return None


def graph(root: Path, rename: dict[str, str]) -> int:
    if rename:  # the planned folders are packages too
        PACKAGES.update(f"{PACKAGE}.{folder}" for folder in PURPOSES)
    files = module_files(root)
    known = set(files)
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    module_edges: dict[str, set[str]] = defaultdict(set)
    for module, path in files.items():
        source = rename.get(module, module)
        for target, line, kind in imports_of(path, known):
            target = rename.get(target, target)
            if kind != "typing":
                module_edges[source].add(target)
            a, b = folder_of(source), folder_of(target)
            where = f"{source}:{line} -> {target} ({kind})"
            if a != b and where not in edges[(a, b)]:
                edges[(a, b)].append(where)
    violations = 0
    print("folder -> folder imports (count):")
    for (a, b), where in sorted(edges.items()):
        la, lb = layer_of(a), layer_of(b)
        ok = a == "(root)" or b == PACKAGE or (la is not None and lb is not None and lb < la)
        print(f"  {'  ' if ok else '!!'} {a} -> {b} ({len(where)})")
        if not ok:
            violations += 1
            for w in where:
                print(f"        {w}")
    # Module cycles among imports that run (top-level and nested).
    cycles = _cycles(module_edges)
    for cycle in cycles:
        print("  cycle:", " -> ".join(cycle))
    leftovers = [m for m in files if folder_of(rename.get(m, m)) == "(root)"]
    print("modules at the package root:", ", ".join(sorted(rename.get(m, m) for m in leftovers)))
    print(f"{violations} upward or sideways folder imports, {len(cycles)} module cycles")
    return violations


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in list(edges):
        if v not in index:
            strong(v)
    return out


# --- the move -------------------------------------------------------------------------


def apply() -> None:
    if git("status", "--porcelain", "--untracked-files=no").strip():
        raise SystemExit("the work tree has changes: commit or stash them first")
    missing = [old for old in MOVES if not (REPO / old).exists()]
    if missing:
        raise SystemExit(f"not there (already moved?): {missing}")
    for old, new in MOVES.items():
        (REPO / new).parent.mkdir(parents=True, exist_ok=True)
        git("mv", old, new)
    for folder, purpose in PURPOSES.items():
        init = REPO / PACKAGE / folder / "__init__.py"
        if init.exists() and init.read_text(encoding="utf-8").strip():
            continue
        init.write_text(f'"""{purpose}"""\n', encoding="utf-8")
        git("add", str(init.relative_to(REPO)))
    changed = []
    for path in text_files():
        file = REPO / path
        before = file.read_text(encoding="utf-8")
        after = rewrite(before, python=path.endswith(".py"))
        if after != before:
            file.write_text(after, encoding="utf-8")
            changed.append(path)
    for path, old, new in EDITS:
        file = REPO / path
        text = file.read_text(encoding="utf-8")
        if text.count(old) != 1:
            raise SystemExit(f"{path}: expected {old!r} once, found {text.count(old)}")
        file.write_text(text.replace(old, new), encoding="utf-8")
        if path not in changed:
            changed.append(path)
    print(f"rewrote {len(changed)} files:")
    for path in changed:
        print("  ", path)
    ruff = Path(sys.executable).with_name("ruff")
    python_files = [p for p in changed if p.endswith(".py")]
    if python_files:
        subprocess.run([ruff, "check", "--fix", "--select", "I", *python_files], cwd=REPO)
        subprocess.run([ruff, "format", *python_files], cwd=REPO)
    git("add", "-A", PACKAGE, "tests", "benchmarks")
    git("add", "-u")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--plan", action="store_true", help="graph of the proposed layout")
    group.add_argument("--graph", action="store_true", help="graph of the tree as it is")
    group.add_argument("--apply", action="store_true", help="do the move")
    args = parser.parse_args()
    if args.plan:
        sys.exit(1 if graph(REPO, MODULES) else 0)
    if args.graph:
        sys.exit(1 if graph(REPO, {}) else 0)
    apply()


if __name__ == "__main__":
    main()
