"""Telegram Bot API emulator (``sandbox.emulators.telegram.emulator``)."""

from sandbox.emulators.telegram.emulator import telegram  # noqa: F401  (registers the emulator)
