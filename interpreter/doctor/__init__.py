"""`interpreter doctor`: the device's checks, and the self-benchmark that picks Whisper."""
