"""Pages: events list with a chip per destination, expandable deliveries, detail with masked
identifiers, destination health with the chart data, replay/resume, exports."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from conversions.models import Delivery, DeliveryStatus, Destination
from core.models import Role
from tests.conversions.conftest import event_payload
from tests.conversions.helpers import delivery_of, event, ingest

pytestmark = pytest.mark.django_db


def chips(html: str, event_pk: int) -> list[str]:
    """The delivery chips of an event's row, as read."""
    row = html.split(f'id="event-{event_pk}"')[1].split("</tr>")[0]
    return [f"{name}{rest}" for name, rest in re.findall(r'delivery-chip"[^>]*><span class="chip-dest">(.*?)</span>(.*?)</span>', row)]


@pytest.fixture
def delivered(tenant_a, tiktok_a, meta_a, platforms, django_capture_on_commit_callbacks):
    platforms.answers["meta"] = [
        (400, {"error": {"message": "Invalid parameter", "type": "OAuthException", "code": 100, "fbtrace_id": "t"}})
    ]
    ingest(
        tenant_a,
        event_payload(1, ip="203.0.113.5", fbp="fb.1.1.2"),
        event_payload(2, event_name="TRIAL_CANCELED"),
        capture=django_capture_on_commit_callbacks,
    )
    return tenant_a


def test_events_page_shows_a_chip_per_destination(delivered, tiktok_a, meta_a, web_client_for):
    client, _ = web_client_for(delivered, Role.VIEWER)
    response = client.get("/conversions/")
    assert response.status_code == 200
    html = response.content.decode()
    first = event(delivered, "appt-1")
    assert f'id="event-{first.pk}"' in html
    assert chips(html, first.pk) == ["Meta · Failed: Meta 100: Invalid parameter", "TikTok · Sent"]
    second = event(delivered, "appt-2")
    assert chips(html, second.pk) == ["Meta · Skipped: event not mapped", "TikTok · Skipped: event not mapped"]
    assert "Not sent: No TikTok event mapping for: TRIAL_CANCELED." in html  # the chip's title says why
    assert "$50.00" in html
    assert f'hx-get="/conversions/events/{first.pk}/deliveries/"' in html


