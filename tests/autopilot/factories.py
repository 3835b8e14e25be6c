"""Hand-built brain inputs for the autopilot tests (no upstream calls)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from autopilot.models import BrainRun, RunMode
from autopilot.services.inputs import AdGroupFigures, BrainInput, DirectionLimits
from tiktok_ads.models import AdAccount, Direction

AS_OF = datetime(2026, 11, 18, 6, 0, tzinfo=ZoneInfo("UTC"))


def limits(direction_id: int, *, target="2500", cap="12000", raise_pct=20, objective="lead_generation") -> DirectionLimits:
    return DirectionLimits(
        direction_id=direction_id,
        name=f"Direction {direction_id}",
        objective=objective,
        currency="KZT",
        target_cpl=Decimal(target) if target is not None else None,
        max_daily_budget=Decimal(cap) if cap is not None else None,
        max_raise_pct=raise_pct,
    )


def figures(spend, *, impressions=0, clicks=0, reach=0, leads=0, days=7, results=0, conversions=0) -> AdGroupFigures:
    return AdGroupFigures(
        spend=Decimal(str(spend)),
        impressions=impressions,
        clicks=clicks,
        reach=reach,
        leads=leads,
        conversions=conversions,
        results=results,
        days=days,
    )


def adgroup(adgroup_id: str, name: str, budget="5000", status="ENABLE", campaign_id="100") -> dict:
    return {
        "adgroup_id": adgroup_id,
        "adgroup_name": name,
        "campaign_id": campaign_id,
        "budget": budget,
        "budget_mode": "BUDGET_MODE_DAY",
        "operation_status": status,
    }


def ad(ad_id: str, adgroup_id: str, status="ENABLE", name=None) -> dict:
    return {"ad_id": ad_id, "adgroup_id": adgroup_id, "ad_name": name or f"Ad {ad_id}", "operation_status": status}


def account_with_direction(tenant, name="Client One", *, autopilot=False):
    account = AdAccount.objects.create(tenant=tenant, name=name, autopilot_tiktok=autopilot)
    direction = Direction.objects.create(
        tenant=tenant, ad_account=account, name="Trial", platform="tiktok", tiktok_objective="lead_generation"
    )
    return account, direction


def make_run(tenant, account, *, mode=RunMode.REPORT_ONLY, data_as_of=AS_OF, started_at=AS_OF) -> BrainRun:
    return BrainRun.objects.create(
        tenant=tenant,
        ad_account=account,
        mode=mode,
        state="running",
        window_start=date(2026, 11, 11),
        window_end=date(2026, 11, 17),
        data_as_of=data_as_of,
        started_at=started_at,
    )


def brain_input(run: BrainRun, direction_id: int, **overrides) -> BrainInput:
    """Four ad groups of one lead direction (target CPL 2,500 KZT, cap 12,000, +20%):

    - 1001 "Winner": 7 days, 10,000 KZT for 5 leads (CPL 2,000), CTR 1.50%, frequency 1.50,
      previous CPL 2,500 → healthy, 100; budget 5,000.
    - 1002 "Loser": 7 days, 12,000 KZT for 2 leads (CPL 6,000 ≥ 2× target) → failing; budget 5,000;
      two active ads: 2001 spent 6,000 with no leads, 2002 spent 6,000 for 2 leads.
    - 1003 "Fresh": 2 days of delivery → learning.
    - 1004 "Idle": no delivery → no_data.
    """
    data = BrainInput(
        run_id=run.pk,
        ad_account_id=run.ad_account_id,
        advertiser_id="7000000001",
        currency="KZT",
        time_zone="Asia/Almaty",
        window_start=date(2026, 11, 11),
        window_end=date(2026, 11, 17),
        previous_start=date(2026, 11, 4),
        previous_end=date(2026, 11, 10),
        data_as_of=AS_OF,
        campaigns=[{"campaign_id": "100", "campaign_name": "Leads", "objective_type": "LEAD_GENERATION"}],
        adgroups=[
            adgroup("1004", "Idle"),
            adgroup("1002", "Loser <b>&"),
            adgroup("1001", "Winner"),
            adgroup("1003", "Fresh"),
        ],
        ads=[ad("2002", "1002"), ad("2001", "1002"), ad("2003", "1001"), ad("2004", "1003")],
        current={
            "1001": figures("10000", impressions=20000, clicks=300, reach=13333, leads=5),
            "1002": figures("12000", impressions=30000, clicks=150, reach=10000, leads=2),
            "1003": figures("1500", impressions=3000, clicks=30, reach=2500, leads=0, days=2),
        },
        previous={"1001": figures("10000", leads=4), "1002": figures("9000", leads=3)},
        ad_current={"2001": figures("6000"), "2002": figures("6000", leads=2), "2003": figures("10000", leads=5)},
        directions={key: limits(direction_id) for key in ("1001", "1002", "1003", "1004")},
        minimum_daily_budget=Decimal("2500.00"),
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return data
