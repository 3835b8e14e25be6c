"""Normalisation and hashing (property tests): the forms all three platforms document."""

from __future__ import annotations

import hashlib
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversions.hashing import hash_email, hash_external_id, hash_phone, is_sha256, normalize_email, normalize_phone

HEX64 = st.text(alphabet="0123456789abcdefABCDEF", min_size=64, max_size=64)
LOCAL = st.text(alphabet=string.ascii_letters + string.digits + "._+-", min_size=1, max_size=20)
DOMAIN = st.from_regex(r"[a-zA-Z0-9-]{1,15}\.[a-zA-Z]{2,6}", fullmatch=True)
SPACES = st.text(alphabet=" \t", max_size=3)


def sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@given(LOCAL, DOMAIN, SPACES, SPACES)
def test_email_is_trimmed_lowercased_then_hashed(local, domain, before, after):
    email = f"{local}@{domain}"
    assert hash_email(f"{before}{email}{after}") == sha(email.lower())
    assert hash_email(email.upper()) == hash_email(email.lower())


@given(HEX64)
def test_values_already_hashed_are_never_hashed_twice(digest):
    assert hash_email(digest) == digest.lower()
    assert hash_phone(digest) == digest.lower()
    assert hash_external_id(f"  {digest} ") == digest.lower()


@given(st.text(max_size=40))
def test_hashes_are_64_lowercase_hex_or_nothing(text):
    for hashed in (hash_email(text), hash_phone(text), hash_external_id(text)):
        assert hashed is None or (is_sha256(hashed) and hashed == hashed.lower())


@given(st.text(alphabet=string.ascii_letters + string.digits + " .-_", max_size=30))
def test_strings_without_an_at_sign_are_dropped(text):
    assert normalize_email(text) is None
    assert hash_email(text) is None


@given(st.integers(min_value=200_000_0000, max_value=989_999_9999))
def test_us_numbers_in_any_format_give_the_same_e164_hash(number):
    digits = str(number)
    area, exchange, line = digits[:3], digits[3:6], digits[6:]
    forms = [digits, f"({area}) {exchange}-{line}", f"+1 {area} {exchange} {line}", f"1-{area}-{exchange}-{line}", f"001{digits}"]
    results = {normalize_phone(form, "1") for form in forms}
    assert results == {f"+1{digits}"}
    assert hash_phone(forms[1], "1") == sha(f"+1{digits}")


@given(st.text(min_size=1, max_size=30).filter(lambda s: s.strip()), SPACES)
def test_external_id_is_trimmed_not_lowercased(value, pad):
    if is_sha256(value.strip()):
        return
    assert hash_external_id(f"{pad}{value}{pad}") == sha(value.strip())


def test_seed_examples_with_the_documented_phone_form():
    assert hash_email("User@Example.com") == sha("user@example.com")
    # The seed hashed "14155551234" (digits only); the platforms match "+14155551234".
    assert normalize_phone("(415) 555-1234", "1") == "+14155551234"
    assert hash_phone("(415) 555-1234", "1") == sha("+14155551234")
    assert hash_phone("(415) 555-1234", "1") != sha("14155551234")


@pytest.mark.parametrize(
    ("raw", "country", "e164"),
    [("0812-3456-7890", "62", "+6281234567890"), ("+44 20 7946 0958", "1", "+442079460958"), ("020 7946 0958", "44", "+442079460958")],
)
def test_default_country_applies_only_without_a_country_code(raw, country, e164):
    assert normalize_phone(raw, country) == e164


def test_default_country_comes_from_settings(settings):
    normalize_phone.cache_clear()
    settings.TIKTOK_DEFAULT_PHONE_COUNTRY_CODE = "62"
    assert normalize_phone("0812-3456-7890") == "+6281234567890"
    normalize_phone.cache_clear()


@pytest.mark.parametrize("raw", ["", "   ", "12", "not a phone", "+"])
def test_impossible_phones_are_dropped(raw):
    assert hash_phone(raw, "1") is None
