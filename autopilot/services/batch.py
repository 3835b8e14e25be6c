"""The daily batch: every few minutes (beat), each active ad account on a TikTok advertiser whose
local run time has come today gets its brain run, once per local day.

An account runs at its ``AccountSchedule.run_at`` in its advertiser's time zone
(``AUTOPILOT_DEFAULT_RUN_AT``, 08:00, without a schedule row; a disabled schedule never runs).
The day is claimed by moving ``last_run_on`` in one conditional UPDATE (or creating the row), so
two beats that overlap can't both start it. The runs of one tick share a batch id, which is
also their correlation id. Report only or autopilot is the account's ``autopilot_tiktok``.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from autopilot.models import AccountSchedule, RunTrigger
from autopilot.services.brain import brain_run_start
from autopilot.services.collector import advertiser_zone
from core.correlation import correlation_scope
from core.exceptions import ApplicationError
from core.models import Tenant
from tiktok_ads.selectors import brain_ad_accounts

logger = logging.getLogger("autopilot.batch")


@dataclass
class Batch:
    batch_id: str
    started: list[int] = field(default_factory=list)  # brain run ids
    skipped: int = 0
    failed: int = 0


def default_run_at() -> time:
    return time.fromisoformat(settings.AUTOPILOT_DEFAULT_RUN_AT)


def new_batch_id(now: datetime) -> str:
    return f"batch-{now:%Y%m%d%H%M}-{uuid.uuid4().hex[:8]}"


def _claim(account, schedule: AccountSchedule | None, local_day) -> bool:
    """Take today's run of ``account``: True for the one caller that moved ``last_run_on``."""
    if schedule is None:
        try:
            with transaction.atomic():
                AccountSchedule.all_tenants.create(tenant_id=account.tenant_id, ad_account_id=account.pk, last_run_on=local_day)
            return True
        except IntegrityError:  # another beat created it first: use the row
            schedule = AccountSchedule.all_tenants.get(tenant_id=account.tenant_id, ad_account_id=account.pk)
            if not schedule.enabled:
                return False
    claimed = (
        AccountSchedule.all_tenants.filter(pk=schedule.pk, enabled=True)
        .filter(Q(last_run_on__isnull=True) | Q(last_run_on__lt=local_day))
        .update(last_run_on=local_day)
    )
    return claimed == 1


def brain_batch_run(*, now: datetime | None = None) -> Batch:
    """Cross-tenant on purpose (beat): start the brain runs that are due now."""
    now = now or timezone.now()
    batch = Batch(batch_id=new_batch_id(now))
    accounts = list(brain_ad_accounts())
    schedules = {
        (row.tenant_id, row.ad_account_id): row
        for row in AccountSchedule.all_tenants.filter(ad_account_id__in=[account.pk for account in accounts])
    }
    tenants = Tenant.objects.in_bulk({account.tenant_id for account in accounts})
    with correlation_scope(batch.batch_id):
        for account in accounts:
            schedule = schedules.get((account.tenant_id, account.pk))
            if schedule is not None and not schedule.enabled:
                batch.skipped += 1
                continue
            local = now.astimezone(advertiser_zone(account.advertiser))
            run_at = schedule.run_at if schedule is not None else default_run_at()
            if isinstance(run_at, str):
                run_at = time.fromisoformat(run_at)
            if local.time() < run_at or (
                schedule is not None and schedule.last_run_on is not None and schedule.last_run_on >= local.date()
            ):
                continue
            if not _claim(account, schedule, local.date()):
                batch.skipped += 1
                continue
            tenant = tenants.get(account.tenant_id)
            try:
                run = brain_run_start(tenant=tenant, ad_account_id=account.pk, trigger=RunTrigger.SCHEDULE, batch_id=batch.batch_id)
            except ApplicationError as error:
                batch.skipped += 1
                logger.info("Ad account %s not started: %s", account.pk, error, extra={"action": "run_skipped", "batch_id": batch.batch_id})
                continue
            except Exception:
                batch.failed += 1
                logger.exception(
                    "Ad account %s: brain run could not start", account.pk, extra={"action": "run_start_failed", "batch_id": batch.batch_id}
                )
                continue
            batch.started.append(run.pk)
    if batch.started or batch.failed:
        logger.info(
            "Brain batch %s: %d runs started, %d skipped, %d failed",
            batch.batch_id,
            len(batch.started),
            batch.skipped,
            batch.failed,
            extra={"action": "batch_started", "batch_id": batch.batch_id, "runs": len(batch.started)},
        )
    return batch
