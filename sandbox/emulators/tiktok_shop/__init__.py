"""TikTok Shop Partner API 202309 emulators: the Open API host ("tiktok-shop") and the auth host
("tiktok-shop-auth"), with deterministic lazy shops (``data.py``), the platform's signing
(``signing.py``), tokens (``tokens.py``), explicit changes (``changes.py``) and control
endpoints (``control.py``)."""

from sandbox.emulators.tiktok_shop import control  # noqa: F401  (registers the emulators and their control routes)
