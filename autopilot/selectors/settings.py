"""Reads of the autopilot's settings page: each ad account with its schedule and time zone, each
TikTok direction with its policy and the platform's minimum in its currency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from decimal import Decimal

from django.conf import settings

from autopilot.models import AccountSchedule, DirectionPolicy
from tiktok_ads import budgets
from tiktok_ads.selectors import ad_account_currency, ad_accounts_for_tenant, directions_list


@dataclass
class ScheduleRow:
    account: object
    enabled: bool
    run_at: time
    time_zone: str
    last_run_on: object
    has_advertiser: bool
    autopilot: bool


@dataclass
class PolicyRow:
    direction: object
    currency: str
    minimum: Decimal | None
    max_daily_budget: Decimal | None
    max_raise_pct: int
    target_cpl: Decimal | None
    direction_target_cpl: Decimal | None


def schedule_rows(tenant) -> list[ScheduleRow]:
    schedules = {row.ad_account_id: row for row in AccountSchedule.objects.for_tenant(tenant)}
    default = time.fromisoformat(settings.AUTOPILOT_DEFAULT_RUN_AT)
    rows = []
    for account in ad_accounts_for_tenant(tenant):
        schedule = schedules.get(account.pk)
        rows.append(
            ScheduleRow(
                account=account,
                enabled=schedule.enabled if schedule else True,
                run_at=schedule.run_at if schedule else default,
                time_zone=(account.advertiser.time_zone if account.advertiser_id else "") or "UTC",
                last_run_on=schedule.last_run_on if schedule else None,
                has_advertiser=account.advertiser_id is not None,
                autopilot=account.autopilot_tiktok,
            )
        )
    return rows


def policy_rows(tenant) -> list[PolicyRow]:
    directions = list(directions_list(tenant, platform="tiktok"))
    policies = {
        row.direction_id: row for row in DirectionPolicy.objects.for_tenant(tenant).filter(direction_id__in=[d.pk for d in directions])
    }
    default_raise = DirectionPolicy._meta.get_field("max_raise_pct").default
    rows = []
    for direction in directions:
        currency = ad_account_currency(direction.ad_account)
        try:
            minimum = budgets.minimum(currency)
        except budgets.UnknownCurrency:
            minimum = None
        policy = policies.get(direction.pk)
        rows.append(
            PolicyRow(
                direction=direction,
                currency=currency,
                minimum=minimum,
                max_daily_budget=policy.max_daily_budget if policy else None,
                max_raise_pct=policy.max_raise_pct if policy else default_raise,
                target_cpl=policy.target_cpl if policy else None,
                direction_target_cpl=direction.tiktok_target_cpl,
            )
        )
    return rows
