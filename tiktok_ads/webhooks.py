"""The seed's lead webhook, ``/tiktok/webhook``.

- ``GET``: the seed's challenge verification: ``?challenge=<value>`` is echoed back. TikTok
  documents no challenge for any of its webhook families (it sends a ``tiktok.ping`` event
  instead), so this only keeps the seed's contract.
- ``POST``: a LEAD callback, signed ``TikTok-Signature: t=…,s=…`` or the seed's
  ``x-tiktok-signature``; ``tiktok_ads.services.lead_webhook_receive`` does the rest. Refusals use
  ``core.webhooks``'s one error body (401 signature, 413 size, 400 body).
"""

from __future__ import annotations

from django.http import JsonResponse

from core.exceptions import ApplicationError
from core.webhooks import WebhookView, webhook_error_response
from tiktok_ads import services


class LeadWebhookView(WebhookView):
    http_method_names = ["get", "post"]

    def get(self, request):
        challenge = request.GET.get("challenge", "")
        if not challenge:
            return webhook_error_response(ApplicationError("The challenge query parameter is required.", code="missing_challenge"))
        return JsonResponse({"challenge": challenge[:200]})

    def post(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > services.LEAD_WEBHOOK_MAX_BYTES:
            # Refused before the body is read.
            error = ApplicationError(f"The body is larger than {services.LEAD_WEBHOOK_MAX_BYTES} bytes.", code="payload_too_large", status=413)
            return webhook_error_response(error)
        return super().post(request)

    def receive(self, request) -> dict:
        result = services.lead_webhook_receive(
            body=request.body,
            signature=request.headers.get(services.LEAD_SIGNATURE_HEADER, ""),
            legacy_signature=request.headers.get(services.LEAD_LEGACY_SIGNATURE_HEADER, ""),
        )
        return result.body()
