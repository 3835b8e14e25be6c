"""Dispatching a run's proposals through the actions API against the sandbox's Business API:
report-only, autopilot off, stale data (held), executed once per request id, a refusal at TikTok
recorded and not retried, a refused request (invalid), and never another tenant's account."""

from __future__ import annotations

from datetime import timedelta

import pytest

from autopilot.models import ProposedAction, RunMode
from autopilot.services import brain_dispatch
from tests.autopilot.factories import AS_OF, make_run
from tests.tiktok_ads.helpers import connect_business
from tests.tiktok_ads.test_actions_api import EMULATOR, NOW, _status, _tree
from tiktok_ads.client import BusinessApiClient
from tiktok_ads.models import ActionRecord, AdAccount, Advertiser


@pytest.fixture
def live(sandbox, tenant_a):
    sandbox.set_options(EMULATOR, clock_frozen_at=NOW)
    connect_business(tenant_a)
    advertiser = Advertiser.objects.for_tenant(tenant_a).get(name="Glow Corner MY")
    account = AdAccount.objects.create(tenant=tenant_a, name="Client One", advertiser=advertiser, autopilot_tiktok=True)
    client = BusinessApiClient.for_advertiser(advertiser)
    return account, client, _tree(client, advertiser.advertiser_id)


def _propose(run, *rows) -> list[ProposedAction]:
    made = []
    for position, (action, params) in enumerate(rows, start=1):
        made.append(
            ProposedAction.objects.create(
                tenant=run.tenant,
                run=run,
                position=position,
                action=action,
                params={"ad_account_id": str(run.ad_account_id), **params},
                rule="test",
                reason="test",
                request_id=f"autopilot:{run.pk}:{position}",
            )
        )
    return made


def _states(run) -> list[tuple[str, str]]:
    return [(row.state, row.error) for row in ProposedAction.objects.for_tenant(run.tenant).filter(run=run).order_by("position")]


def _budget(client, account, adgroup_id) -> str:
    rows = client.adgroups(account.advertiser.advertiser_id, filtering={"adgroup_ids": [adgroup_id]})
    return f"{float(rows[0]['budget']):.2f}"


def test_autopilot_with_fresh_data_executes_each_action_once(tenant_a, live):
    account, client, ids = live
    run = make_run(tenant_a, account, mode=RunMode.AUTOPILOT, data_as_of=AS_OF - timedelta(minutes=120))
    _propose(
        run, ("TikTok.UpdateAdGroupBudget", {"adgroup_id": ids["adgroup"], "budget": "30.00"}), ("TikTok.PauseAd", {"ad_id": ids["ad"]})
    )
    brain_dispatch(run=run)
    assert _states(run) == [("succeeded", ""), ("succeeded", "")]
    assert _budget(client, account, ids["adgroup"]) == "30.00" and _status(client, account, "ad", ids["ad"]) == "DISABLE"
    records = list(ActionRecord.objects.for_tenant(tenant_a).order_by("id"))
    assert [(r.request_id, r.actor, r.source, r.state) for r in records] == [
        (f"autopilot:{run.pk}:1", "autopilot", "autopilot", "succeeded"),
        (f"autopilot:{run.pk}:2", "autopilot", "autopilot", "succeeded"),
    ]
    assert [row.action_record_id for row in ProposedAction.objects.for_tenant(tenant_a).order_by("position")] == [r.pk for r in records]
    # A resumed run dispatching again (its proposals reset) sends nothing new: same records back.
    ProposedAction.objects.for_tenant(tenant_a).update(state="proposed")
    brain_dispatch(run=run)
    assert ActionRecord.objects.for_tenant(tenant_a).count() == 2 and _states(run) == [("succeeded", ""), ("succeeded", "")]


