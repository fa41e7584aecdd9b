"""Text to text: the ladder of phrasebook, glossary and neural models."""
