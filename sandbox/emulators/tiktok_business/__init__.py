"""TikTok Business API v1.3 emulator ("tiktok-business"): OAuth (authorize page, auth code →
access token), advertisers, and GMV Max stores, campaigns and reports, with deterministic lazy
data (``data.py``), self-describing signed tokens (``tokens.py``), the report rules
(``report.py``), video assets (``files.py``), lead subscriptions and callbacks (``leads.py``) and
control endpoints (``control.py``)."""

from sandbox.emulators.tiktok_business import (  # noqa: F401  (ads management; video assets; lead subscriptions and callbacks)
    auction_report,
    control,  # noqa: F401  (registers the emulator and its control routes)
    files,
    leads,
    management,
)
