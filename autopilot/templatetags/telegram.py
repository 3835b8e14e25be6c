"""``{{ text|telegram_html }}``: a report written in Telegram's HTML shown as it reads in Telegram.

Telegram's HTML is a small subset (b, strong, i, em, u, s, code, pre) with the text's own ``<``,
``>`` and ``&`` as entities. Only those bare tags pass; any other tag, attribute or stray
character is escaped, so a stored report can never inject markup into the page."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_ALLOWED_TAG = re.compile(r"</?(?:b|strong|i|em|u|s|code|pre)>")
_TOKEN = re.compile(r"<[^<>]*>|&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});|[<>&]")


@register.filter
def telegram_html(text: str) -> SafeString:
    def keep_or_escape(match: re.Match) -> str:
        token = match.group(0)
        if token.startswith("<"):
            return token if _ALLOWED_TAG.fullmatch(token) else escape(token)
        return token if len(token) > 1 else escape(token)

    return mark_safe(_TOKEN.sub(keep_or_escape, str(text or "")))  # noqa: S308 (only the allowed bare tags and entities pass)
