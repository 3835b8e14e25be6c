"""Auth codes and access tokens of the ``tiktok-business`` emulator, with no table behind them.

Both are self-describing and HMAC-signed by the emulator (a key derived from ``SANDBOX_SEED``):
``<kind>.<base64url JSON>.<signature>``. A code carries its fixture, app id, expiry (sandbox
clock, 10 minutes) and a nonce; it is single use through ``sandbox.services.counter_increment``
on that nonce. A token carries its fixture, app id, nonce and the fixture's token generation at
issue: revoking a fixture's tokens bumps the generation, revoking one token lists its nonce
(both in the emulator's stored options). Business API tokens don't expire by themselves.
"""

from __future__ import annotations

import base64
import hmac
import json
import secrets
from dataclasses import dataclass
from hashlib import sha256

from django.conf import settings
from django.utils.crypto import constant_time_compare

from sandbox.emulators.tiktok_business.data import EMULATOR, FIXTURES, fixture_get, sandbox_now
from sandbox.seed import derive

AUTH_CODE_SECONDS = 10 * 60
SCOPES = [1, 2, 3, 4, 10, 11]  # the platform reports scope ids; ads management, reporting, GMV Max...
REVOKED_NONCES_KEPT = 500


class PlatformError(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def invalid_params(message: str) -> PlatformError:
    return PlatformError(40002, message)


def _key() -> bytes:
    return derive("tiktok_business", "signing-key")


def _sign(kind: str, body: str) -> str:
    return hmac.new(_key(), f"{kind}.{body}".encode(), sha256).hexdigest()[:40]


def _pack(kind: str, payload: dict) -> str:
    body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")
    return f"{kind}.{body}.{_sign(kind, body)}"


def _unpack(kind: str, value: str) -> dict | None:
    parts = (value or "").split(".")
    if len(parts) != 3 or parts[0] != kind or not constant_time_compare(parts[2], _sign(kind, parts[1])):
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def app_check(*, app_id: str, secret: str | None = None) -> None:
    if not app_id or not constant_time_compare(str(app_id), settings.TIKTOK_BUSINESS_APP_ID):
        raise PlatformError(40101, "The app_id and secret combination is invalid.")
    if secret is not None and not constant_time_compare(str(secret), settings.TIKTOK_BUSINESS_APP_SECRET):
        raise PlatformError(40101, "The app_id and secret combination is invalid.")


def auth_code_issue(*, fixture: str, app_id: str | None = None) -> str:
    """The code the authorize page hands to the redirect URI when ``fixture`` approves the app."""
    if fixture not in FIXTURES:
        raise KeyError(fixture)
    return _pack(
        "code",
        {"f": fixture, "a": app_id or settings.TIKTOK_BUSINESS_APP_ID, "e": sandbox_now() + AUTH_CODE_SECONDS, "n": secrets.token_hex(12)},
    )


def access_token_exchange(*, app_id: str, secret: str, auth_code: str) -> dict:
    from sandbox.services import counter_increment

    app_check(app_id=app_id, secret=secret)
    payload = _unpack("code", auth_code)
    if payload is None or payload.get("a") != app_id or int(payload.get("e", 0)) <= sandbox_now():
        raise PlatformError(40110, "The auth_code is invalid or has expired.")
    # Single use across processes: the first exchange takes the nonce.
    if counter_increment(emulator=EMULATOR, key=f"auth-code:{payload['n']}", limit=1) is None:
        raise PlatformError(40110, "The auth_code has already been used.")
    fixture = payload["f"]
    token = _pack("act", {"f": fixture, "a": app_id, "g": _generation(fixture), "n": secrets.token_hex(12)})
    return {
        "access_token": token,
        "advertiser_ids": [advertiser.advertiser_id for advertiser in fixture_get(fixture).advertisers],
        "scope": list(SCOPES),
    }


@dataclass(frozen=True)
class Grant:
    """Who an access token speaks for."""

    fixture: str
    app_id: str
    nonce: str

    @property
    def advertiser_ids(self) -> list[str]:
        return [advertiser.advertiser_id for advertiser in fixture_get(self.fixture).advertisers]


def access_token_check(token: str) -> Grant:
    if not token:
        raise PlatformError(40104, "Access token is empty. Please set the Access-Token header.")
    payload = _unpack("act", token)
    if payload is None or payload.get("f") not in FIXTURES:
        raise PlatformError(40105, "The access token is invalid or has been revoked.")
    options = _options()
    if payload.get("g") != _generation(payload["f"], options) or payload.get("n") in options.get("revoked_tokens", []):
        raise PlatformError(40105, "The access token is invalid or has been revoked.")
    return Grant(fixture=payload["f"], app_id=str(payload.get("a", "")), nonce=str(payload.get("n", "")))


def _options() -> dict:
    from sandbox.framework import get_emulator

    return get_emulator(EMULATOR).options()


def _generation(fixture: str, options: dict | None = None) -> int:
    options = _options() if options is None else options
    return int((options.get("token_generations") or {}).get(fixture, 0))


def tokens_revoke(*, fixture: str | None = None, access_token: str | None = None) -> dict:
    """Revoke every token of ``fixture`` (the user deauthorizes the app) or one token."""
    from sandbox.selectors import emulator_config_describe
    from sandbox.services import emulator_config_update

    options = emulator_config_describe(emulator=EMULATOR)["options"]
    if fixture:
        if fixture not in FIXTURES:
            raise KeyError(fixture)
        generations = dict(options.get("token_generations") or {})
        generations[fixture] = int(generations.get(fixture, 0)) + 1
        options["token_generations"] = generations
    if access_token:
        payload = _unpack("act", access_token)
        if payload is None:
            raise ValueError("Not an access token of this sandbox.")
        options["revoked_tokens"] = [*(options.get("revoked_tokens") or []), payload["n"]][-REVOKED_NONCES_KEPT:]
    emulator_config_update(emulator=EMULATOR, options=options)
    return {"token_generations": options.get("token_generations", {}), "revoked_tokens": len(options.get("revoked_tokens", []))}
