"""No silent empty answers: a campaign range with days never fetched answers 202 with what is
stored, the missing spans per ad account, the backfill run and a poll URL; the run (a part per
account × ≤ 93-day chunk) fills the range and the same request answers 200. A second request
joins the running backfill; a failed part shows its error until retried; coverage says what was
fetched; another tenant's backfill is a 404."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.models import Role, SyncRun, SyncState
from core.tenancy import tenant_scope
from gmvmax import selectors, services
from gmvmax.models import CoverageKind, FetchCoverage, GmvMaxCampaign, RunKind
from tests.gmvmax import expected
from tests.gmvmax.conftest import EMULATOR
from tiktok_ads.client import BusinessApiClient
from tiktok_ads.models import BusinessConnection

pytestmark = pytest.mark.django_db

CAMPAIGNS = "/api/tiktok/gmv-max"


@pytest.fixture
def api(api_client_for, tenant_a):
    return api_client_for(tenant_a, Role.VIEWER)


@pytest.fixture
def report_calls(monkeypatch):
    calls = []
    original = BusinessApiClient.gmv_max_report_pages

    def spy(self, **kwargs):
        calls.append(kwargs)
        return original(self, **kwargs)

    monkeypatch.setattr(BusinessApiClient, "gmv_max_report_pages", spy)
    return calls


def _cold_range(advertisers, days=40, ago=10):
    """A range no account has stored, ending ``ago`` days before the earliest account's today."""
    today = min(services.advertiser_today(a) for a in advertisers.values())
    end = today - timedelta(days=ago)
    return end - timedelta(days=days - 1), end


def _query(start, end, **extra):
    return {"startDate": start.isoformat(), "endDate": end.isoformat(), "promotion_type": "LIVE_GMV_MAX", **extra}


def test_a_cold_range_answers_202_with_missing_run_and_poll_then_200(advertisers, api, tenant_a, clock, django_capture_on_commit_callbacks):
    start, end = _cold_range(advertisers)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = api.get(CAMPAIGNS, _query(start, end))
    assert first.status_code == 202
    body = first.json()
    assert list(body) == ["campaigns", "missing", "run", "poll"]
    assert body["campaigns"] == []  # nothing stored yet, said so
    by_pk = sorted(advertisers.values(), key=lambda a: a.pk)
    assert body["missing"] == [
        {"advertiserId": a.advertiser_id, "accountName": a.name, "startDate": start.isoformat(), "endDate": end.isoformat()} for a in by_pk
    ]
    run = body["run"]
    assert (run["kind"], run["state"], run["partsTotal"], run["partsDone"]) == ("gmvmax.stats_backfill", "running", 4, 0)
    assert (run["startDate"], run["endDate"]) == (start.isoformat(), end.isoformat())
    assert run["url"] == f"/api/sync-runs/{run['id']}/"
    assert body["poll"] == f"/api/tiktok/gmv-max/backfills/{run['id']}"
    assert len(callbacks) == 4  # one part per account, enqueued on the fetch queue

    polled = api.get(body["poll"])
    assert polled.status_code == 200
    assert polled.json()["run"]["state"] == "succeeded" and polled.json()["run"]["partsDone"] == 4
    assert polled.json()["missing"] == []

    done = api.get(CAMPAIGNS, _query(start, end))
    assert done.status_code == 200 and list(done.json()) == ["campaigns"]
    my = advertisers["Glow Corner MY"]
    mine = [row for row in done.json()["campaigns"] if row["accountName"] == "Glow Corner MY"]
    assert len(mine) == 4
    for row in mine:
        want = expected.campaign_totals(my.advertiser_id, row["campaignId"], start, end, clock)
        assert (row["cost"], row["gmv"], row["orders"], row["roi"]) == (
            float(want["cost"]),
            float(want["gmv"]),
            want["orders"],
            float(want["roi"]),
        )

    # It is a sync run like the others: on /api/sync-runs/ with its parts and progress.
    listed = api.get("/api/sync-runs/", {"kind": "gmvmax.stats_backfill"}).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["id"] for r in rows] == [run["id"]] and rows[0]["percent"] == 100.0
    coverage = FetchCoverage.objects.for_tenant(tenant_a).filter(kind=CoverageKind.CAMPAIGN_STATS)
    assert sorted((c.target, c.start_date, c.end_date) for c in coverage) == [(f"advertiser:{a.pk}", start, end) for a in by_pk]


