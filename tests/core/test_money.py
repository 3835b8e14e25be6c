"""core.money: amounts parsed and quantized by the currency's minor units, half up."""

from decimal import Decimal

import pytest

from core.money import minor_units, money_float, money_parse, money_quantize, money_text


@pytest.mark.parametrize(
    ("currency", "places"),
    [("MYR", 2), ("usd", 2), ("IDR", 0), ("JPY", 0), ("KRW", 0), ("VND", 0), ("KWD", 3), ("BHD", 3), ("XYZ", 2), ("", 2), (None, 2)],
)
def test_minor_units(currency, places):
    assert minor_units(currency) == places


def test_quantize_rounds_half_up_to_the_currency():
    assert money_quantize(Decimal("12.345")) == Decimal("12.35")
    assert money_quantize(Decimal("-12.345")) == Decimal("-12.35")
    assert money_quantize(Decimal("12.344"), "MYR") == Decimal("12.34")
    assert money_quantize(Decimal("150000.50"), "IDR") == Decimal("150001")
    assert money_quantize(Decimal("1999.49"), "JPY") == Decimal("1999")
    assert money_quantize(Decimal("1.2345"), "KWD") == Decimal("1.235")
    assert money_quantize(Decimal("1.2345"), "IDR", places=2) == Decimal("1.23")
    assert str(money_quantize(None)) == "0.00"
    assert str(money_quantize(7)) == "7.00"
    assert money_quantize(0.1 + 0.2) == Decimal("0.30")


def test_parse_reads_strings_numbers_and_refuses_the_rest():
    assert money_parse("49.999") == Decimal("50.00")
    assert money_parse(" 12 ") == Decimal("12.00")
    assert money_parse(19.9) == Decimal("19.90")
    assert money_parse(160500, "IDR") == Decimal("160500")
    assert money_parse("45.5", "VND") == Decimal("46")
    for bad in (True, None, "abc", "NaN", "Infinity", [1], {"value": 1}):
        with pytest.raises(ValueError):
            money_parse(bad)


def test_text_keeps_platform_strings_and_zeroes_the_unreadable():
    assert money_text("45.90") == "45.90"
    assert money_text("160500") == "160500"
    assert money_text("-3.5") == "-3.5"
    assert money_text(12) == "12"
    assert money_text(Decimal("7.25")) == "7.25"
    assert money_text("1e3") == "1E+3"
    assert (money_text(None), money_text(""), money_text("n/a"), money_text("NaN")) == ("0", "0", "0", "0")


def test_float_for_platform_payloads():
    assert money_float(Decimal("49.90")) == 49.9
    assert money_float(None) is None
