"""Google Ads offline click conversions: the OAuth token endpoint (``google-oauth``,
``oauth.py``) and the Google Ads API (``google-ads``, ``emulator.py``)."""

from sandbox.emulators.google_ads.emulator import google_ads  # noqa: F401  (registers the emulators)
from sandbox.emulators.google_ads.oauth import google_oauth  # noqa: F401
