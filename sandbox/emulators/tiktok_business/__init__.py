"""TikTok Business API v1.3 emulator ("tiktok-business"): OAuth (authorize page, auth code →
access token), advertisers, and GMV Max stores, campaigns and reports, with deterministic lazy
data (``data.py``), self-describing signed tokens (``tokens.py``), the report rules
(``report.py``), video assets (``files.py``), lead subscriptions and callbacks (``leads.py``) and
control endpoints (``control.py``)."""

from sandbox.emulators.tiktok_business import (  # noqa: F401  (each module registers its routes)
    auction_report,
    control,
    files,
    leads,
    management,
)
