"""The real program, driven through a subprocess as a user would run it."""

from __future__ import annotations

import ctypes.util
import json
import os
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from interpreter.audio.files import write_wav
from tests.conftest import needs_espeak

pytestmark = pytest.mark.models


def interpreter(*args: str, store: Path, timeout_s: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "INTERPRETER_MODELS_DIR": str(store), "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "interpreter", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout_s,
        check=False,
    )


def assert_one_line_error(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for word in words:
        assert word in lines[0]


def wav_rms(path: Path) -> float:
    with wave.open(str(path)) as handle:
        frames = np.frombuffer(handle.readframes(handle.getnframes()), dtype="<i2")
    return float(np.sqrt(np.mean((frames / 32768.0) ** 2)))


@pytest.fixture(scope="module")
def store(model_store) -> Path:
    return model_store.root


def test_translate_prints_one_json_document_per_recording(
    store, english_recording, tmp_path
) -> None:
    out = tmp_path / "spoken.wav"
    result = interpreter(
        "translate", str(english_recording), "--from", "zh,en", "--to", "zh",
        "--json", "--out", str(out), store=store,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    utterances = document["utterances"]
    assert len(utterances) == 3
    assert [u["language"] for u in utterances] == ["en", "en", "en"]
    starts = [u["start_s"] for u in utterances]
    assert starts == sorted(starts) and all(u["end_s"] > u["start_s"] for u in utterances)
    order = utterances[1]
    assert order["method"] == "phrasebook"
    assert "500" in order["translation"] and "件" in order["translation"]
    for utterance in utterances:
        assert set(utterance["timings_ms"]) == {"asr", "mt", "tts_first_audio", "total"}
        assert utterance["timings_ms"]["asr"] > 0
    assert document["models"]["asr"] == "whisper-base"
    assert wav_rms(out) > 0.01


@needs_espeak
def test_translate_chinese_speech_into_english(store, chinese_recording) -> None:
    result = interpreter(
        "translate", str(chinese_recording), "--from", "zh", "--to", "en", "--json",
        "--no-speech", store=store,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    utterances = json.loads(result.stdout)["utterances"]
    assert len(utterances) == 2
    assert all(u["language"] == "zh" and u["translation"] for u in utterances)
    assert {u["method"] for u in utterances} <= {"phrasebook", "whisper-translate"}
    assert all(u["timings_ms"]["tts_first_audio"] is None for u in utterances)


def test_translate_prints_a_readable_transcript(store, english_recording) -> None:
    result = interpreter(
        "translate", str(english_recording), "--from", "en", "--to", "zh", "--no-speech",
        store=store,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "phrasebook" in result.stdout and "asr" in result.stdout
    assert "500" in result.stdout


def test_translate_text_keeps_the_number(store) -> None:
    result = interpreter(
        "translate-text", "我要订五百件", "--from", "zh", "--to", "en", "--json", store=store
    )
    assert result.returncode == 0, result.stderr
    utterance = json.loads(result.stdout)["utterances"][0]
    assert utterance["method"] == "phrasebook"
    assert "500 pieces" in utterance["translation"]
    assert utterance["numbers"] == ["500 pieces"]
    assert set(utterance["timings_ms"]) == {"mt", "total"}


def test_translate_text_json_never_carries_a_raw_terminal_control(store) -> None:
    said = "\x9b2J\u202e五百件\x7f"
    result = interpreter(
        "translate-text", said, "--from", "zh", "--to", "en", "--json", store=store
    )
    assert result.returncode == 0, result.stderr
    assert not any(char in result.stdout for char in "\x9b\u202e\x7f\x1b")
    assert json.loads(result.stdout)["utterances"][0]["transcript"] == said


def test_translate_text_speaks_into_a_file(store, tmp_path) -> None:
    out = tmp_path / "said.wav"
    result = interpreter(
        "translate-text",
        "我要订五百件",
        "--from",
        "zh",
        "--to",
        "en",
        "--out",
        str(out),
        store=store,
    )
    assert result.returncode == 0, result.stderr
    assert wav_rms(out) > 0.01


needs_portaudio = pytest.mark.skipif(
    ctypes.util.find_library("portaudio") is None,
    reason="libportaudio2 is not installed (make test installs it when run as root)",
)


@needs_portaudio
def test_translate_text_speaks_through_portaudio_into_an_alsa_file(store, tmp_path) -> None:
    """The real speaker path with no sound card: ALSA's `file` PCM records what is played,
    converted by a `plug` to 16-bit mono at the voice's rate so it can be read back."""
    played = tmp_path / "played.raw"
    (tmp_path / ".asoundrc").write_text(
        "pcm.!default { type plug slave { pcm recorder format S16_LE channels 1 rate 22050 } }\n"
        f'pcm.recorder {{ type file slave.pcm "null" file "{played}" format "raw" }}\n'
    )
    result = subprocess.run(
        [sys.executable, "-m", "interpreter", "translate-text", "我要订五百件",
         "--from", "zh", "--to", "en", "--speak"],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "HOME": str(tmp_path), "INTERPRETER_MODELS_DIR": str(store)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "I want to order 500 pieces." in result.stdout
    pcm = np.frombuffer(played.read_bytes(), dtype="<i2") / 32768.0
    assert len(pcm) > 22_050, "at least a second of speech"
    assert 0.01 < float(np.sqrt(np.mean(pcm**2))) < 0.5


@pytest.mark.parametrize(
    ("make", "words"),
    [
        ("missing", ("does not exist",)),
        ("text", ("cannot decode", "wav")),
        ("empty", ("empty",)),
        ("silent", ("no speech",)),
        ("folder", ("is a folder",)),
    ],
)
def test_bad_recordings_get_a_one_line_error(store, tmp_path, make, words) -> None:
    path = tmp_path / f"{make}.wav"
    if make == "text":
        path = tmp_path / "notes.txt"
        path.write_text("not audio")
    elif make == "empty":
        path.write_bytes(b"")
    elif make == "silent":
        write_wav(path, np.zeros(16_000 * 3, dtype=np.float32), 16_000)
    elif make == "folder":
        path.mkdir()
    out = tmp_path / "out.wav"
    result = interpreter(
        "translate", str(path), "--from", "en", "--to", "zh", "--out", str(out), store=store
    )
    assert_one_line_error(result, *words)
    assert not out.exists()
    assert not list(tmp_path.glob(".out.wav.*")), "no half-written output"


def test_an_unknown_language_gets_a_one_line_error(store, english_recording) -> None:
    result = interpreter(
        "translate", str(english_recording), "--from", "xx", "--to", "zh", store=store
    )
    assert_one_line_error(result, "unknown language 'xx'", "zh, en")


def test_a_missing_model_names_the_command_that_fetches_it(tmp_path, english_recording) -> None:
    result = interpreter(
        "translate", str(english_recording), "--from", "zh,en", "--to", "zh", store=tmp_path
    )
    assert_one_line_error(result, "interpreter models fetch whisper-base")


def test_an_output_that_is_a_folder_is_refused_before_any_work(
    store, english_recording, tmp_path
) -> None:
    result = interpreter(
        "translate", str(english_recording), "--from", "en", "--to", "zh", "--out", str(tmp_path),
        store=store,
    )  # fmt: skip
    assert_one_line_error(result, "is a folder")


def test_an_output_folder_that_does_not_exist_is_refused_before_any_work(
    store, english_recording, tmp_path
) -> None:
    out = tmp_path / "nowhere" / "out.wav"
    result = interpreter(
        "translate",
        str(english_recording),
        "--from",
        "en",
        "--to",
        "zh",
        "--out",
        str(out),
        store=store,
    )
    assert_one_line_error(result, "does not exist")


@needs_espeak
def test_demo_runs_the_whole_conversation(store, tmp_path) -> None:
    out_dir = tmp_path / "demo"
    result = interpreter("demo", "--out", str(out_dir), store=store)
    assert result.returncode == 0, result.stderr
    assert "buyer says (en)" in result.stdout and "merchant says (zh)" in result.stdout
    assert "phrasebook" in result.stdout
    assert (out_dir / "conversation.wav").exists()
    spoken = sorted(out_dir.glob("*-interpreted.wav"))
    assert len(spoken) >= 5
    assert all(wav_rms(path) > 0.01 for path in spoken)
    lines = (out_dir / "transcript.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 5
    order = next(json.loads(line) for line in lines if "500" in json.loads(line)["transcript"])
    assert "500件" in order["translation"]


def test_models_verify_reports_every_installed_model(store) -> None:
    result = interpreter("models", "verify", store=store)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and all(line.startswith("ok ") for line in lines)
    assert any("whisper-base" in line and "4 files" in line for line in lines)


def test_models_fetch_verify_export_import_from_the_command_line(tmp_path) -> None:
    stall, usb = tmp_path / "stall", tmp_path / "usb"
    usb.mkdir()
    fetched = interpreter("models", "fetch", "silero-vad-v6", store=tmp_path / "home")
    assert fetched.returncode == 0, fetched.stderr
    assert "installed silero-vad-v6: 1 file" in fetched.stdout
    exported = interpreter("models", "export", "silero-vad-v6", str(usb), store=tmp_path / "home")
    assert exported.returncode == 0, exported.stderr
    imported = interpreter("models", "import", str(usb), store=stall)
    assert imported.returncode == 0, imported.stderr
    assert f"from folder {usb / 'silero-vad-v6'}" in imported.stdout

    (stall / "silero-vad-v6" / "silero_vad_v6.onnx").write_bytes(b"damaged")
    verified = interpreter("models", "verify", store=stall)
    assert verified.returncode == 1
    assert verified.stdout.startswith("FAIL  silero-vad-v6")
    assert "interpreter models fetch silero-vad-v6 --force" in verified.stderr


def test_models_fetch_of_an_unknown_name_is_a_one_line_error(tmp_path) -> None:
    result = interpreter("models", "fetch", "whisper-huge", store=tmp_path)
    assert_one_line_error(result, "no model named 'whisper-huge'", "interpreter models list")


def test_models_list_shows_what_is_installed_and_what_installs_offline(store) -> None:
    result = interpreter("models", "list", store=store)
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line for line in result.stdout.splitlines()[2:]}
    assert rows["whisper-base"].endswith("installed")
    assert rows["silero-vad-v6"].endswith("offline (from package)")
    assert rows["opus-mt-zh-en"].endswith("download")


# ---- an unreadable recording, a language with no voice, a GPU that is not there ----


def run_interpreter(
    *args: str,
    store: Path,
    env: dict[str, str] | None = None,
    prefix: tuple[str, ...] = (),
    timeout_s: float = 300,
) -> subprocess.CompletedProcess:
    """`interpreter()` with changes to its environment, or started through `prefix`."""
    environment = {
        **os.environ,
        "INTERPRETER_MODELS_DIR": str(store),
        "HF_HUB_OFFLINE": "1",
        **(env or {}),
    }
    return subprocess.run(
        [*prefix, sys.executable, "-m", "interpreter", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=timeout_s,
        check=False,
    )


# Root reads any file through these two capabilities; without them, as any other user,
# the kernel refuses a file whose mode forbids reading.
WITHOUT_READ_OVERRIDE = (
    "setpriv",
    "--inh-caps=-dac_override,-dac_read_search",
    "--bounding-set=-dac_override,-dac_read_search",
    "--",
)


def test_an_unreadable_recording_gets_a_one_line_error(store, english_recording, tmp_path) -> None:
    """A recording saved by another account that this one may not read."""
    path = tmp_path / "private.wav"
    path.write_bytes(english_recording.read_bytes())
    path.chmod(0)
    prefix: tuple[str, ...] = ()
    if os.access(path, os.R_OK):  # running as root
        usable = shutil.which("setpriv") is not None and (
            subprocess.run([*WITHOUT_READ_OVERRIDE, "true"], check=False).returncode == 0
        )
        if not usable:
            pytest.skip("root reads any file, and setpriv cannot drop that right here")
        prefix = WITHOUT_READ_OVERRIDE
    out = tmp_path / "out.wav"

    result = run_interpreter(
        "translate", str(path), "--from", "en", "--to", "zh", "--out", str(out),
        store=store, prefix=prefix,
    )  # fmt: skip

    assert result.returncode == 2
    assert_one_line_error(result, "private.wav", "is not readable", "check its permissions")
    assert not out.exists()


def without_espeak(tmp_path: Path) -> dict[str, str]:
    """A PATH with nothing on it: the program is started by its absolute path."""
    bare = tmp_path / "bare-bin"
    bare.mkdir()
    return {"PATH": str(bare)}


def test_a_language_with_no_voice_is_printed_and_the_run_says_so_once(
    store, english_recording, tmp_path
) -> None:
    """Three turns into Chinese, with no Piper voice for Chinese and no espeak-ng."""
    out = tmp_path / "spoken.wav"
    result = run_interpreter(
        "translate", str(english_recording), "--from", "en", "--to", "zh", "--out", str(out),
        store=store, env=without_espeak(tmp_path),
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if "no voice for zh" in line]
    assert len(notes) == 1, result.stderr
    assert "install espeak-ng" in notes[0] and "interpreter models fetch piper-zh" in notes[0]
    assert "500件" in result.stdout, "the translation is still printed"
    assert not out.exists(), "no silent file stands in for the speech"


def test_typed_text_with_no_voice_is_printed_and_the_run_says_so_once(store, tmp_path) -> None:
    out = tmp_path / "said.wav"
    result = run_interpreter(
        "translate-text", "I want to order 500 pieces.", "--from", "en", "--to", "zh",
        "--speak", "--out", str(out), store=store, env=without_espeak(tmp_path),
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stderr.count("no voice for zh") == 1, result.stderr
    assert result.stdout.startswith("zh  我要订500件")
    assert not out.exists()


def test_cuda_asked_for_on_a_machine_without_a_gpu_is_a_one_line_error(
    store, english_recording
) -> None:
    import ctranslate2

    if ctranslate2.get_cuda_device_count():
        pytest.skip("a CUDA GPU is visible here")
    result = interpreter(
        "--device", "cuda", "translate", str(english_recording), "--from", "en", "--to", "zh",
        store=store,
    )  # fmt: skip
    assert result.returncode == 2
    assert_one_line_error(result, "no CUDA GPU", "--device cpu")
