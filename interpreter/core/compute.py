"""Where a CTranslate2 model runs: CPU int8 by default, a CUDA GPU when asked and present."""

from __future__ import annotations

from interpreter.core.errors import ModelError


def resolve_device(device: str) -> str:
    import ctranslate2

    cuda_count = ctranslate2.get_cuda_device_count()
    if device == "auto":
        return "cuda" if cuda_count else "cpu"
    if device == "cuda" and not cuda_count:
        raise ModelError("--device cuda was asked for but no CUDA GPU is visible; use --device cpu")
    if device not in ("cpu", "cuda"):
        raise ModelError(f"unknown device {device!r}; use cpu, cuda or auto")
    return device


def resolve_compute_type(device: str, compute_type: str) -> str:
    """int8 on a CPU and float16 on a GPU are the fast settings for Whisper."""
    if compute_type != "default":
        return compute_type
    return "float16" if device == "cuda" else "int8"
