"""Reads of the audited actions (``POST /api/actions``): the audit log page and the API."""

from __future__ import annotations

from django.db.models import QuerySet

from core.models import Tenant
from tiktok_ads.models import ActionRecord


def actions_list(
    tenant: Tenant, *, action: str | None = None, state: str | None = None, ad_account_id: int | None = None
) -> QuerySet[ActionRecord]:
    rows = ActionRecord.objects.for_tenant(tenant).select_related("ad_account")
    if action:
        rows = rows.filter(action=action)
    if state:
        rows = rows.filter(state=state)
    if ad_account_id is not None:
        rows = rows.filter(ad_account_id=ad_account_id)
    return rows.order_by("-created_at", "-id")


def action_record_get(tenant: Tenant, request_id: str) -> ActionRecord | None:
    return ActionRecord.objects.for_tenant(tenant).select_related("ad_account").filter(request_id=request_id).first()


def action_names_used(tenant: Tenant) -> list[str]:
    return sorted(set(ActionRecord.objects.for_tenant(tenant).values_list("action", flat=True)))


def action_records_by_pk(tenant: Tenant, pks) -> dict[int, ActionRecord]:
    """The tenant's audited actions with these pks (another tenant's are simply absent)."""
    return {row.pk: row for row in ActionRecord.objects.for_tenant(tenant).select_related("ad_account").filter(pk__in=list(pks))}
