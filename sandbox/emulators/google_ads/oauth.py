"""Google's OAuth 2 token endpoint, refresh grant only: ``POST /sandbox/google-oauth/token``.

``GOOGLE_OAUTH_TOKEN_URL`` is ``https://oauth2.googleapis.com/token`` in production. Form fields
``grant_type=refresh_token``, ``client_id``, ``client_secret``, ``refresh_token``; the answer is
``{access_token, expires_in, scope, token_type: "Bearer"}``, errors in Google's OAuth shape
``{error, error_description}``: ``invalid_client`` (401), ``invalid_grant``,
``invalid_request`` and ``unsupported_grant_type`` (400).

Valid: any non-empty client id and secret (client id not in option ``unknown_clients``) and any
non-empty refresh token not in option ``revoked_tokens``. Access tokens are signed, not stored:
``ya29.sbx.<payload>.<mac>`` carrying the issue time, expiry and a digest of the refresh token,
so the Google Ads emulator tells expired, revoked and forged tokens apart in any process.
``POST /sandbox/_control/google-oauth/tokens/expire`` expires every token issued until then.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from core.exceptions import ApplicationError
from sandbox.control import _json_object
from sandbox.emulators.tiktok_events.receipts import option_set, register_token_control
from sandbox.framework import Emulator, json_response, register
from sandbox.selectors import emulator_config_describe
from sandbox.services import emulator_config_update

ADWORDS_SCOPE = "https://www.googleapis.com/auth/adwords"
TOKEN_PREFIX = "ya29.sbx."
DEFAULT_TTL = 3599
clock = time.time  # issue and expiry times (tests pin it)


def oauth_error(error: str, description: str, *, status: int = 400, headers: dict | None = None) -> HttpResponse:
    return json_response({"error": error, "error_description": description}, status=status, headers=headers)


class GoogleOAuthEmulator(Emulator):
    name = "google-oauth"
    title = "Google OAuth 2 token endpoint (refresh grant)"
    record_requests = True

    def default_options(self):
        return {"access_token_ttl": DEFAULT_TTL, "revoked_tokens": [], "unknown_clients": [], "expired_before": 0}

    def expired_token_response(self, request):
        return oauth_error("invalid_grant", "Token has been expired or revoked.")

    def rate_limited_response(self, request, *, retry_after):
        return oauth_error("rate_limit_exceeded", "Rate limit exceeded.", status=429, headers={"Retry-After": str(retry_after)})

    def server_error_response(self, request, *, status):
        if status in (502, 503, 504):
            return super().server_error_response(request, status=status)
        return oauth_error("internal_failure", "Backend Error", status=status)


google_oauth = register(GoogleOAuthEmulator())
register_token_control(google_oauth)


def refresh_digest(refresh_token: str) -> str:
    return hashlib.sha256(refresh_token.encode()).hexdigest()[:16]


def _mac(payload: str) -> str:
    key = f"sandbox-google-oauth:{settings.SECRET_KEY}".encode()
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()[:32]


def access_token_issue(*, client_id: str, refresh_token: str, ttl: int) -> str:
    issued = clock()
    claims = {"c": client_id, "r": refresh_digest(refresh_token), "iat": round(issued, 3), "exp": round(issued + ttl, 3)}
    payload = base64.urlsafe_b64encode(json.dumps(claims, separators=(",", ":")).encode()).decode().rstrip("=")
    return f"{TOKEN_PREFIX}{payload}.{_mac(payload)}"


@dataclass(frozen=True)
class AccessToken:
    client_id: str
    refresh_digest: str
    issued_at: float
    expires_at: float


def access_token_parse(token: str) -> AccessToken | None:
    """The token's claims when this emulator issued it (signature checked), else None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    payload, _, mac = token[len(TOKEN_PREFIX) :].rpartition(".")
    if not payload or not hmac.compare_digest(mac, _mac(payload)):
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return AccessToken(str(claims["c"]), str(claims["r"]), float(claims["iat"]), float(claims["exp"]))
    except (ValueError, KeyError, TypeError):
        return None


def access_token_problem(token: str) -> str | None:
    """None for a live token; else the AuthenticationError code: OAUTH_TOKEN_INVALID,
    OAUTH_TOKEN_EXPIRED or OAUTH_TOKEN_REVOKED."""
    claims = access_token_parse(token)
    if claims is None:
        return "OAUTH_TOKEN_INVALID"
    options = google_oauth.options()
    if claims.refresh_digest in {refresh_digest(revoked) for revoked in option_set(options, "revoked_tokens")}:
        return "OAUTH_TOKEN_REVOKED"
    if claims.expires_at <= clock() or claims.issued_at <= float(options.get("expired_before") or 0):
        return "OAUTH_TOKEN_EXPIRED"
    return None


@google_oauth.route("token", methods=("POST",), name="token")
def token(request: HttpRequest) -> HttpResponse:
    params = request.POST
    grant_type = params.get("grant_type", "")
    if grant_type != "refresh_token":
        if not grant_type:
            return oauth_error("invalid_request", "Missing required parameter: grant_type")
        return oauth_error("unsupported_grant_type", f"Invalid grant_type: {grant_type}")
    options = google_oauth.options()
    client_id, client_secret = params.get("client_id", "").strip(), params.get("client_secret", "").strip()
    if not client_id or not client_secret or client_id in option_set(options, "unknown_clients"):
        return oauth_error("invalid_client", "The OAuth client was not found.", status=401)
    refresh_token = params.get("refresh_token", "").strip()
    if not refresh_token:
        return oauth_error("invalid_request", "Missing required parameter: refresh_token")
    if refresh_token in option_set(options, "revoked_tokens"):
        return oauth_error("invalid_grant", "Token has been expired or revoked.")
    ttl = int(options.get("access_token_ttl", DEFAULT_TTL))
    return json_response(
        {
            "access_token": access_token_issue(client_id=client_id, refresh_token=refresh_token, ttl=ttl),
            "expires_in": ttl,
            "scope": ADWORDS_SCOPE,
            "token_type": "Bearer",
        }
    )


@google_oauth.control_route("tokens/expire", methods=("POST",), name="tokens-expire")
def tokens_expire(request: HttpRequest) -> HttpResponse:
    data = _json_object(request)
    if data:
        raise ApplicationError("tokens/expire takes no parameters.", code="invalid_tokens")
    options = emulator_config_describe(emulator=google_oauth.name)["options"]
    expired_before = round(clock(), 3)
    emulator_config_update(emulator=google_oauth.name, options={**options, "expired_before": expired_before})
    return json_response({"emulator": google_oauth.name, "expired_before": expired_before})
