"""Audio in and out: recordings on disk (`files`), PortAudio's devices (`devices`, the
only module that imports sounddevice), the live microphone (`streams`) and speaker
(`speaker`)."""
