"""An emulator's clock: real time, moved by its ``clock_offset_seconds`` option or stopped at
``clock_frozen_at`` (set with the emulator's ``clock`` control call, ``sandbox.control.emulator_clock_control``).
"""

from __future__ import annotations

import time


def emulator_clock_now(emulator: str) -> int:
    """Unix seconds on ``emulator``'s clock."""
    # Imported when called: the framework pulls in models, and this module stays free of them.
    from sandbox.framework import get_emulator

    options = get_emulator(emulator).options()
    frozen = options.get("clock_frozen_at")
    if frozen is not None:
        return int(frozen)
    return int(time.time()) + int(options.get("clock_offset_seconds") or 0)
