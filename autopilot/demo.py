"""Demo data: daily-run schedules for the demo ad accounts, limits for their TikTok directions and,
when the Business API answers in this process (the sandbox during ``make run``), one brain run on
the demo advertiser's figures, so the autopilot pages have something to show. Once per tenant."""

from __future__ import annotations

import logging
from datetime import time
from decimal import Decimal

from autopilot.models import AccountSchedule, BrainRun, DirectionPolicy
from autopilot.services.brain import brain_run_start, brain_run_work
from core.tenancy import tenant_scope
from tiktok_ads import budgets
from tiktok_ads.selectors import ad_account_currency, ad_accounts_for_tenant, directions_list

logger = logging.getLogger(__name__)

DEMO_RUN_TIMES = (time(8, 0), time(9, 30))


def demo_autopilot(tenant, *, upstreams=None) -> None:
    if tenant.slug != "demo":
        return
    with tenant_scope(tenant):
        accounts = [account for account in ad_accounts_for_tenant(tenant) if account.advertiser_id is not None]
        for index, account in enumerate(accounts):
            AccountSchedule.objects.for_tenant(tenant).get_or_create(
                tenant=tenant, ad_account=account, defaults={"run_at": DEMO_RUN_TIMES[index % len(DEMO_RUN_TIMES)]}
            )
        for direction in directions_list(tenant, platform="tiktok"):
            currency = ad_account_currency(direction.ad_account)
            try:
                floor = budgets.minimum(currency)
            except budgets.UnknownCurrency:
                continue
            cap = max((direction.tiktok_daily_budget or floor) * 2, floor)
            DirectionPolicy.objects.for_tenant(tenant).get_or_create(
                tenant=tenant, direction=direction, defaults={"max_daily_budget": cap.quantize(Decimal("0.01")), "max_raise_pct": 20}
            )
        if not accounts or upstreams is None or "tiktok_business" not in upstreams.in_process:
            return
        if BrainRun.objects.for_tenant(tenant).exists():
            return
        try:
            run = brain_run_start(tenant=tenant, ad_account_id=accounts[0].pk, requested_by="demo", enqueue=False)
            brain_run_work(run=run)
        except Exception:  # a demo without a brain run still starts
            logger.exception("Autopilot demo brain run failed")
