"""The v1.3 envelope ``{code, message, request_id, data}`` read once for every client."""

from __future__ import annotations

from typing import Any

import requests

from core.http import UpstreamClient, parse_retry_after
from integrations.tiktok_business.codes import code_of, error_class_for


class BusinessEnvelopeMixin(UpstreamClient):
    """``raise_for_response`` for the v1.3 envelope; ``envelope_message`` words the error."""

    request_id_headers = ("X-Tt-Logid",)

    def envelope_message(self, code: int, payload: dict) -> str:
        return str(payload.get("message") or f"TikTok Business API error {payload.get('code')}")

    def raise_for_response(self, response: requests.Response, payload: Any) -> None:
        code = code_of(payload)
        if code is not None:
            raise self.make_error(
                error_class_for(code, http_status=response.status_code),
                response,
                self.envelope_message(code, payload),
                payload=payload,
                code=code,
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
            )
        super().raise_for_response(response, payload)


def data_of(payload: Any) -> dict:
    """The envelope's ``data`` object ({} when absent)."""
    data = payload.get("data") if isinstance(payload, dict) else None
    return data if isinstance(data, dict) else {}
