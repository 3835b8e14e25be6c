"""Daily budget minimums per currency, in one table.

The platform's rule ("Budget verification ratio and value range for each currency"): a daily
budget is at least a base times the currency's ratio; the base is 50 for a campaign and 20 for an
ad group. KZT is not in TikTok's table; the seed's product requires 2,500 KZT a day for TikTok
ad groups (``TIKTOK_MIN_DAILY_BUDGET_KZT``), so KZT's ratio is that minimum over the ad group base.
Every budget check in this app (directions, launches, actions, the autopilot) reads ``minimum``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

CAMPAIGN_BASE = Decimal(50)
ADGROUP_BASE = Decimal(20)
MAXIMUM_FACTOR = Decimal(10_000_000)

# Currency → budget verification ratio (the platform's page, via the reference).
RATIOS: dict[str, Decimal] = {
    **dict.fromkeys(
        ("USD", "EUR", "GBP", "AUD", "CAD", "SGD", "MYR", "AED", "SAR", "BRL", "ARS", "ILS", "PEN", "QAR", "RON", "NZD", "CHF", "HUF"),
        Decimal(1),
    ),
    "PLN": Decimal(4),
    **dict.fromkeys(("HKD", "CNY", "MXN", "THB", "TRY", "ZAR", "SEK", "NOK", "DKK", "CZK", "EGP", "UAH", "TWD"), Decimal(10)),
    "PHP": Decimal(50),
    **dict.fromkeys(("JPY", "RUB", "INR", "PKR", "KES", "NGN", "BDT", "DZD"), Decimal(100)),
    **dict.fromkeys(("KRW", "CLP", "COP", "CRC"), Decimal(1000)),
    **dict.fromkeys(("IDR", "VND", "PYG"), Decimal(10_000)),
    "VEF": Decimal(100_000),
}


class UnknownCurrency(LookupError):
    pass


def ratio(currency: str) -> Decimal:
    currency = (currency or "").upper()
    if currency == "KZT":
        return Decimal(settings.TIKTOK_MIN_DAILY_BUDGET_KZT) / ADGROUP_BASE
    try:
        return RATIOS[currency]
    except KeyError:
        raise UnknownCurrency(f"TikTok has no budget rule for currency {currency or '(none)'}.") from None


def minimum(currency: str, *, level: str = "adgroup") -> Decimal:
    """The smallest daily budget of an ad group (default) or a campaign in ``currency``."""
    base = CAMPAIGN_BASE if level == "campaign" else ADGROUP_BASE
    return (base * ratio(currency)).quantize(Decimal("0.01"))


def maximum(currency: str) -> Decimal:
    """Budgets stay below this (10,000,000 × ratio)."""
    return MAXIMUM_FACTOR * ratio(currency)


def budget_problem(amount: Decimal, currency: str, *, level: str = "adgroup") -> str | None:
    """A message naming the limit when ``amount`` is outside the currency's range, else None."""
    low = minimum(currency, level=level)
    if amount < low:
        return f"The daily budget must be at least {low:,.2f} {currency.upper()} for a TikTok {'campaign' if level == 'campaign' else 'ad group'}."
    if amount >= maximum(currency):
        return f"The daily budget must be below {maximum(currency):,.0f} {currency.upper()}."
    return None
