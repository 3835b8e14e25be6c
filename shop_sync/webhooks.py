"""The platform's webhook endpoint, ``/webhooks/tiktok-shop/`` (mounted in ``config.urls``).

No session: a push is authenticated by its ``Authorization`` HMAC over the body (checked by
``core.webhooks``) and answered in TikTok Shop's envelope, ``{"code": 0, "message": "success"}``."""

from __future__ import annotations

from core.webhooks import WebhookView
from shop_sync.services import shop_webhook_receive


class TikTokShopWebhookView(WebhookView):
    def receive(self, request) -> dict:
        result = shop_webhook_receive(body=request.body, signature=request.headers.get("Authorization", ""))
        return {"code": 0, "message": "success", "shops": result.shops, "duplicate": result.duplicate}


tiktok_shop_webhook = TikTokShopWebhookView.as_view()