def test_events_page_filters(delivered, web_client_for):
    client, _ = web_client_for(delivered, Role.VIEWER)
    html = client.get("/conversions/", {"status": "DEAD"}).content.decode()
    assert "appt-1" in html and "appt-2" not in html
    html = client.get("/conversions/", {"name": "TRIAL_CANCELED"}).content.decode()
    assert "appt-2" in html and "appt-1</a>" not in html
    bad = client.get("/conversions/", {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert bad.status_code == 400
    assert "Must be on or after date_from." in bad.content.decode()
    bad = client.get("/conversions/", {"range": "custom", "start": "2026-13-01"})
    assert bad.status_code == 400
    assert '<span class="mono">start</span>: Enter a date as YYYY-MM-DD.' in bad.content.decode()


def test_expanded_row_shows_requests_and_responses_with_identifiers_masked(delivered, web_client_for):
    client, _ = web_client_for(delivered, Role.VIEWER)
    first = event(delivered, "appt-1")
    html = client.get(f"/conversions/events/{first.pk}/deliveries/").content.decode()
    assert "U***@Example.com" in html
    assert "User1@Example.com" not in html
    assert "***34" in html and "555-1234" not in html
    assert "203.0.113.x" in html and "203.0.113.5" not in html
    assert "&quot;event_id&quot;: &quot;appt-1&quot;" in html  # the request as sent, pretty-printed
    assert "Meta 100: Invalid parameter" in html
    assert "tt-token-123" not in html and "EAAmeta123" not in html
    assert "Replay" not in html  # viewers don't replay


def test_event_detail_page_and_tenant_isolation(delivered, tenant_b, web_client_for):
    first = event(delivered, "appt-1")
    client, _ = web_client_for(delivered, Role.ADMIN)
    response = client.get(f"/conversions/events/{first.pk}/")
    assert response.status_code == 200
    assert "Replay" in response.content.decode()
    other, _ = web_client_for(tenant_b, Role.OWNER)
    assert other.get(f"/conversions/events/{first.pk}/").status_code == 404
    assert other.get(f"/conversions/events/{first.pk}/deliveries/").status_code == 404


def test_health_page_shows_counts_held_and_chart(delivered, tiktok_a, meta_a, web_client_for):
    Destination.objects.for_tenant(delivered).filter(pk=meta_a.pk).update(state="needs_token", last_error="Meta 190: token expired")
    Delivery.objects.for_tenant(delivered).filter(destination=meta_a, status=DeliveryStatus.SKIPPED).update(status=DeliveryStatus.PENDING)
    client, _ = web_client_for(delivered, Role.VIEWER)
    response = client.get("/conversions/destinations/")
    html = response.content.decode()
    assert "Needs a new token" in html and "Meta 190: token expired" in html
    assert 'hx-trigger="every 5s"' in html
    health = {item.destination.pk: item for item in response.context["health"]}
    assert health[tiktok_a.pk].counts["SENT"] == 1 and health[tiktok_a.pk].counts["SKIPPED"] == 1
    assert (health[meta_a.pk].counts["DEAD"], health[meta_a.pk].held) == (1, 1)
    chart = response.context["chart_data"]
    assert sum(chart["series"]["SENT"]) == 1 and sum(chart["series"]["DEAD"]) == 1
    spec = json.loads(html.split('id="chart-deliveries-data" type="application/json">')[1].split("</script>")[0])
    assert spec["labels"] == chart["labels"] and spec["kind"] == "stacked"
    assert {series["label"]: sum(series["values"]) for series in spec["series"]}["Sent"] == 1


def test_replay_and_resume_are_admin_actions(delivered, meta_a, platforms, web_client_for, django_capture_on_commit_callbacks):
    viewer, _ = web_client_for(delivered, Role.VIEWER)
    assert viewer.post(f"/conversions/destinations/{meta_a.pk}/replay/").status_code == 403
    assert delivery_of(meta_a, "appt-1").status == DeliveryStatus.DEAD

    platforms.answers["meta"] = [(200, {"events_received": 1, "messages": [], "fbtrace_id": "x"})]
    admin, _ = web_client_for(delivered, Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/conversions/destinations/{meta_a.pk}/replay/")
    assert response.status_code == 302
    assert delivery_of(meta_a, "appt-1").status == DeliveryStatus.SENT

    Destination.objects.for_tenant(delivered).filter(pk=meta_a.pk).update(state="misconfigured")
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(f"/conversions/destinations/{meta_a.pk}/resume/").status_code == 302
    assert Destination.objects.for_tenant(delivered).get(pk=meta_a.pk).state == "active"


def test_csv_export_of_the_events_list(delivered, tiktok_a, meta_a, web_client_for):
    viewer, _ = web_client_for(delivered, Role.VIEWER)
    assert viewer.get("/conversions/events/export.csv").status_code == 403
    analyst, _ = web_client_for(delivered, Role.ANALYST)
    response = analyst.get("/conversions/events/export.csv", {"name": "TRIAL_BOOKED"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert rows[0] == ["event_id", "name", "event_time", "received_at", "source", "value", "currency", "Meta status", "TikTok status"]
    assert [row[0] for row in rows[1:]] == ["appt-1"]
    assert rows[1][7:] == ["DEAD: Meta 100: Invalid parameter", "SENT"]
    assert analyst.get("/conversions/events/export.xlsx").status_code == 200


def test_events_table_sorts_pages_and_keeps_the_seed_date_parameters(delivered, web_client_for):
    client, _ = web_client_for(delivered, Role.VIEWER)
    first, second = event(delivered, "appt-1"), event(delivered, "appt-2")
    worst_first = client.get("/conversions/", {"sort": "worst_status"})
    assert [row["event"].pk for row in worst_first.context["rows"]] == [first.pk, second.pk]  # a failed delivery first
    best_first = client.get("/conversions/", {"sort": "-worst_status"})
    assert [row["event"].pk for row in best_first.context["rows"]] == [second.pk, first.pk]
    by_id = client.get("/conversions/", {"sort": "-event_id", "per_page": "25"})
    assert [row["event"].event_id for row in by_id.context["rows"]] == ["appt-2", "appt-1"]
    assert by_id.context["table"].per_page == 25
    html = by_id.content.decode()
    assert 'aria-sort="descending"' in html and 'id="events-table-per-page"' in html

    # The list's own date parameters still pick the range (and the range is remembered).
    today = first.event_time.date()
    assert len(client.get("/conversions/", {"date_from": today.isoformat(), "date_to": today.isoformat()}).context["rows"]) == 2
    before = client.get("/conversions/", {"date_from": "2025-01-01", "date_to": "2025-01-31"})
    assert before.context["rows"] == [] and before.context["date_range"].start.isoformat() == "2025-01-01"
    assert client.get("/conversions/").context["date_range"].end.isoformat() == "2025-01-31"  # from the session
