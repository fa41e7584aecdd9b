"""Speech to text: utterances cut from audio, Whisper, early readings, guards against invention."""
