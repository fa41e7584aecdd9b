"""The real-time session: mic to speaker, parties, push-to-talk, echo gate, keys, stall config."""