def test_long_ranges_are_chunked_per_account_and_clamped_to_what_the_platform_has(
    advertisers, api, tenant_a, report_calls, django_capture_on_commit_callbacks
):
    today = max(services.advertiser_today(a) for a in advertisers.values())
    start, end = today - timedelta(days=149), today + timedelta(days=3)  # 150 days back, past every account's today
    with django_capture_on_commit_callbacks(execute=True):
        body = api.get(CAMPAIGNS, _query(start, end)).json()
    # Nothing known about the accounts yet: each account's span ends on its own today.
    assert {(m["startDate"], m["endDate"]) for m in body["missing"]} <= {
        (start.isoformat(), services.advertiser_today(a).isoformat()) for a in advertisers.values()
    }
    with tenant_scope(tenant_a):
        run = SyncRun.objects.get(pk=body["run"]["id"])
        keys = sorted(run.parts.values_list("key", flat=True))
    assert run.parts_total == 8 == len(keys)  # 4 accounts × (93 + the rest)
    assert run.state == SyncState.SUCCEEDED
    assert all((call["end_date"] - call["start_date"]).days + 1 <= 93 for call in report_calls)
    # No day asked for before an account's first campaign (the demo keeps 120 days), none after its today.
    with tenant_scope(tenant_a):
        for advertiser in advertisers.values():
            created = min(
                c.platform_created_at for c in GmvMaxCampaign.objects.filter(advertiser=advertiser) if c.platform_created_at is not None
            )
            first_day = created.astimezone(ZoneInfo(advertiser.time_zone)).date()
            calls = [c for c in report_calls if c["advertiser_id"] == advertiser.advertiser_id]
            assert calls and min(c["start_date"] for c in calls) == max(start, first_day) > start
            assert max(c["end_date"] for c in calls) <= services.advertiser_today(advertiser)
    # The clamped days count as covered: the range answers 200 at once now, with no new run.
    again = api.get(CAMPAIGNS, _query(start, end))
    assert again.status_code == 200
    assert SyncRun.objects.for_tenant(tenant_a).filter(kind=RunKind.STATS_BACKFILL).count() == 1


def test_a_second_request_joins_the_running_backfill(advertisers, api, tenant_a, django_capture_on_commit_callbacks):
    start, end = _cold_range(advertisers)
    with django_capture_on_commit_callbacks() as callbacks:
        first = api.get(CAMPAIGNS, _query(start, end)).json()
        second = api.get(CAMPAIGNS, _query(start, end)).json()
        # A narrower request (one shop) whose days are all being fetched joins it too.
        shop = api.get(CAMPAIGNS, _query(start + timedelta(days=5), end, shopNumber=1)).json()
    assert first["run"]["id"] == second["run"]["id"] == shop["run"]["id"]
    assert len(callbacks) == 4  # the parts of one run, enqueued once
    assert SyncRun.objects.for_tenant(tenant_a).filter(kind=RunKind.STATS_BACKFILL).count() == 1
    assert [m["accountName"] for m in shop["missing"]] == ["Glow Corner MY", "Glow Corner MY Live"]
    for callback in callbacks:
        callback()
    assert api.get(CAMPAIGNS, _query(start, end)).status_code == 200


def test_a_covered_range_answers_200_at_once_without_a_run(advertisers, api, tenant_a):
    with tenant_scope(tenant_a):
        for advertiser in advertisers.values():
            today = services.advertiser_today(advertiser)
            services.campaign_stats_sync(advertiser=advertiser, start=today - timedelta(days=6), end=today)
    today = max(services.advertiser_today(a) for a in advertisers.values())
    response = api.get(CAMPAIGNS, _query(today - timedelta(days=5), today + timedelta(days=2)))  # the future: nothing to fetch
    assert response.status_code == 200 and list(response.json()) == ["campaigns"]
    assert not SyncRun.objects.for_tenant(tenant_a).filter(kind=RunKind.STATS_BACKFILL).exists()


def test_coverage_bookkeeping_finds_the_gaps(advertisers, tenant_a, in_tenant_a):
    my = advertisers["Glow Corner MY"]
    today = services.advertiser_today(my)
    day = today - timedelta(days=30)
    services.stats_coverage_record(advertiser=my, start=day, end=day + timedelta(days=4))
    services.stats_coverage_record(advertiser=my, start=day + timedelta(days=7), end=day + timedelta(days=9))
    missing = [m for m in selectors.stats_missing(tenant_a, start=day, end=day + timedelta(days=11)) if m.advertiser_pk == my.pk]
    assert [(m.start, m.end) for m in missing] == [
        (day + timedelta(days=5), day + timedelta(days=6)),
        (day + timedelta(days=10), day + timedelta(days=11)),
    ]

    # A wider fetch supersedes the rows inside it; the same range again only moves fetched_at.
    wide = services.stats_coverage_record(advertiser=my, start=day, end=day + timedelta(days=11))
    again = services.stats_coverage_record(advertiser=my, start=day, end=day + timedelta(days=11))
    rows = FetchCoverage.objects.for_tenant(tenant_a).filter(target=f"advertiser:{my.pk}")
    assert list(rows.values_list("start_date", "end_date")) == [(day, day + timedelta(days=11))]
    assert rows.get().fetched_at == again.fetched_at >= wide.fetched_at
    assert not [m for m in selectors.stats_missing(tenant_a, start=day, end=day + timedelta(days=11)) if m.advertiser_pk == my.pk]

    # The beat's recent-days sync records its window.
    (result, *_) = services.recent_days_sync(tenant=tenant_a, lookback_days=2)
    assert (result.coverage.kind, result.coverage.end_date - result.coverage.start_date) == (CoverageKind.CAMPAIGN_STATS, timedelta(days=1))


