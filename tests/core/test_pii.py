"""core.pii: one masking of emails, phones and IPs for pages, admin, API and logs."""

import pytest

from core.logging import mask_pii as logged_mask_pii
from core.pii import mask_email, mask_ip, mask_phone, mask_pii


@pytest.mark.parametrize(
    ("value", "masked"),
    [("jane.doe@example.com", "j***@example.com"), ("a@b.co", "a***@b.co"), ("not-an-email", "•••"), ("", ""), (None, "")],
)
def test_mask_email(value, masked):
    assert mask_email(value) == masked


@pytest.mark.parametrize(("value", "masked"), [("+60 12-345 6789", "***89"), ("0123", "***23"), ("7", "***7"), ("n/a", ""), ("", ""), (None, "")])
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [("203.0.113.7", "203.0.113.x"), ("2001:db8::1", "2001:…"), ("localhost", "•••"), ("", ""), (None, "")],
)
def test_mask_ip(value, masked):
    assert mask_ip(value) == masked


def test_mask_pii_in_free_text():
    assert mask_pii("user jane.doe@example.com called +1 (415) 555-1234") == "user j***@example.com called ***34"
    assert mask_pii("order 12345 total 99.50") == "order 12345 total 99.50"
    assert mask_pii("call 0123456789012345678 now") == "call 0123456789012345678 now"  # 19 digits: an id, not a phone
    assert mask_pii("") == ""
    assert logged_mask_pii is mask_pii  # the log filter and core.http use the same one
