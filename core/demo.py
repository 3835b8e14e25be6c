"""The platform's demo data: exchange rates into the demo tenants' reporting currency, dated a
year back so the whole demo history converts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from core.selectors import fx_rates_for_tenant
from core.services import fx_rate_set

# Units of USD per unit of each currency the demo shops and ad accounts report in.
USD_PER_UNIT = {
    "USD": Decimal("1"),
    "IDR": Decimal("0.000063"),
    "MYR": Decimal("0.22"),
    "THB": Decimal("0.029"),
    "VND": Decimal("0.000039"),
    "PHP": Decimal("0.017"),
    "SGD": Decimal("0.75"),
    "KZT": Decimal("0.0021"),
}


def demo_seed(tenant) -> None:
    """Rates from every demo currency into the tenant's reporting currency (once)."""
    if fx_rates_for_tenant(tenant).exists():
        return
    base = USD_PER_UNIT.get(tenant.reporting_currency)
    if base is None:
        return
    since = timezone.now().date() - timedelta(days=400)
    for currency, usd in USD_PER_UNIT.items():
        if currency != tenant.reporting_currency:
            fx_rate_set(tenant=tenant, currency=currency, day=since, rate=(usd / base).quantize(Decimal("0.0000000001")))
