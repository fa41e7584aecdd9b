"""Errors a person at the stall (or the installer) can fix.

Every `InterpreterError` message is one line that names the problem and the fix, so
the CLI can print it without a traceback and exit non-zero.
"""


class InterpreterError(Exception):
    """A problem with input, configuration or installed models, with its fix."""

    exit_code = 2


class InputError(InterpreterError):
    """A recording, text or option the user gave cannot be used."""


class ModelError(InterpreterError):
    """A model is missing, damaged or cannot do what was asked."""


class StoreError(InterpreterError):
    """Fetching, verifying, importing or exporting a model failed."""


class HardwareError(InterpreterError):
    """A part of the stall's device (a GPIO button or light) cannot be used."""
