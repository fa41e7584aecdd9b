"""Text to speech: the voices, and amounts written out the way a voice says them."""
