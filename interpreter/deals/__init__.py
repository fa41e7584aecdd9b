"""The record of what was agreed: the deal log and the deal sheet."""
