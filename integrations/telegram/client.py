"""Telegram Bot API: ``https://api.telegram.org/bot<token>/<method>``, JSON in, the envelope
``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code", "description", "parameters"}``
out (reference: shared/reference/shopee-google-meta-telegram-apis.md §4; core.telegram.org/bots/api).

The token is part of the path: it is put in before every attempt, so it never reaches the call
log (which records ``/sendMessage``), and it is masked in every message.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import requests

from core.http import AuthExpired, BadRequest, Misconfigured, RateLimited, Upstream5xx, UpstreamClient, UpstreamError, parse_retry_after

MAX_TEXT_LENGTH = 4096  # UTF-16 code units after entity parsing
PARSE_MODES = ("HTML", "MarkdownV2", "Markdown")


class ChatMigrated(Misconfigured):
    """The group became a supergroup: messages go to ``migrate_to_chat_id`` from now on."""

    def __init__(self, message: str = "", *, migrate_to_chat_id: int | None = None, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.migrate_to_chat_id = migrate_to_chat_id


# Descriptions that name a setup problem rather than a bad message (the chat id or the bot's
# place in it is wrong): the same message to the same chat can never go until someone fixes it.
_MISCONFIGURED_400 = ("chat not found", "not enough rights", "need administrator rights", "have no rights")


def error_class_for(error_code: int, description: str, parameters: dict) -> type[UpstreamError]:
    """The ``core.http`` error an ``ok: false`` answer means."""
    if error_code == 429:
        return RateLimited
    if error_code >= 500:
        return Upstream5xx
    if error_code == 401:
        return AuthExpired  # revoked or wrong token: a new one from @BotFather
    if error_code == 404:
        return Misconfigured  # a malformed token or an unknown method: no such route
    if error_code == 403:
        return Misconfigured  # blocked by the user, kicked, can't start a conversation
    if parameters.get("migrate_to_chat_id"):
        return ChatMigrated
    if any(fragment in description.lower() for fragment in _MISCONFIGURED_400):
        return Misconfigured
    return BadRequest


class TelegramBotClient(UpstreamClient):
    """One bot (``bot_token``). About 30 messages a second per bot (Bot FAQ)."""

    provider = "telegram"
    rate_limit = "30/second"

    def __init__(self, *, bot_token: str, **kwargs: Any):
        self.bot_token = bot_token
        kwargs.setdefault("credential_key", bot_token)
        super().__init__(**kwargs)

    def prepare_request(self, request: requests.Request) -> None:
        base = self.base_url.rstrip("/")
        method = request.url[len(base) + 1 :]
        request.url = f"{base}/bot{self.bot_token}/{method}"

    def raise_for_response(self, response: requests.Response, payload: Any) -> None:
        if isinstance(payload, dict) and payload.get("ok") is False:
            error_code = int(payload.get("error_code") or response.status_code)
            description = str(payload.get("description") or f"HTTP {response.status_code}")
            parameters = payload.get("parameters") if isinstance(payload.get("parameters"), dict) else {}
            error_class = error_class_for(error_code, description, parameters)
            retry_after = parameters.get("retry_after")
            if retry_after is None:
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
            extra = {"migrate_to_chat_id": parameters["migrate_to_chat_id"]} if error_class is ChatMigrated else {}
            raise self.make_error(error_class, response, description, payload=payload, code=error_code, retry_after=retry_after, **extra)
        super().raise_for_response(response, payload)

    def sensitive_values(self) -> Iterable[str]:
        return (self.bot_token,)

    def _result(self, payload: Any) -> Any:
        return payload.get("result") if isinstance(payload, dict) else None

    def get_me(self, **kwargs: Any) -> dict:
        """The bot itself: ``{id, is_bot, first_name, username, ...}``."""
        return self._result(self.get("getMe", **kwargs))

    def send_message(
        self,
        chat_id: int | str,
        text: str,
        *,
        parse_mode: str | None = None,
        disable_notification: bool | None = None,
        message_thread_id: int | None = None,
        reply_markup: dict | None = None,
        link_preview_options: dict | None = None,
        idempotent: bool = False,
        **kwargs: Any,
    ) -> dict:
        """Send ``text`` to ``chat_id`` (a number or ``"@channel"``); the sent Message.

        Not retried after a timeout by default: Telegram has no idempotency key, so a resent
        message could arrive twice. Pass ``idempotent=True`` where a duplicate is harmless."""
        if parse_mode is not None and parse_mode not in PARSE_MODES:
            raise ValueError(f"parse_mode must be one of {', '.join(PARSE_MODES)}.")
        body: dict[str, Any] = {"chat_id": chat_id, "text": text}
        optional = {
            "parse_mode": parse_mode,
            "disable_notification": disable_notification,
            "message_thread_id": message_thread_id,
            "reply_markup": reply_markup,
            "link_preview_options": link_preview_options,
        }
        body.update({key: value for key, value in optional.items() if value is not None})
        return self._result(self.post("sendMessage", json=body, idempotent=idempotent, **kwargs))
