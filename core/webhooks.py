"""One mechanism for inbound webhooks: verify, dedupe, answer.

- ``webhook_verify``: HMAC-SHA256 of what the platform signs, compared in constant time with
  every signature the request carries under every active secret (so a secret can be rotated:
  old and new are both accepted until the old one is retired), and, where the platform sends a
  timestamp, refused outside a tolerance window.
- ``webhook_delivery_claim``: the replay/dedupe table (``core.models.WebhookDelivery``), keyed by
  tenant, provider, source and the platform's delivery id. Claimed only after verification and
  parsing and inside the transaction of the delivery's effects, so a rejected delivery stores
  nothing and one that failed half-way is processed again when the platform retries.
- ``WebhookView``: POST only, no session or CSRF, one error body for every refusal: the project's
  ``{"error": {code, message, fields}}`` plus the ``code``/``message`` envelope keys platforms
  such as TikTok Shop read.

Apps keep their own schemes' details (which header, what is signed, how the tenant is found) in
their ``webhooks.py`` and services.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections import defaultdict
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from core.exceptions import ApplicationError, error_body
from core.models import Tenant, WebhookDelivery

INVALID_SIGNATURE = "invalid_signature"
MALFORMED_SIGNATURE = "Missing or malformed signature header."
STALE_SIGNATURE = "Signature timestamp outside the tolerance window."
SIGNATURE_MISMATCH = "Signature does not match."


class WebhookRejected(ApplicationError):
    """The request is not from the platform (or too old to trust): 401, nothing stored."""

    status = 401
    code = INVALID_SIGNATURE


def hmac_sha256(secret: str, message: bytes) -> bytes:
    return hmac.new(secret.encode(), message, hashlib.sha256).digest()


def signature_header_parse(header: str, *, timestamp_key: str = "t", signature_key: str = "v1") -> tuple[int, list[str]]:
    """A ``t=<unix>,v1=<sig>[,v1=<sig>…]`` header (Stripe/Svix style; TikTok's uses ``s=``):
    the timestamp and every signature. Raises ``WebhookRejected`` without a timestamp; no
    signature at all is refused by ``webhook_verify``."""
    parts: dict[str, list[str]] = defaultdict(list)
    for item in (header or "").split(","):
        key, _, value = item.strip().partition("=")
        if key and value:
            parts[key].append(value)
    try:
        timestamp = int(parts[timestamp_key][0])
    except (IndexError, ValueError):
        raise WebhookRejected(MALFORMED_SIGNATURE) from None
    return timestamp, parts[signature_key]


def _encode(digest: bytes, encoding: str) -> bytes:
    return digest.hex().encode() if encoding == "hex" else base64.b64encode(digest)


def webhook_verify(
    *,
    secrets: Iterable[str],
    message: bytes,
    signatures: Iterable[str],
    encoding: str = "hex",
    timestamp: int | None = None,
    tolerance: int | None = None,
    now: float | None = None,
) -> None:
    """Accept the request when one of ``signatures`` is the HMAC-SHA256 of ``message`` under one
    of ``secrets`` (``encoding`` "hex", compared case-insensitively, or "base64"), and, when
    ``tolerance`` is given, ``timestamp`` is within that many seconds of now. Raises
    ``WebhookRejected`` otherwise; with no secret configured nothing is accepted.

    Every pair is compared with ``hmac.compare_digest`` and none short-circuits, so the time
    taken says nothing about how close a guess was or which secret matched."""
    if tolerance is not None:
        now = time.time() if now is None else now
        if timestamp is None or abs(now - timestamp) > tolerance:
            raise WebhookRejected(STALE_SIGNATURE)
    expected = [_encode(hmac_sha256(secret, message), encoding) for secret in secrets if secret]
    given = [(candidate or "").strip() for candidate in signatures]
    given = [(candidate.lower() if encoding == "hex" else candidate).encode() for candidate in given if candidate]
    matched = False
    for digest in expected:
        for candidate in given:
            matched |= hmac.compare_digest(digest, candidate)
    if not matched:
        raise WebhookRejected(SIGNATURE_MISMATCH)


def body_delivery_id(body: bytes) -> str:
    """A delivery id for platforms that send none (TikTok Shop): the SHA-256 of the signed body,
    which carries the platform's own timestamp, so a retry of the same push has the same id."""
    return hashlib.sha256(body).hexdigest()


def webhook_delivery_find(*, tenant: Tenant | int, provider: str, delivery_id: str, source: str = "") -> WebhookDelivery | None:
    return WebhookDelivery.objects.for_tenant(tenant).filter(provider=provider, source=source, delivery_id=delivery_id).first()


def webhook_delivery_claim(
    *, tenant: Tenant | int, provider: str, delivery_id: str, source: str = "", result: dict | None = None
) -> WebhookDelivery | None:
    """Record a verified delivery for ``tenant``; None when it was recorded before (a replay,
    possibly racing in on another connection). Call it inside the transaction that applies the
    delivery, so the record and the effects commit or roll back together."""
    tenant_id = tenant if isinstance(tenant, int) else tenant.pk
    try:
        with transaction.atomic():  # a savepoint: a duplicate leaves the caller's transaction usable
            return WebhookDelivery.objects.create(
                tenant_id=tenant_id, provider=provider, source=source, delivery_id=delivery_id[:200], result=result or {}
            )
    except IntegrityError:
        return None


def webhook_error_response(exc: ApplicationError) -> JsonResponse:
    body = {"code": exc.code, "message": exc.message, **error_body(exc.code, exc.message, exc.extra.get("fields"))}
    return JsonResponse(body, status=exc.status)


@method_decorator(csrf_exempt, name="dispatch")
class WebhookView(View):
    """Base of every inbound webhook endpoint: the request is authenticated by its signature,
    not a session. Subclasses implement ``receive(request) -> dict`` (the 200 body) and raise
    ``ApplicationError`` to refuse."""

    http_method_names = ["post"]

    def receive(self, request) -> dict:
        raise NotImplementedError

    def post(self, request):
        try:
            return JsonResponse(self.receive(request), status=200)
        except ApplicationError as exc:
            return webhook_error_response(exc)
