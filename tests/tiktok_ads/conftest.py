"""Shared by the tiktok_ads tests."""

from __future__ import annotations

import pytest

from tiktok_ads.services import leads


@pytest.fixture(autouse=True)
def _no_handoff_marks():
    """A process remembers the lead hand-offs it enqueued (``lead_events_schedule``); each test
    starts without any, as a fresh process would."""
    leads._enqueued_here.clear()
    yield
    leads._enqueued_here.clear()
