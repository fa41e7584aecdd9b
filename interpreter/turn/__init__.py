"""One utterance through every stage: stages built from the store, budget, trace, display."""
