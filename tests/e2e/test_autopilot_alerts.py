"""Real Chromium: the alert rule form shows only the fields of the chosen kind, and saves."""

import pytest

from autopilot.models import AlertRule
from core.services import tenant_create
from core.tenancy import tenant_scope
from tests.conftest import make_user

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"


@pytest.fixture
def academy(transactional_db):
    user = make_user("rosa", password=PASSWORD)
    return tenant_create(name="Academy", slug="academy", owner=user)


def test_rule_form_fields_follow_the_kind(academy, live_server, browser_page):
    page = browser_page
    page.goto("/login/?next=/autopilot/alerts/new/")
    page.fill("#id_username", "rosa")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")

    expect(page.locator("#id_kind")).to_be_visible()
    # The first kind is a KPI threshold: KPI, comparison, threshold and period show.
    for field in ("kpi", "comparison", "threshold", "window_days"):
        expect(page.locator(f"#field-{field}")).to_be_visible()
    expect(page.locator("#field-slow_days")).to_be_hidden()

    page.select_option("#id_kind", "slow_movers")
    expect(page.locator("#field-slow_days")).to_be_visible()
    for field in ("kpi", "comparison", "threshold", "window_days"):
        expect(page.locator(f"#field-{field}")).to_be_hidden()

    page.select_option("#id_kind", "sync_failing")
    expect(page.locator("#field-window_days")).to_be_visible()
    expect(page.locator("#field-kpi")).to_be_hidden()

    # Back to a KPI rule without a KPI: the page answers with the field's error, fields still shown.
    page.select_option("#id_kind", "kpi_change")
    page.fill("#id_name", "Orders drop")
    page.fill("#id_threshold", "20")
    page.click("#alert-rule-form button[type=submit]")
    expect(page.locator("#field-kpi .errorlist")).to_have_text("Pick the KPI this rule watches.")
    expect(page.locator("#field-kpi")).to_be_visible()
    expect(page.locator("#field-slow_days")).to_be_hidden()

    page.select_option("#id_kpi", "orders")
    page.click("#alert-rule-form button[type=submit]")
    expect(page.locator("#rules-table")).to_contain_text("Orders drop")
    with tenant_scope(academy):
        rule = AlertRule.objects.get()
    assert (rule.kind, rule.kpi, str(rule.threshold)) == ("kpi_change", "orders", "20.00")
