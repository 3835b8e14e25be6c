"""Secrets at rest: a text field encrypted with MultiFernet.

Keys come from ``settings.FIELD_ENCRYPTION_KEYS`` (newest first). Values are encrypted with the
first key and decrypted with any, so rotating is: put a new key in front, run
``manage.py rotate_encryption_keys``, then drop the old key.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS holds an invalid Fernet key: {exc}") from exc


def get_fernet() -> MultiFernet:
    return _fernet_for(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt_str(value: str) -> str:
    return get_fernet().encrypt(value.encode()).decode()


def decrypt_str(token: str) -> str:
    try:
        return get_fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("A stored secret cannot be decrypted with FIELD_ENCRYPTION_KEYS.") from exc


def rotate_token(token: str) -> str:
    return get_fernet().rotate(token.encode()).decode()


def mask_secret(value: str | None, visible: int = 4) -> str:
    """``"abcd1234efgh"`` → ``"••••efgh"``; short or empty values reveal nothing."""
    if not value:
        return ""
    if len(value) <= visible * 2:
        return "•" * 8
    return "•" * 8 + value[-visible:]


class EncryptedTextField(models.TextField):
    """Stores ``Fernet`` tokens; Python code only ever sees the plaintext.

    Not searchable or orderable by value, by design. Empty strings and NULL are stored as is.
    """

    description = "Encrypted text"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt_str(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_str(value)

    def get_lookup(self, lookup_name):
        # Ciphertexts are randomized, so a lookup by value could only ever miss: refuse it.
        if lookup_name not in ("isnull",):
            return None
        return super().get_lookup(lookup_name)


def encrypted_fields():
    """Every (model, field) pair holding an encrypted value, across installed apps."""
    from django.apps import apps

    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field
