"""The run's report: Telegram HTML with names escaped, stored once per run and handed to the outbox."""

from __future__ import annotations

import pytest

from autopilot.models import CampaignReport
from autopilot.services import brain_evaluate, brain_report, outbox
from tests.autopilot.factories import account_with_direction, brain_input, make_run


@pytest.fixture
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr(outbox, "outbox_enqueue_report", lambda *, report: calls.append(report.pk) or [])
    return calls


def test_report_text_summary_health_and_actions(tenant_a, enqueued):
    account, direction = account_with_direction(tenant_a, name="Client <One>")
    run = make_run(tenant_a, account)
    brain_evaluate(run=run, data=brain_input(run, direction.pk))
    report = brain_report(run=run)
    assert (report.platform, report.ad_account_id, enqueued) == ("tiktok", account.pk, [report.pk])
    lines = report.report_text.split("\n")
    assert lines[:7] == [
        "<b>TikTok report: Client &lt;One&gt;</b>",
        "2026-11-11 – 2026-11-17",
        "",
        "Spend: <b>23,500 KZT</b>",
        "Leads: <b>7</b>",
        "CPL: <b>3,357.14 KZT</b> (target 2,500 KZT)",
        "",
    ]
    assert lines[7:13] == [
        "<b>Ad groups</b>",
        "🔴 Loser &lt;b&gt;&amp; — Failing, 21/100: CPL 6,000 KZT is 140% above the 2,500 KZT target",
        "🟢 Winner — Healthy, 100/100: CPL 2,000 KZT is 20% under the 2,500 KZT target",
        "🔵 Fresh — Learning, 87/100: Learning: 2 day(s) of delivery, under 3",
        "⚪ Idle — No data, 0/100: No delivery in the window",
        "",
    ]
    assert lines[13] == "<b>Actions</b> (3 proposed)"
    assert lines[14].startswith("1. [proposed] Ad Ad 2001 spent 6,000 KZT with no leads")
    assert "Loser &lt;b&gt;&amp;" in lines[15] and "<b>&" not in report.report_text.replace("<b>TikTok", "").replace("<b>2", "")
    assert report.report_data["health"] == {"healthy": 1, "failing": 1, "learning": 1, "no_data": 1}
    # Reporting again (a resumed run) returns the stored report and enqueues nothing more.
    assert brain_report(run=run).pk == report.pk and enqueued == [report.pk]
    assert CampaignReport.objects.for_tenant(tenant_a).count() == 1
