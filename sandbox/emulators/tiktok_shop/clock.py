"""The emulator's clock: real time, moved by ``clock_offset_seconds`` or stopped at
``clock_frozen_at`` (options of the ``tiktok-shop`` emulator, set with the clock control call).

Order data (arrivals, status steps) and token expiry follow this clock; the request
``timestamp`` check follows real time, since clients sign with theirs.
"""

from __future__ import annotations

import time

EMULATOR = "tiktok-shop"


def sandbox_now() -> int:
    from sandbox.framework import get_emulator

    options = get_emulator(EMULATOR).options()
    frozen = options.get("clock_frozen_at")
    if frozen is not None:
        return int(frozen)
    return int(time.time()) + int(options.get("clock_offset_seconds") or 0)
