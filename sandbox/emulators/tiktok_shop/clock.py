"""The emulator's clock: real time, moved by ``clock_offset_seconds`` or stopped at
``clock_frozen_at`` (options of the ``tiktok-shop`` emulator, set with the clock control call).

Order data (arrivals, status steps) and token expiry follow this clock; the request
``timestamp`` check follows real time, since clients sign with theirs.
"""

from __future__ import annotations

from sandbox.clock import emulator_clock_now

EMULATOR = "tiktok-shop"


def sandbox_now() -> int:
    return emulator_clock_now(EMULATOR)
