"""TikTok Events API emulator (``emulator.py``), and what the three conversion destinations
share (``receipts.py``: receipts, QPS, control routes)."""

from sandbox.emulators.tiktok_events.emulator import tiktok_events  # noqa: F401  (registers the emulator)
