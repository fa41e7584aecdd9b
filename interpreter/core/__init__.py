"""Shared vocabulary: values between stages, the clock, errors, languages, sentences, scripts."""
