"""How money, numbers, dates and codes read on screen (core.formatting)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from core import formatting
from core.models import Tenant
from core.tenancy import tenant_scope


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (Decimal("1234567.00"), "IDR", "Rp\u00a01,234,567"),  # no decimals for rupiah
        (Decimal("1234.5"), "MYR", "RM\u00a01,234.50"),
        (Decimal("-12.345"), "USD", "−$12.35"),  # half up, a real minus sign
        ("99", "VND", "₫99"),
        (Decimal("1.2345"), "KWD", "KWD\u00a01.235"),  # three minor units
        (None, "USD", "–"),
    ],
)
def test_money_uses_the_currency_symbol_and_minor_units(amount, currency, expected):
    assert formatting.money(amount, currency, locale="en_GB") == expected


def test_money_groups_digits_the_tenants_way():
    with tenant_scope(Tenant(name="ID", slug="id", locale="id_ID")):
        assert formatting.money(Decimal("1234567.5"), "MYR") == "RM\u00a01.234.567,50"
        assert formatting.number(1234567) == "1.234.567"


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [(Decimal("3450000000"), "IDR", "Rp\u00a03.45B"), (Decimal("12500"), "USD", "$12.5K"), (Decimal("950"), "USD", "$950.00")],
)
def test_money_compact(amount, currency, expected):
    assert formatting.money_compact(amount, currency, locale="en_GB") == expected


def test_numbers_and_percentages():
    assert formatting.number(1234567, locale="en_GB") == "1,234,567"
    assert formatting.number_compact(45678, locale="en_GB") == "45.7K"
    assert formatting.percent(12.5, locale="en_GB") == "12.5%"
    assert formatting.percent(Decimal("0.125"), ratio=True, locale="en_GB") == "12.5%"


def test_dates_read_in_the_tenants_zone_never_us_order():
    moment = datetime(2026, 12, 4, 20, 5, tzinfo=UTC)
    with tenant_scope(Tenant(name="KL", slug="kl", time_zone="Asia/Kuala_Lumpur")):
        assert formatting.moment(moment) == "5 Dec 2026, 04:05"
        assert formatting.day(moment) == "5 Dec 2026"
        assert formatting.zone_label().startswith("Asia/Kuala_Lumpur (UTC+08:00)")
    assert formatting.day(date(2026, 1, 9), fmt="short", locale="en_GB") == "9 Jan"


@pytest.mark.parametrize(
    ("code", "expected"),
    [("AWAITING_SHIPMENT", "Awaiting shipment"), ("shop_sync.orders_full", "Orders full"), ("needs-reauth", "Needs reauth"), ("", "–"), ("GMV Max", "GMV Max")],
)
def test_codes_read_as_words(code, expected):
    assert formatting.code_label(code) == expected
