"""Shopee emulators: the Open Platform v2 host ("shopee": OAuth, the 25 livestream APIs, principal
performance) and the Seller Center / creator / live web endpoints ("shopee-web": QR login,
SPC_EC cookie). Deterministic lazy accounts and sessions (``data.py``), signing (``signing.py``),
credentials (``tokens.py``), sessions with their stored changes (``sessions.py``), the APIs
(``livestream.py``, ``web.py``) and control endpoints (``control.py``)."""

from sandbox.emulators.shopee import control, livestream, web  # noqa: F401  (register routes and control routes)
