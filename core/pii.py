"""Masking personal data for display and logs: the first letter of an email's local part and its
domain, the last two digits of a phone number, an IP's network part. Used by the pages, the
admin, the API's delivery views and the log filter alike, so each is masked the same everywhere."""

from __future__ import annotations

import re

HIDDEN = "•••"

EMAIL_RE = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
# Phone-like runs in free text: an optional +, then 9-15 digits possibly split by spaces, dots, dashes or parens.
PHONE_RE = re.compile(r"(?<![\w.])\+?\(?\d[\d\s().-]{7,}\d(?![\w.])")


def mask_email(value: str | None) -> str:
    """``jane.doe@example.com`` → ``j***@example.com``; something else that is set → ``•••``."""
    if not value:
        return ""
    local, at, domain = value.partition("@")
    if not at:
        return HIDDEN
    return f"{local[:1]}***@{domain}"


def mask_phone(value: str | None) -> str:
    """``+60 12-345 6789`` → ``***89``; no digits → empty."""
    digits = [c for c in value or "" if c.isdigit()]
    return f"***{''.join(digits[-2:])}" if digits else ""


def mask_ip(value: str | None) -> str:
    """``203.0.113.7`` → ``203.0.113.x``; ``2001:db8::1`` → ``2001:…``; anything else set → ``•••``."""
    if not value:
        return ""
    if ":" in value:
        return value.split(":")[0] + ":…"
    parts = value.split(".")
    return ".".join(parts[:3] + ["x"]) if len(parts) == 4 else HIDDEN


def _phone_in_text(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if not 9 <= len(digits) <= 15:
        return match.group(0)  # an order number or an amount, not a phone
    return mask_phone(digits)


def mask_pii(text: str) -> str:
    """Emails and phone numbers inside free text (log lines, upstream messages) masked in place:
    ``user jane.doe@example.com called +1 (415) 555-1234`` → ``user j***@example.com called ***34``."""
    if not text:
        return text
    text = EMAIL_RE.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    return PHONE_RE.sub(_phone_in_text, text)
