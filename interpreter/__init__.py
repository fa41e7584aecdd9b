"""Offline speech interpreter for a market stall.

Importing the package does no work: models load only when a stage is built.
"""

__version__ = "0.1.0"
