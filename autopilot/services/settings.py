"""The autopilot's per-account settings: when an ad account's daily brain run happens, and the
limits the brain keeps for a TikTok direction. Bad input is a 400 naming the field and changes
nothing."""

from __future__ import annotations

from datetime import time
from decimal import Decimal, InvalidOperation

from autopilot.models import AccountSchedule, DirectionPolicy
from core.exceptions import ApplicationError
from tiktok_ads import budgets
from tiktok_ads.selectors import ad_account_currency, ad_account_get, direction_get

MAX_RAISE_PCT = 100


def _refuse(field: str, message: str):
    raise ApplicationError(f"{field}: {message}", extra={"fields": {field: [message]}})


def _run_at(value) -> time:
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    try:
        parsed = time.fromisoformat(str(value or "").strip())
    except ValueError:
        _refuse("run_at", "Give a local time as HH:MM, e.g. 08:00.")
    return parsed.replace(second=0, microsecond=0, tzinfo=None)


def _amount(field: str, value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        _refuse(field, "Not a number.")
    if not amount.is_finite() or amount <= 0:
        _refuse(field, "Must be more than 0.")
    return amount.quantize(Decimal("0.01"))


def account_schedule_update(*, tenant, ad_account_id, enabled: bool, run_at) -> AccountSchedule:
    """Set the ad account's daily run: on or off, and its local time (the advertiser's zone).
    A day already run stays run: a new time applies from the next local day it is due."""
    account = ad_account_get(tenant, ad_account_id, field="ad_account")
    when = _run_at(run_at)
    schedule, _created = AccountSchedule.objects.for_tenant(tenant).update_or_create(
        tenant=tenant, ad_account=account, defaults={"enabled": bool(enabled), "run_at": when}
    )
    return schedule


def direction_policy_update(*, tenant, direction_id, max_daily_budget=None, max_raise_pct=None, target_cpl=None) -> DirectionPolicy:
    """Set a TikTok direction's limits: the ad-group daily-budget cap (not below TikTok's minimum
    in the advertiser's currency), the largest raise per run (1-100 %), the target cost per lead."""
    direction = direction_get(tenant, direction_id, field="direction")
    if direction.platform != "tiktok":
        _refuse("direction", "The autopilot's limits are for TikTok directions.")
    currency = ad_account_currency(direction.ad_account)
    cap = _amount("max_daily_budget", max_daily_budget)
    if cap is not None:
        try:
            floor, ceiling = budgets.minimum(currency), budgets.maximum(currency)
        except budgets.UnknownCurrency:
            floor, ceiling = Decimal(0), None
        if cap < floor:
            _refuse("max_daily_budget", f"At least {floor:,.2f} {currency}: TikTok's minimum daily budget of an ad group.")
        if ceiling is not None and cap >= ceiling:
            _refuse("max_daily_budget", f"Below {ceiling:,.0f} {currency}.")
    if max_raise_pct in (None, ""):
        raise_pct = DirectionPolicy._meta.get_field("max_raise_pct").default
    else:
        try:
            raise_pct = int(str(max_raise_pct).strip())
        except ValueError:
            _refuse("max_raise_pct", "A whole percentage, 1 to 100.")
        if not 1 <= raise_pct <= MAX_RAISE_PCT:
            _refuse("max_raise_pct", "A whole percentage, 1 to 100.")
    cpl = _amount("target_cpl", target_cpl)
    policy, _created = DirectionPolicy.objects.for_tenant(tenant).update_or_create(
        tenant=tenant, direction=direction, defaults={"max_daily_budget": cap, "max_raise_pct": raise_pct, "target_cpl": cpl}
    )
    return policy
