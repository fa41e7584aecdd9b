"""Where models run: `--device cpu|cuda|auto` and the compute type each device gets.

No GPU is needed: CTranslate2's count of CUDA devices is replaced, as it would read on a
Jetson or a desktop with a graphics card, so the CUDA path is checked on any machine.
"""

from __future__ import annotations

import ctranslate2
import pytest

from interpreter.asr.transcriber import TranscriberOptions
from interpreter.core.compute import resolve_compute_type, resolve_device
from interpreter.core.errors import InterpreterError, ModelError


@pytest.fixture
def no_gpu(monkeypatch) -> None:
    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 0)


@pytest.fixture
def one_gpu(monkeypatch) -> None:
    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 1)


def test_whisper_on_a_gpu_runs_in_float16_by_default(one_gpu) -> None:
    device = resolve_device("cuda")
    assert device == "cuda"
    # What the Transcriber passes to faster-whisper when nobody chose a compute type.
    assert resolve_compute_type(device, TranscriberOptions().compute_type) == "float16"


def test_whisper_on_a_cpu_runs_in_int8_by_default(no_gpu) -> None:
    assert resolve_compute_type(resolve_device("cpu"), "default") == "int8"


def test_a_compute_type_chosen_by_hand_is_kept() -> None:
    assert resolve_compute_type("cuda", "int8_float16") == "int8_float16"
    assert resolve_compute_type("cpu", "float32") == "float32"


def test_auto_takes_the_gpu_when_there_is_one(one_gpu) -> None:
    assert resolve_device("auto") == "cuda"


def test_auto_without_a_gpu_runs_on_the_cpu(no_gpu) -> None:
    assert resolve_device("auto") == "cpu"


def test_cuda_asked_for_without_a_gpu_is_a_one_line_error_naming_the_fix(no_gpu) -> None:
    with pytest.raises(ModelError) as error:
        resolve_device("cuda")
    message = str(error.value)
    assert "\n" not in message
    assert "no CUDA GPU" in message and "--device cpu" in message
    assert isinstance(error.value, InterpreterError), "the CLI prints it without a traceback"


def test_an_unknown_device_names_the_choices(no_gpu) -> None:
    with pytest.raises(ModelError, match="unknown device 'tpu'; use cpu, cuda or auto"):
        resolve_device("tpu")
