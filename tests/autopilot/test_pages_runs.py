"""The runs pages: the list (tabs, account filter, counts, Run now) and one run (explained scores,
diffs, records, report; the body polls only while the run is active)."""

from __future__ import annotations

import pytest

from autopilot.models import BrainRun, CampaignReport
from autopilot.services import brain_evaluate
from autopilot.services.report import report_data, report_text
from core.models import Role
from tests.autopilot.factories import account_with_direction, brain_input, make_run


@pytest.fixture
def evaluated(tenant_a):
    account, direction = account_with_direction(tenant_a, name="Client <One>")
    run = make_run(tenant_a, account)
    brain_evaluate(run=run, data=brain_input(run, direction.pk))
    BrainRun.objects.for_tenant(tenant_a).filter(pk=run.pk).update(state="succeeded")
    run.state = "succeeded"
    CampaignReport.objects.create(tenant=tenant_a, run=run, ad_account=account, report_text=report_text(report_data(run)))
    return run


def _client(client, member_factory, tenant, role=Role.VIEWER):
    client.force_login(member_factory(tenant, role))
    return client


def test_runs_list_with_tabs_filter_and_counts(client, member_factory, tenant_a, evaluated):
    BrainRun.objects.create(tenant=tenant_a, platform="facebook", ad_account=evaluated.ad_account, state="succeeded")
    page = _client(client, member_factory, tenant_a).get("/autopilot/")
    html = page.content.decode()
    assert page.status_code == 200 and f'data-run="{evaluated.pk}"' in html
    assert 'data-health="failing">1 Failing' in html and 'data-action-state="proposed">3 Proposed' in html
    assert "Client &lt;One&gt;" in html and "Run now" not in html  # a viewer; and the account has no advertiser
    instagram = client.get("/autopilot/?platform=instagram").content.decode()
    assert f'data-run="{evaluated.pk}"' not in instagram and instagram.count("data-run=") == 1
    other, _ = account_with_direction(tenant_a, name="Other")
    assert "empty-runs" in client.get(f"/autopilot/?platform=tiktok&account={other.pk}").content.decode()


def test_run_page_shows_factors_diffs_and_report(client, member_factory, tenant_a, evaluated):
    html = _client(client, member_factory, tenant_a).get(f"/autopilot/runs/{evaluated.pk}/").content.decode()
    assert 'data-adgroup="1002" data-health="failing"' in html
    assert "CPL 6,000 KZT is 140% above the 2,500 KZT target" in html
    assert (
        '<span class="mono">adgroup:1002</span> budget: <span class="mono">5000.00</span> → <strong class="mono">4000.00</strong>' in html
    )
    assert "<b>TikTok report: Client &lt;One&gt;</b>" in html  # the Telegram HTML rendered, the name still escaped
    assert "hx-trigger" not in html.split('id="run-body"')[1].split(">")[0]  # not running: no poll
    evaluated.state = "running"
    evaluated.save(update_fields=["state"])
    body = client.get(f"/autopilot/runs/{evaluated.pk}/body/").content.decode()
    assert f'hx-get="/autopilot/runs/{evaluated.pk}/body/" hx-trigger="every 2s"' in body


def test_another_tenants_run_is_a_404(client, member_factory, tenant_b, evaluated):
    client = _client(client, member_factory, tenant_b)
    assert client.get(f"/autopilot/runs/{evaluated.pk}/").status_code == 404
    assert client.get(f"/autopilot/runs/{evaluated.pk}/body/").status_code == 404


def test_run_now_needs_an_analyst_and_starts_a_run(client, member_factory, tenant_a, monkeypatch, evaluated):
    from autopilot.views import runs

    started = []

    def fake_start(**kwargs):
        started.append(kwargs)
        return evaluated

    monkeypatch.setattr(runs, "brain_run_start", fake_start)
    viewer = _client(client, member_factory, tenant_a)
    assert viewer.post("/autopilot/runs/start/", {"ad_account_id": evaluated.ad_account_id}).status_code == 403
    analyst = member_factory(tenant_a, Role.ANALYST)
    client.force_login(analyst)
    response = client.post("/autopilot/runs/start/", {"ad_account_id": evaluated.ad_account_id})
    assert response.status_code == 302 and response["Location"] == f"/autopilot/runs/{evaluated.pk}/"
    assert started == [
        {"tenant": tenant_a, "ad_account_id": str(evaluated.ad_account_id), "trigger": "manual", "requested_by": analyst.get_username()}
    ]
