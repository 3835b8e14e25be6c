"""The global search and business-overview hooks, the success-rate chart's figures, and the
destinations table: live partial, resolved errors no longer shown as current, long errors wrap."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from conversions.models import Delivery, DeliveryStatus, Destination, DestinationState, Event, Platform
from conversions.selectors import success_rates
from core.dateranges import date_range_resolve
from core.models import Role
from core.registry import ChecklistStep, DailyFigure, Freshness, SearchResult
from core.tenancy import tenant_scope
from tests.conversions.conftest import make_destination

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def add_deliveries(tenant, destination, day: date, **counts: int) -> None:
    """``counts`` per status for events created on ``day`` (noon UTC), sent the same day."""
    with tenant_scope(tenant):
        for status, count in counts.items():
            for n in range(count):
                event = Event.objects.create(tenant=tenant, event_id=f"{destination.pk}-{day}-{status}-{n}", name="TRIAL_BOOKED", event_time=at(day), received_at=at(day))
                Delivery.objects.create(
                    tenant=tenant, event=event, destination=destination, platform=destination.platform, status=status,
                    created_at=at(day), sent_at=at(day, 13) if status == DeliveryStatus.SENT else None,
                )


@pytest.fixture
def config():
    return apps.get_app_config("conversions")


def test_search_finds_events_by_exact_and_prefix_id(tenant_a, tenant_b, config):
    tiktok = make_destination(tenant_a, Platform.TIKTOK)
    add_deliveries(tenant_a, tiktok, date(2026, 12, 1), SENT=1)
    with tenant_scope(tenant_a):
        event = Event.objects.create(tenant=tenant_a, event_id="appt-12345", name="TRIAL_BOOKED", event_time=at(date(2026, 12, 2)), received_at=at(date(2026, 12, 2)))
        Event.objects.create(tenant=tenant_a, event_id="appt-123456", name="APPOINTMENT_UPDATED", event_time=at(date(2026, 12, 3)), received_at=at(date(2026, 12, 3)))
        hits = config.search(tenant_a, "appt-12345", limit=5)
    assert hits[0] == SearchResult("Conversion event", "appt-12345", f"/conversions/events/{event.pk}/", "TRIAL_BOOKED · 2 Dec 2026, 12:00")
    assert [hit.title for hit in hits] == ["appt-12345", "appt-123456"]
    with tenant_scope(tenant_a):
        assert [hit.title for hit in config.search(tenant_a, "appt-1", limit=1)] == ["appt-123456"]  # newest first
        assert config.search(tenant_a, "ppt-12345", limit=5) == []  # prefix, not substring
    with tenant_scope(tenant_b):
        assert config.search(tenant_b, "appt-12345", limit=5) == []


def test_overview_counts_delivered_conversions_per_day_and_destination(tenant_a, config):
    tiktok = make_destination(tenant_a, Platform.TIKTOK)
    meta = make_destination(tenant_a, Platform.META)
    add_deliveries(tenant_a, tiktok, date(2026, 11, 20), SENT=3, DEAD=1)
    add_deliveries(tenant_a, meta, date(2026, 11, 20), SENT=2, SKIPPED=4)
    add_deliveries(tenant_a, tiktok, date(2026, 11, 13), SENT=5)  # the comparison span
    add_deliveries(tenant_a, tiktok, date(2026, 11, 1), SENT=7)  # outside both
    date_range = date_range_resolve({"range": "custom", "start": "2026-11-14", "end": "2026-11-20", "compare": "previous"}, zone="UTC")
    with tenant_scope(tenant_a):
        overview = config.overview(tenant_a, date_range)
    assert sorted(overview.figures, key=lambda f: (f.day, f.source)) == [
        DailyFigure(day=date(2026, 11, 13), source="TikTok", conversions=5),
        DailyFigure(day=date(2026, 11, 20), source="Meta", conversions=2),
        DailyFigure(day=date(2026, 11, 20), source="TikTok", conversions=3),
    ]
    assert overview.freshness == [Freshness("Conversion deliveries", at(date(2026, 11, 20), 13), "/conversions/destinations/")]
    assert overview.checklist == [ChecklistStep(4, "Add a conversion destination", True, "/conversions/settings/new/")]


def test_overview_of_a_new_tenant_asks_for_a_destination(tenant_b, config):
    with tenant_scope(tenant_b):
        overview = config.overview(tenant_b, date_range_resolve({}, zone="UTC"))
    assert (overview.figures, overview.freshness) == ([], [])
    assert overview.checklist == [ChecklistStep(4, "Add a conversion destination", False, "/conversions/settings/new/")]


def test_success_rate_per_day_per_destination(tenant_a, web_client_for):
    tiktok = make_destination(tenant_a, Platform.TIKTOK)
    meta = make_destination(tenant_a, Platform.META)
    day1, day2, day3 = date(2026, 11, 18), date(2026, 11, 19), date(2026, 11, 20)
    add_deliveries(tenant_a, tiktok, day1, SENT=3, DEAD=1, SKIPPED=5, PENDING=2)  # 3 of 4 decided: 75 %
    add_deliveries(tenant_a, tiktok, day3, SENT=1)
    add_deliveries(tenant_a, meta, day1, DEAD=2)
    add_deliveries(tenant_a, meta, day2, SENT=2, DEAD=1, FAILED=3)  # 2 of 3: 66.7 %
    with tenant_scope(tenant_a):
        days, series = success_rates(tenant_a, day1, day3)
    assert days == [day1, day2, day3]
    assert series == {"Meta": [0.0, 66.7, None], "TikTok": [75.0, None, 100.0]}

    client, _ = web_client_for(tenant_a, Role.VIEWER)
    response = client.get("/conversions/destinations/", {"range": "custom", "start": "2026-11-18", "end": "2026-11-20"})
    chart = response.context["success_chart"]
    assert (chart.y_format, chart.kind, list(chart.labels)) == ("percent", "line", ["2026-11-18", "2026-11-19", "2026-11-20"])
    assert [(s.label, list(s.values)) for s in chart.series] == [("Meta", [0.0, 66.7, None]), ("TikTok", [75.0, None, 100.0])]
    rows = {row["name"]: row for row in response.context["table"].rows}
    assert (rows["TikTok"]["success_rate"], rows["Meta"]["success_rate"]) == (80.0, 40.0)  # 4 of 5, 2 of 5


def test_health_table_polls_and_shows_errors_honestly(tenant_a, web_client_for):
    now = timezone.now()
    long_error = "Meta 190: Error validating access token: Session has expired on Thursday. " * 6
    tiktok = make_destination(tenant_a, Platform.TIKTOK, last_error="TikTok 50000: System error.", last_error_at=now - timedelta(hours=2), last_success_at=now - timedelta(minutes=3))
    meta = make_destination(tenant_a, Platform.META, state=DestinationState.NEEDS_TOKEN, last_error=long_error, last_error_at=now - timedelta(minutes=10))
    admin, _ = web_client_for(tenant_a, Role.ADMIN)
    html = admin.get("/conversions/destinations/").content.decode()
    tiktok_row = html.split(f'id="destination-{tiktok.pk}"')[1].split("</tr>")[0]
    assert "Resolved — sent since" in tiktok_row and '<div class="error-text" title' not in tiktok_row
    meta_row = html.split(f'id="destination-{meta.pk}"')[1].split("</tr>")[0]
    assert f'<div class="error-text" title="{long_error}">' in meta_row
    assert ">Resume</button>" in meta_row  # still there however long the error

    # Resolved but not active again: still current.
    Destination.objects.for_tenant(tenant_a).filter(pk=tiktok.pk).update(state=DestinationState.PAUSED)
    live = admin.get("/conversions/destinations/", HTTP_HX_REQUEST="true")
    partial = live.content.decode()
    assert partial.startswith('<div id="health-live" hx-get="/conversions/destinations/" hx-trigger="every 5s"')
    assert "<html" not in partial and "Resolved — sent since" not in partial
    assert 'title="TikTok 50000: System error."' in partial


def test_health_table_shows_its_actions_column_only_when_a_row_has_an_action(tenant_a, web_client_for):
    tiktok = make_destination(tenant_a, Platform.TIKTOK)
    admin, _ = web_client_for(tenant_a, Role.ADMIN)

    calm = admin.get("/conversions/destinations/").content.decode()
    assert "with-actions" not in calm and "sticky-end" not in calm and ">Actions<" not in calm

    Destination.objects.for_tenant(tenant_a).filter(pk=tiktok.pk).update(state=DestinationState.PAUSED)
    paused = admin.get("/conversions/destinations/").content.decode()
    assert 'class="table health with-actions"' in paused and ">Resume</button>" in paused
