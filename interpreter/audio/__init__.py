"""Audio in and out: recordings on disk (`files`), PortAudio's devices (`devices`, the
only module that imports sounddevice), the live microphone (`streams`) and speaker
(`speaker`), and a device's quick proof for `interpreter doctor` (`probe`)."""
