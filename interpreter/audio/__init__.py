"""Audio in and out: recordings on disk here; the microphone and speaker live in
`devices`, the only module that imports sounddevice."""
