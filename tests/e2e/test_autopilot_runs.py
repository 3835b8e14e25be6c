"""Real Chromium: a brain run's page polls while the run is running and stops when it ends (the
scores and actions appear without a reload), an ad group's row expands to its factors with the
numbers, and the runs list's platform tabs. Screenshots at 1366 and 390 px land in
artifacts/screenshots/."""

from pathlib import Path

import pytest

from autopilot.models import BrainRun, CampaignReport
from autopilot.services import brain_evaluate
from autopilot.services.report import report_data, report_text
from core.services import tenant_create
from core.tenancy import tenant_scope
from tests.autopilot.factories import account_with_direction, brain_input, make_run
from tests.conftest import make_user

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"
SHOTS = Path("artifacts/screenshots")


@pytest.fixture
def agency(transactional_db):
    user = make_user("dana", password=PASSWORD)
    tenant = tenant_create(name="Agency", slug="agency", owner=user)
    with tenant_scope(tenant):
        account, direction = account_with_direction(tenant, name="Glow <Corner>")
        run = make_run(tenant, account)  # running, nothing scored yet
    return tenant, run, direction


def log_in(page, next_url: str) -> None:
    page.goto(f"/login/?next={next_url}")
    page.fill("#id_username", "dana")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def _finish(tenant, run, direction) -> None:
    with tenant_scope(tenant):
        brain_evaluate(run=run, data=brain_input(run, direction.pk))
        CampaignReport.objects.create(tenant=tenant, run=run, ad_account=run.ad_account, report_text=report_text(report_data(run)))
        BrainRun.objects.for_tenant(tenant).filter(pk=run.pk).update(state="succeeded")


def test_run_page_polls_until_done_and_rows_expand_to_their_factors(agency, browser_page):
    tenant, run, direction = agency
    page = browser_page
    log_in(page, f"/autopilot/runs/{run.pk}/")
    expect(page.locator("#run-polling")).to_be_visible()
    expect(page.locator("#run-body")).to_have_attribute("data-state", "running")
    _finish(tenant, run, direction)
    # The next poll swaps in the finished body: scores, actions, report; and no more polling.
    expect(page.locator("#run-body")).to_have_attribute("data-state", "succeeded", timeout=10_000)
    expect(page.locator("#run-polling")).to_have_count(0)
    assert page.locator("#run-body").get_attribute("hx-trigger") is None
    expect(page.locator("#actions-table tbody tr")).to_have_count(3)
    expect(page.locator("#actions-table [data-position='2']")).to_contain_text("adgroup:1002 budget: 5000.00 → 4000.00")
    expect(page.locator("#run-report b").first).to_have_text("TikTok report: Glow <Corner>")  # the Telegram HTML, rendered

    loser = page.locator("details[data-adgroup='1002']")
    factor = loser.locator("tr[data-factor='cpl']")
    expect(factor).to_be_hidden()
    loser.locator("summary").click()
    expect(factor).to_be_visible()
    expect(factor).to_contain_text("CPL 6,000 KZT is 140% above the 2,500 KZT target")
    expect(loser.locator("tr[data-factor='ctr']")).to_contain_text("13 / 25")

    page.goto("/autopilot/?platform=tiktok")
    expect(page.locator(f"#runs-table [data-run='{run.pk}']")).to_contain_text("3 Proposed")
    page.click("#platform-tabs [data-tab=instagram]")
    expect(page.locator("#platform-tabs .tab.active")).to_have_text("Instagram")
    expect(page.locator("#empty-runs")).to_be_visible()


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)])
def test_screenshots(agency, browser_page, width, height):
    tenant, run, direction = agency
    _finish(tenant, run, direction)
    page = browser_page
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, "/autopilot/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, url in (("runs", "/autopilot/?platform=tiktok"), ("run", f"/autopilot/runs/{run.pk}/")):
        page.goto(url)
        if name == "run":
            page.locator("details[data-adgroup='1002'] summary").click()
        page.screenshot(path=str(SHOTS / f"autopilot-{name}-{width}.png"), full_page=True)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, name
