"""Normalisation and SHA-256 hashing of user identifiers, the same for all three platforms.

- email: trimmed and lowercased; a value that is not an email address is dropped, never sent.
- phone: parsed with ``phonenumbers`` (a number without a country code gets the calling code
  of the destination or ``TIKTOK_DEFAULT_PHONE_COUNTRY_CODE``), formatted E.164 with the ``+``,
  then hashed. The seed hashed TikTok phones as digits only (``14155551234``); TikTok, Google
  and Meta all document and match on the ``+`` E.164 form, so that is what is sent.
- external id: trimmed.

A value that already is a SHA-256 hex digest (64 hex characters) is passed through lowercased,
never hashed twice.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

import phonenumbers
from django.conf import settings

_SHA256_RE = re.compile(r"^[0-9a-fA-F]{64}$")
# Deliberately plain: one @, something before it, a dotted domain, no spaces.
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_sha256(value: str) -> bool:
    return bool(_SHA256_RE.match(value))


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def normalize_email(value: str | None) -> str | None:
    """The email as the platforms hash it, or None when it isn't one."""
    if not value:
        return None
    email = value.strip().lower()
    return email if _EMAIL_RE.match(email) else None


def hash_email(value: str | None) -> str | None:
    if not value:
        return None
    stripped = value.strip()
    if is_sha256(stripped):
        return stripped.lower()
    email = normalize_email(stripped)
    return sha256_hex(email) if email else None


@lru_cache(maxsize=65536)
def normalize_phone(value: str, country_code: str = "") -> str | None:
    """E.164 with ``+`` (``+14155551234``), or None when it can't be a phone number.

    ``country_code`` is the calling code (``"1"``, ``"62"``) used when the number has none.
    """
    if not value or not value.strip():
        return None
    raw = value.strip()
    calling_code = (country_code or settings.TIKTOK_DEFAULT_PHONE_COUNTRY_CODE or "").lstrip("+").strip()
    try:
        if raw.startswith("+"):
            number = phonenumbers.parse(raw, None)
        elif raw.startswith("00"):
            number = phonenumbers.parse("+" + raw[2:], None)
        else:
            region = phonenumbers.region_code_for_country_code(int(calling_code)) if calling_code.isdigit() else "ZZ"
            number = phonenumbers.parse(raw, region)
    except (phonenumbers.NumberParseException, ValueError):
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def hash_phone(value: str | None, country_code: str = "") -> str | None:
    if not value:
        return None
    stripped = value.strip()
    if is_sha256(stripped):
        return stripped.lower()
    phone = normalize_phone(stripped, country_code)
    return sha256_hex(phone) if phone else None


def hash_external_id(value: str | None) -> str | None:
    if not value:
        return None
    stripped = value.strip()
    if not stripped:
        return None
    if is_sha256(stripped):
        return stripped.lower()
    return sha256_hex(stripped)
