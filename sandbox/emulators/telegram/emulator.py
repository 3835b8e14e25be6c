"""Telegram Bot API at its real paths: ``/sandbox/telegram/bot<token>/<method>``.

``TELEGRAM_API_BASE`` is ``https://api.telegram.org`` in production and ``<SANDBOX_BASE_URL>/telegram``
here. Methods: ``getMe`` and ``sendMessage``, by GET or POST, parameters in the query string, a
JSON body or a form, method names case-insensitive, as the Bot API accepts them.

Behaviour (reference: shared/reference/shopee-google-meta-telegram-apis.md §4):

- A token not shaped ``<bot id>:<35 characters>`` is 404 Not Found (the Bot API has no such
  route); a revoked one (option ``revoked_tokens``, default ``SANDBOX_TELEGRAM_REVOKED_TOKENS``)
  and the ``expired_token`` fault are 401 Unauthorized.
- Chats: positive ids are private chats, ids below -10^12 supergroups, other negative ids groups,
  ``@name`` channels; all exist except those in option ``missing_chats`` (and ids that aren't
  numbers), which are "chat not found". Option ``blocked_chats`` answers 403 "bot was blocked".
- ``text`` is parsed per ``parse_mode`` into plain text + entities; empty, too long (4096 UTF-16
  units after parsing) and unparsable texts get the Bot API's 400 descriptions.
- Message ids are sequential per chat from a seeded start, so they are the same on every run.
- 429 is ``{"ok":false,"error_code":429,"description":"Too Many Requests: retry after N",
  "parameters":{"retry_after":N}}`` with ``Retry-After``.
"""

from __future__ import annotations

import json
import re
import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from core.fields import mask_secret
from sandbox.emulators.telegram import markup
from sandbox.framework import Emulator, MalformedBody, json_response, register, request_params
from sandbox.seed import rng, stable_int
from sandbox.services import counter_increment

TOKEN = re.compile(r"^(\d{1,20}):[A-Za-z0-9_-]{35}$")
TOKEN_IN_PATH = re.compile(r"/bot([^/]+)/")
CHANNEL_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
MAX_TEXT_LENGTH = 4096
SUPERGROUP_ID_FLOOR = -(10**12)  # supergroup and channel ids are -100xxxxxxxxxx


def telegram_ok(result) -> HttpResponse:
    return json_response({"ok": True, "result": result})


def telegram_error(status: int, description: str, *, parameters: dict | None = None, headers: dict | None = None) -> HttpResponse:
    body = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return json_response(body, status=status, headers=headers)


class TelegramEmulator(Emulator):
    name = "telegram"
    title = "Telegram Bot API"
    record_requests = True

    def default_options(self):
        return {"revoked_tokens": list(settings.SANDBOX_TELEGRAM_REVOKED_TOKENS), "missing_chats": [], "blocked_chats": []}

    def mask_path(self, request_path: str) -> str:
        return TOKEN_IN_PATH.sub(lambda m: f"/bot{mask_secret(m.group(1))}/", request_path, count=1)

    def expired_token_response(self, request):
        return telegram_error(401, "Unauthorized")

    def rate_limited_response(self, request, *, retry_after):
        return telegram_error(
            429,
            f"Too Many Requests: retry after {retry_after}",
            parameters={"retry_after": retry_after},
            headers={"Retry-After": str(retry_after)},
        )

    def server_error_response(self, request, *, status):
        if status in (502, 503, 504):
            return super().server_error_response(request, status=status)
        return telegram_error(status, "Internal Server Error")


telegram = register(TelegramEmulator())


@telegram.route("bot<str:token>/<str:method>", methods=("GET", "POST"), name="bot-method")
def bot_method(request: HttpRequest, token: str, method: str) -> HttpResponse:
    match = TOKEN.match(token)
    handler = METHODS.get(method.lower())
    if match is None or handler is None:
        return telegram_error(404, "Not Found")
    options = telegram.options()
    if token in {str(t) for t in options.get("revoked_tokens", [])}:
        return telegram_error(401, "Unauthorized")
    try:
        params = request_params(request)
    except MalformedBody:
        # The Bot API doesn't document this wording; what matters is a 400 in its envelope.
        return telegram_error(400, "Bad Request: can't parse JSON object")
    return handler(bot_id=int(match.group(1)), params=params, options=options)