def test_report_only_and_autopilot_off_leave_proposals_proposed(tenant_a, live):
    account, client, ids = live
    report_only = make_run(tenant_a, account, mode=RunMode.REPORT_ONLY)
    _propose(report_only, ("TikTok.PauseAd", {"ad_id": ids["ad"]}))
    brain_dispatch(run=report_only)
    assert _states(report_only) == [("proposed", "")]
    assert report_only.stale_reason == "Report only: the run's mode is report-only."
    AdAccount.objects.for_tenant(tenant_a).filter(pk=account.pk).update(autopilot_tiktok=False)  # turned off since the run began
    off = make_run(tenant_a, account, mode=RunMode.AUTOPILOT)
    _propose(off, ("TikTok.PauseAd", {"ad_id": ids["ad"]}))
    brain_dispatch(run=off)
    assert _states(off) == [("proposed", "")] and off.stale_reason == "Report only: autopilot is off for ad account Client One."
    assert not ActionRecord.objects.for_tenant(tenant_a).exists()
    assert _status(client, account, "ad", ids["ad"]) == "ENABLE"


def test_stale_data_holds_the_actions(tenant_a, live, settings):
    account, client, ids = live
    settings.AUTOPILOT_STALE_MINUTES = 120
    run = make_run(tenant_a, account, mode=RunMode.AUTOPILOT, data_as_of=AS_OF - timedelta(minutes=121))
    _propose(run, ("TikTok.PauseAd", {"ad_id": ids["ad"]}))
    brain_dispatch(run=run)
    run.refresh_from_db()
    assert _states(run) == [("held", "")]
    assert run.stale_reason == "Held: the figures were collected 121 minutes before the run started (more than the 120-minute margin)."
    no_time = make_run(tenant_a, account, mode=RunMode.AUTOPILOT, data_as_of=None)
    _propose(no_time, ("TikTok.PauseAd", {"ad_id": ids["ad"]}))
    brain_dispatch(run=no_time)
    assert _states(no_time) == [("held", "")]
    assert not ActionRecord.objects.for_tenant(tenant_a).exists() and _status(client, account, "ad", ids["ad"]) == "ENABLE"


def test_a_refusal_at_tiktok_is_failed_with_its_reason_and_not_retried(tenant_a, live):
    account, client, ids = live
    client.campaign_status_update(account.advertiser.advertiser_id, [ids["campaign"]], "DELETE")
    run = make_run(tenant_a, account, mode=RunMode.AUTOPILOT)
    _propose(
        run,
        ("TikTok.ResumeCampaign", {"campaign_id": ids["campaign"]}),
        ("TikTok.UpdateAdGroupBudget", {"adgroup_id": ids["adgroup"], "budget": "1.00"}),
    )
    brain_dispatch(run=run)
    (failed, failed_error), (invalid, invalid_error) = _states(run)
    assert failed == "failed" and f"The campaign {ids['campaign']} is deleted" in failed_error
    assert invalid == "invalid" and invalid_error == "params.budget: The daily budget must be at least 20.00 MYR for a TikTok ad group."
    assert ActionRecord.objects.for_tenant(tenant_a).count() == 1  # the invalid one stored nothing
    ProposedAction.objects.for_tenant(tenant_a).filter(state="failed").update(state="proposed")
    brain_dispatch(run=run)  # the same request id: the stored failure comes back, TikTok is not asked again
    assert ActionRecord.objects.for_tenant(tenant_a).count() == 1 and _states(run)[0][0] == "failed"


def test_never_acts_on_another_tenants_account(tenant_a, tenant_b, live):
    account, client, ids = live
    theirs = AdAccount.objects.create(tenant=tenant_b, name="Theirs", autopilot_tiktok=True, advertiser=None)
    # A proposal naming another tenant's account is refused by the tenant-scoped actions API.
    run = make_run(tenant_a, account, mode=RunMode.AUTOPILOT)
    _propose(run, ("TikTok.PauseAd", {"ad_id": ids["ad"], "ad_account_id": str(theirs.pk)}))
    brain_dispatch(run=run)
    assert _states(run) == [("invalid", f"params.ad_account_id: no ad account {theirs.pk} in this workspace.")]
    # A run whose account is not its tenant's holds everything.
    foreign = make_run(tenant_a, theirs, mode=RunMode.AUTOPILOT)
    _propose(foreign, ("TikTok.PauseAd", {"ad_id": ids["ad"]}))
    brain_dispatch(run=foreign)
    assert _states(foreign) == [("held", "")] and foreign.stale_reason == "The ad account is no longer in this workspace."
    assert not ActionRecord.all_tenants.exists() and _status(client, account, "ad", ids["ad"]) == "ENABLE"
