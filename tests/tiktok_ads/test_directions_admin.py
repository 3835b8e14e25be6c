"""Operator screens of ad accounts, directions and the audit trail (actions, ad-account changes:
read-only, never deleted)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from tiktok_ads.models import ActionRecord, AdAccount, AdAccountChange, Direction


def test_admin_lists_and_read_only_audit(client, tenant_a):
    account = AdAccount.objects.create(tenant=tenant_a, name="Client One")
    direction = Direction.objects.create(tenant=tenant_a, ad_account=account, name="Trial", platform="tiktok", tiktok_objective="traffic")
    record = ActionRecord.objects.create(
        tenant=tenant_a, request_id="r1", action="TikTok.PauseCampaign", ad_account=account, state="succeeded"
    )
    change = AdAccountChange.objects.create(
        tenant=tenant_a, ad_account=account, field="autopilot_tiktok", action="update", before="false", after="true", actor="ana"
    )
    user = get_user_model().objects.create_superuser(username="operator", email="op@example.com", password="pass-word-123")
    client.force_login(user)
    for url in ("adaccount", "direction", "actionrecord", "adaccountchange"):
        assert client.get(f"/admin/tiktok_ads/{url}/").status_code == 200, url
    assert client.get(f"/admin/tiktok_ads/direction/{direction.pk}/change/").status_code == 200
    page = client.get(f"/admin/tiktok_ads/actionrecord/{record.pk}/change/")
    assert page.status_code == 200 and b'name="request_id"' not in page.content
    assert client.post(f"/admin/tiktok_ads/actionrecord/{record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/tiktok_ads/adaccountchange/{change.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ActionRecord.objects.for_tenant(tenant_a).count() == AdAccountChange.objects.for_tenant(tenant_a).count() == 1
