"""How numbers, money, dates and codes read on screen: one place, used by every page.

- Money shows the currency's own symbol and minor units (IDR and VND without decimals, KWD with
  three), grouped the way the tenant's locale groups digits; ``compact`` shortens it for cards and
  chart axes (``Rp 3.45B``).
- Dates and times are in the tenant's time zone and locale (``4 Dec 2026, 14:05``), never US
  ``mm/dd/yyyy``; exports keep ISO 8601 with offsets (``core.exports``).
- Codes the platforms use (``AWAITING_SHIPMENT``, ``shop_sync.orders_full``) read as words; apps
  declare their own wording on their AppConfig (``labels``), the raw value stays in the API.

Babel (CLDR) does the locale work; the symbol table is ours because CLDR's English names for the
region's currencies are their codes ("IDR1,234.00"), and sellers read "Rp" and "RM".
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_compact_decimal, format_decimal, format_percent

from core.money import minor_units, money_quantize
from core.registry import label as app_label
from core.tenancy import get_current_tenant
from core.timezones import zone_or_utc

DEFAULT_LOCALE = "en_GB"

# The symbol a seller of that market reads. Letter symbols are followed by a space.
CURRENCY_SYMBOLS = {
    "IDR": "Rp",
    "MYR": "RM",
    "THB": "฿",
    "VND": "₫",
    "PHP": "₱",
    "SGD": "S$",
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "CNY": "CN¥",
    "KRW": "₩",
    "TWD": "NT$",
    "BRL": "R$",
    "MXN": "MX$",
    "KZT": "₸",
    "AUD": "A$",
    "CAD": "CA$",
    "SAR": "SAR",
}


def current_locale() -> str:
    tenant = get_current_tenant(required=False)
    return getattr(tenant, "locale", None) or DEFAULT_LOCALE


def current_zone():
    tenant = get_current_tenant(required=False)
    return zone_or_utc(getattr(tenant, "time_zone", None))


def currency_symbol(currency: str | None) -> str:
    code = (currency or "").upper()
    return CURRENCY_SYMBOLS.get(code, code)


def _with_symbol(number: str, currency: str | None) -> str:
    symbol = currency_symbol(currency)
    if not symbol:
        return number
    sign = ""
    if number.startswith(("-", "−")):
        sign, number = "−", number[1:]
    gap = "\u00a0" if symbol[-1].isalpha() else ""
    return f"{sign}{symbol}{gap}{number}"


def _as_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except ArithmeticError:
        return None


def money(value, currency: str | None, *, locale: str | None = None) -> str:
    """``Rp 1,234,567`` / ``RM 1,234.50``: the currency's minor units, grouped; "–" when missing."""
    amount = _as_decimal(value)
    if amount is None:
        return "–"
    places = minor_units(currency)
    amount = money_quantize(amount, currency)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return _with_symbol(format_decimal(amount, format=pattern, locale=locale or current_locale()), currency)


def money_compact(value, currency: str | None, *, locale: str | None = None) -> str:
    """``Rp 3.45B``: for cards, chart axes and narrow columns; small amounts stay whole."""
    amount = _as_decimal(value)
    if amount is None:
        return "–"
    if abs(amount) < 10_000:
        return money(amount, currency, locale=locale)
    return _with_symbol(format_compact_decimal(amount, format_type="short", fraction_digits=2, locale=locale or current_locale()), currency)


def number(value, *, places: int = 0, locale: str | None = None) -> str:
    amount = _as_decimal(value)
    if amount is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(amount, format=pattern, locale=locale or current_locale())


def number_compact(value, *, locale: str | None = None) -> str:
    amount = _as_decimal(value)
    if amount is None:
        return "–"
    if abs(amount) < 10_000:
        return number(amount, locale=locale)
    return format_compact_decimal(amount, format_type="short", fraction_digits=1, locale=locale or current_locale())


def percent(value, *, places: int = 1, ratio: bool = False, locale: str | None = None) -> str:
    """``12.5%`` from 12.5 (or from 0.125 with ``ratio=True``)."""
    amount = _as_decimal(value)
    if amount is None:
        return "–"
    fraction = amount if ratio else amount / 100
    return format_percent(fraction, format="#,##0." + "0" * places + "%" if places else "#,##0%", locale=locale or current_locale())


def day(value: date | datetime | None, *, fmt: str = "medium", locale: str | None = None) -> str:
    """``4 Dec 2026`` (a datetime is first moved into the tenant's zone)."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = value.astimezone(current_zone()).date() if value.tzinfo else value.date()
    pattern = {"medium": "d MMM y", "short": "d MMM", "long": "EEE d MMM y"}.get(fmt, fmt)
    return format_date(value, format=pattern, locale=locale or current_locale())


def moment(value: datetime | None, *, zone=None, seconds: bool = False, locale: str | None = None) -> str:
    """``4 Dec 2026, 14:05`` in the tenant's zone (or ``zone``)."""
    if value is None:
        return "–"
    local = value.astimezone(zone or current_zone()) if value.tzinfo else value
    clock = format_time(local, format="HH:mm:ss" if seconds else "HH:mm", locale=locale or current_locale())
    return f"{format_date(local.date(), format='d MMM y', locale=locale or current_locale())}, {clock}"


def moment_iso(value: datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def zone_label(zone=None) -> str:
    """The zone a table's times are in, named: ``Asia/Kuala_Lumpur (UTC+08:00)``."""
    zone = zone or current_zone()
    offset = format_datetime(datetime.now(zone), format="xxx", locale="en")
    return f"{zone.key} (UTC{offset})"


def percent_change(current, previous) -> Decimal | None:
    """The change of ``current`` against ``previous`` in percent (for ``pct``), or None when there
    is nothing to compare with (no previous figure, or a zero base)."""
    if previous in (None, 0) or current is None:
        return None
    return (Decimal(current) - Decimal(previous)) / Decimal(previous) * 100


def label_text(value, vocabulary: str = "") -> str:
    """How a page words ``value``: the app's label in ``vocabulary`` (``AppConfig.labels``), else
    the code made readable."""
    found = app_label(value, vocabulary) if vocabulary else None
    return found if found is not None else code_label(value)


def code_label(value) -> str:
    """``AWAITING_SHIPMENT`` → ``Awaiting shipment``; ``shop_sync.orders_full`` → ``Orders full``."""
    if value is None or value == "":
        return "–"
    text = str(value).rsplit(".", 1)[-1].replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:].lower() if text.isupper() or text.islower() else text