# --- Methods ------------------------------------------------------------------------------


def bot_user(bot_id: int) -> dict:
    r = rng("telegram", "bot", bot_id)
    word = r.choice(("Lotus", "Orchid", "Harbor", "Coral", "Maple", "Nova", "Sage", "Willow"))
    return {"id": bot_id, "is_bot": True, "first_name": f"{word} Reports", "username": f"{word.lower()}_{r.randint(100, 999)}_bot"}


def get_me(*, bot_id: int, params: dict, options: dict) -> HttpResponse:
    return telegram_ok(
        {
            **bot_user(bot_id),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
    )


def chat_for(chat_id, options: dict) -> dict | None:
    """The chat ``chat_id`` names, or None when Telegram would say "chat not found"."""
    raw = str(chat_id).strip()
    if raw in {str(c) for c in options.get("missing_chats", [])}:
        return None
    if raw.startswith("@"):
        username = raw[1:]
        if not CHANNEL_USERNAME.match(username):
            return None
        r = rng("telegram", "channel", username.lower())
        return {"id": SUPERGROUP_ID_FLOOR - r.randint(10**9, 10**10 - 1), "title": r.title(2), "username": username, "type": "channel"}
    try:
        number = int(raw)
    except ValueError:
        return None
    if number == 0:
        return None
    r = rng("telegram", "chat", number)
    if number > 0:
        return {"id": number, "first_name": r.first_name(), "last_name": r.last_name(), "username": r.username(), "type": "private"}
    if number <= SUPERGROUP_ID_FLOOR:
        return {"id": number, "title": f"{r.title(2)} Ops", "type": "supergroup"}
    return {"id": number, "title": f"{r.title(2)} Team", "type": "group"}


def next_message_id(chat_id: int) -> int:
    """Sequential per chat, from a start fixed by the seed and the chat."""
    first = stable_int("telegram", "chat", chat_id, "first-message-id", lo=1, hi=5000)
    sent = counter_increment(emulator=telegram.name, key=f"chat:{chat_id}:messages")
    return first + sent - 1


def send_message(*, bot_id: int, params: dict, options: dict) -> HttpResponse:
    chat_id = params.get("chat_id")
    if chat_id is None or str(chat_id).strip() == "":
        return telegram_error(400, "Bad Request: chat_id is empty")
    text = params.get("text")
    if text is None or str(text) == "":
        return telegram_error(400, "Bad Request: message text is empty")
    parse_mode = params.get("parse_mode") or None
    if parse_mode is not None and str(parse_mode).lower() not in {mode.lower() for mode in markup.PARSE_MODES}:
        return telegram_error(400, "Bad Request: unsupported parse_mode")
    chat = chat_for(chat_id, options)
    if chat is None:
        return telegram_error(400, "Bad Request: chat not found")
    if str(chat_id).strip() in {str(c) for c in options.get("blocked_chats", [])}:
        return telegram_error(403, "Forbidden: bot was blocked by the user")
    try:
        formatted = markup.parse(str(text), parse_mode)
    except markup.EntityParseError as exc:
        return telegram_error(400, f"Bad Request: can't parse entities: {exc}")
    if not formatted.text:
        return telegram_error(400, "Bad Request: message text is empty")
    if markup.utf16_len(formatted.text) > MAX_TEXT_LENGTH:
        return telegram_error(400, "Bad Request: message is too long")

    message = {
        "message_id": next_message_id(chat["id"]),
        "from": bot_user(bot_id),
        "chat": chat,
        "date": int(time.time()),
        "text": formatted.text,
    }
    if formatted.entities:
        message["entities"] = formatted.entities
    thread_id = params.get("message_thread_id")
    if thread_id not in (None, ""):
        if not str(thread_id).isdigit():
            return telegram_error(400, "Bad Request: message thread not found")
        message["message_thread_id"] = int(thread_id)
    reply_markup = _json_param(params.get("reply_markup"))
    if isinstance(reply_markup, dict) and "inline_keyboard" in reply_markup:
        message["reply_markup"] = {"inline_keyboard": reply_markup["inline_keyboard"]}
    return telegram_ok(message)


def _json_param(value):
    """Form-encoded requests carry object parameters as JSON strings; JSON requests as objects."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


METHODS = {"getme": get_me, "sendmessage": send_message}
