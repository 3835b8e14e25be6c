"""Money: parsing platform amounts into ``Decimal`` and quantizing them by the currency's minor
units (ISO 4217, with the currencies the platforms report without decimals: IDR, JPY, KRW, VND).

Amounts are stored in ``numeric(14, 2)`` columns, so without a currency the quantum is 0.01.
Rounding is half up, as shops and ad platforms round.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

STORED_PLACES = 2
ZERO = Decimal("0.00")

# Currencies whose minor unit is not 1/100. IDR is 2 in ISO 4217 but has no coins in use: the
# platforms (and the shops) report and settle it in whole rupiah.
_MINOR_UNITS = {
    **dict.fromkeys(("BIF", "CLP", "DJF", "GNF", "IDR", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
}
_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(0, 5)}

# An amount a numeric(14, 2) column takes as it is: the platform's own strings pass straight through.
_STORED_TEXT = re.compile(r"-?\d{1,12}(?:\.\d{1,2})?")


def minor_units(currency: str | None) -> int:
    """Decimal places of ``currency`` (2 when unknown or missing)."""
    if not currency:
        return STORED_PLACES
    return _MINOR_UNITS.get(currency.strip().upper(), 2)


def money_quantize(value, currency: str | None = None, *, places: int | None = None) -> Decimal:
    """``value`` (a Decimal, int, or None for zero) rounded half up to ``places``, else to the
    currency's minor units, else to cents."""
    places = places if places is not None else (minor_units(currency) if currency else STORED_PLACES)
    amount = value if isinstance(value, Decimal) else Decimal(str(value)) if value else ZERO
    return amount.quantize(_QUANTA[places], rounding=ROUND_HALF_UP)


def money_parse(value, currency: str | None = None, *, places: int | None = None) -> Decimal:
    """A platform or client amount (string, int, float or Decimal) as a quantized ``Decimal``.

    Raises ``ValueError`` for anything else: booleans, text that is not a number, NaN and
    infinities."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError(f"Not an amount: {value!r}")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"Not an amount: {value!r}") from None
    if not amount.is_finite():
        raise ValueError(f"Not an amount: {value!r}")
    return money_quantize(amount, currency, places=places)


def money_text(value) -> str:
    """A platform amount as the decimal string a numeric(14, 2) column takes; "0" when missing or
    unreadable. Platform strings that already fit pass through as they are (no Decimal per field:
    this runs for every amount of every order of a sync)."""
    if value.__class__ is str and _STORED_TEXT.fullmatch(value):
        return value
    if value in (None, ""):
        return "0"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return "0"
    return str(amount) if amount.is_finite() else "0"


def money_float(value: Decimal | None) -> float | None:
    """An amount as the JSON number ad platforms take (None stays None)."""
    return float(value) if value is not None else None