def test_a_failed_backfill_shows_its_error_and_retry_completes_it(
    advertisers, api, client_a, tenant_a, sandbox, django_capture_on_commit_callbacks
):
    start, end = _cold_range(advertisers)
    sandbox.set_faults(EMULATOR, expired_token=True)
    with django_capture_on_commit_callbacks(execute=True):
        first = api.get(CAMPAIGNS, _query(start, end))
    assert first.status_code == 202
    poll = first.json()["poll"]
    failed = api.get(poll)
    assert failed.status_code == 202  # never a 500: the upstream error is the run's
    body = failed.json()
    assert body["run"]["state"] == "failed" and body["run"]["error"] and body["retry"] == poll
    assert len(body["missing"]) == 4
    # Failed stays failed (no hammering a failing platform) until retried.
    again = api.get(CAMPAIGNS, _query(start, end))
    assert again.status_code == 202 and again.json()["run"]["id"] == body["run"]["id"] and again.json()["retry"] == poll
    assert SyncRun.objects.for_tenant(tenant_a).filter(kind=RunKind.STATS_BACKFILL).count() == 1
    page = client_a.get("/gmv-max/", _query(start, end)).content.decode()
    assert f"Could not fetch {services.range_text(start, end)} from TikTok" in page and ">Retry</button>" in page

    sandbox.clear_faults(EMULATOR)
    BusinessConnection.objects.for_tenant(tenant_a).update(status="active")  # re-authorized
    with django_capture_on_commit_callbacks(execute=True):
        retried = api.post(poll)
    assert retried.status_code == 202 and retried.json()["run"]["attempts"] == 2
    assert api.get(poll).status_code == 200
    assert api.get(CAMPAIGNS, _query(start, end)).status_code == 200


def test_the_page_shows_the_backfill_and_reloads_when_done(advertisers, client_a, tenant_a, django_capture_on_commit_callbacks):
    start, end = _cold_range(advertisers, days=30)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_a.get("/gmv-max/", _query(start, end))
    assert response.status_code == 200
    html = response.content.decode()
    run = SyncRun.objects.for_tenant(tenant_a).get(kind=RunKind.STATS_BACKFILL)
    assert f"Fetching {services.range_text(start, end)} from TikTok…" in html
    assert f'hx-get="/gmv-max/backfills/{run.pk}/"' in html and 'hx-trigger="load delay:1s"' in html
    assert "0 of 4 parts" in html and "No GMV Max figures for this range" not in html
    # The debug-table alias is the same page.
    assert "from TikTok…" in client_a.get("/debug-table-ikram", _query(start, end)).content.decode()
    for callback in callbacks:
        callback()
    partial = client_a.get(f"/gmv-max/backfills/{run.pk}/", HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and partial["HX-Refresh"] == "true"
    filled = client_a.get("/gmv-max/", _query(start, end)).content.decode()
    assert "from TikTok…" not in filled and "Breakdown by Account" in filled and 'class="account-row"' in filled


def test_range_text():
    this_year = date.today().year
    assert services.range_text(date(this_year, 1, 12), date(this_year, 3, 31)) == "12 Jan – 31 Mar"
    assert services.range_text(date(2020, 12, 1), date(2021, 1, 5)) == "1 Dec 2020 – 5 Jan 2021"


def test_another_tenants_backfill_is_404(
    advertisers, api, tenant_a, tenant_b, api_client_for, client, owner_b, django_capture_on_commit_callbacks
):
    start, end = _cold_range(advertisers)
    with django_capture_on_commit_callbacks():
        body = api.get(CAMPAIGNS, _query(start, end)).json()
    run_id = body["run"]["id"]
    other = api_client_for(tenant_b, Role.ADMIN)
    assert other.get(body["poll"]).status_code == 404
    assert other.post(body["poll"]).status_code == 404
    assert other.get(body["run"]["url"]).status_code == 404
    client.force_login(owner_b)
    assert client.get(f"/gmv-max/backfills/{run_id}/").status_code == 404
    assert client.post(f"/gmv-max/backfills/{run_id}/").status_code == 404
    # Tenant B's own (empty) table starts nothing and is complete.
    assert other.get(CAMPAIGNS, _query(start, end)).json() == {"campaigns": []}
    assert not SyncRun.objects.for_tenant(tenant_b).exists()
    # Another kind of run of the same tenant is not a backfill either.
    with tenant_scope(tenant_a):
        campaign = GmvMaxCampaign.objects.create(
            tenant=tenant_a, advertiser=advertisers["Glow Corner MY"], campaign_id="1", promotion_type="LIVE_GMV_MAX"
        )
        room_run, _ = services.room_fetch_request(tenant=tenant_a, campaign=campaign, start=start, end=end)
    assert api.get(f"/api/tiktok/gmv-max/backfills/{room_run.pk}").status_code == 404
