"""Noise a stall hears when nobody at the counter speaks, for the no-invented-text checks.

White and pink noise stand for fans and traffic; breathing for a party close to the
microphone who says nothing; music for the next stall's radio; babble for a trade-fair hall:
many voices (the Piper voice in English, espeak-ng in Mandarin at several speeds)
talking over each other at background level. All of it is generated from a seed, so
every run hears the same noise.
"""

from __future__ import annotations

import numpy as np

from interpreter.audio.files import ASR_SAMPLE_RATE, resample
from interpreter.tts.synthesizer import EspeakVoice, Voice

BABBLE_ENGLISH = (
    "How much is this one?", "We ship by sea next week.", "The red ones are sold out.",
    "Do you take cards?", "My brother has a shop in Milan.", "Is there a discount for two hundred?",
)  # fmt: skip
BABBLE_CHINESE = (
    "这个多少钱？", "明天发货。", "红色的卖完了。",
    "可以刷卡吗？", "我们工厂在义乌。", "质量很好。",
)  # fmt: skip


def scaled_to(samples: np.ndarray, rms_dbfs: float) -> np.ndarray:
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) or 1.0
    return (samples * (10.0 ** (rms_dbfs / 20.0) / rms)).astype(np.float32)


def white_noise(seconds: float, rms_dbfs: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return scaled_to(rng.normal(0.0, 1.0, int(seconds * ASR_SAMPLE_RATE)), rms_dbfs)


def pink_noise(seconds: float, rms_dbfs: float, seed: int = 0) -> np.ndarray:
    """1/f noise: white noise with its spectrum tilted by 1/sqrt(f)."""
    count = int(seconds * ASR_SAMPLE_RATE)
    spectrum = np.fft.rfft(np.random.default_rng(seed).normal(0.0, 1.0, count))
    bins = np.arange(len(spectrum), dtype=np.float64)
    bins[0] = 1.0
    return scaled_to(np.fft.irfft(spectrum / np.sqrt(bins), count), rms_dbfs)


def breathing(seconds: float, rms_dbfs: float, seed: int = 0) -> np.ndarray:
    """Breaths close to the microphone: bursts of breathy noise (mostly 300-2,000 Hz)
    a second or so long, swelling and fading, with pauses between them."""
    rng = np.random.default_rng(seed)
    count = int(seconds * ASR_SAMPLE_RATE)
    spectrum = np.fft.rfft(rng.normal(0.0, 1.0, count))
    frequencies = np.fft.rfftfreq(count, 1.0 / ASR_SAMPLE_RATE)
    band = np.exp(-(((np.log(np.maximum(frequencies, 1.0)) - np.log(800.0)) / 0.6) ** 2))
    breathy = np.fft.irfft(spectrum * band, count)
    envelope = np.zeros(count)
    position = 0
    while position < count:
        length = int(rng.uniform(0.6, 1.4) * ASR_SAMPLE_RATE)
        end = min(count, position + length)
        envelope[position:end] = np.sin(np.linspace(0.0, np.pi, end - position)) ** 2
        position = end + int(rng.uniform(0.4, 1.2) * ASR_SAMPLE_RATE)
    return scaled_to(breathy * envelope, rms_dbfs)


def music(seconds: float, rms_dbfs: float, seed: int = 0) -> np.ndarray:
    """A radio playing a tune: notes of a pentatonic scale with harmonics, a chord
    under them and a drum on the beat."""
    rng = np.random.default_rng(seed)
    count = int(seconds * ASR_SAMPLE_RATE)
    time_s = np.arange(count) / ASR_SAMPLE_RATE
    scale_hz = (261.6, 293.7, 329.6, 392.0, 440.0, 523.3)
    note_s = 0.3
    notes = rng.choice(scale_hz, size=int(seconds / note_s) + 1)
    melody_hz = notes[(time_s / note_s).astype(int)]
    phase = 2.0 * np.pi * np.cumsum(melody_hz) / ASR_SAMPLE_RATE
    melody = sum(np.sin(k * phase) / k for k in range(1, 6))
    decay = np.exp(-((time_s % note_s) / 0.15))
    chord = sum(np.sin(2.0 * np.pi * f * time_s) for f in (130.8, 164.8, 196.0)) * 0.3
    beat = np.exp(-((time_s % 0.6) / 0.03)) * rng.normal(0.0, 1.0, count) * 0.8
    return scaled_to(melody * decay + chord + beat, rms_dbfs)


def _spoken(voice: Voice, sentences: tuple[str, ...]) -> np.ndarray:
    parts = []
    for sentence in sentences:
        for audio in voice.speak(sentence):
            parts.append(resample(audio, voice.sample_rate, ASR_SAMPLE_RATE))
    return np.concatenate(parts).astype(np.float32)


def babble(
    seconds: float, rms_dbfs: float, english_voice: Voice, voices: int = 16, seed: int = 0
) -> np.ndarray:
    """`voices` people talking at once, each from a random point in their sentences."""
    rng = np.random.default_rng(seed)
    count = int(seconds * ASR_SAMPLE_RATE)
    mixed = np.zeros(count, dtype=np.float64)
    for index in range(voices):
        order = tuple(int(i) for i in rng.permutation(len(BABBLE_ENGLISH)))
        if index % 2 == 0:
            talker = _spoken(english_voice, tuple(BABBLE_ENGLISH[i] for i in order))
        else:
            chinese = EspeakVoice("zh", words_per_minute=110 + 5 * index)
            talker = _spoken(chinese, tuple(BABBLE_CHINESE[i] for i in order))
        repeats = count // len(talker) + 2
        start = int(rng.integers(0, len(talker)))
        mixed += np.tile(talker, repeats)[start : start + count]
    return scaled_to(mixed, rms_dbfs)
