"""Real-browser tests: Playwright's sync API drives Debian's Chromium against live_server.

Playwright's sync API keeps an asyncio loop running in the test thread, which makes Django refuse
ORM calls there ("async context"); the tests only touch the database between browser steps, so
that guard is switched off for this suite.
"""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    """Run browser tests last: the session's browser (and its event loop) then starts only after
    every other test has run."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)
