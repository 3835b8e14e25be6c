"""The Open Platform v2 request signature (reference: shared/reference/shopee-google-meta-telegram-apis.md §1.2).

``sign`` = lowercase hex HMAC-SHA256(partner_key, partner_id + path + timestamp [+ access_token +
user_id | shop_id | principal_id]); Public calls (auth pages, token endpoints) stop after the
timestamp. ``path`` is the bare ``/api/v2/...`` path.
"""

from __future__ import annotations

import hashlib
import hmac

TIMESTAMP_WINDOW_SECONDS = 300


def request_sign(*, partner_key: str, partner_id, path: str, timestamp, access_token: str = "", entity_id="") -> str:
    base = f"{partner_id}{path}{timestamp}{access_token}{entity_id}"
    return hmac.new(partner_key.encode(), base.encode(), hashlib.sha256).hexdigest()
