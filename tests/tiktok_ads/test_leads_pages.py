"""The Leads page (masked phone and email, filters by range, direction, campaign and form), its
CSV/XLSX exports (full values for analysts, masked for viewers), "Subscribe to leads" against
the sandbox, and ``GET /tiktok/instant-pages`` (ownership, 404/400)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.utils import timezone

from core.models import Role
from core.tenancy import tenant_scope
from tests.tiktok_ads.factories import make_advertiser
from tests.tiktok_ads.helpers import connect_business
from tiktok_ads.models import AdAccount, Advertiser, Direction, Lead, LeadSubscription, Platform


def make_lead(tenant, advertiser, lead_id, *, direction=None, days_ago=0, campaign=("900", "Spring"), page=("555", "Trial form"), **extra):
    with tenant_scope(tenant):
        return Lead.objects.create(
            tenant=tenant,
            platform=Platform.TIKTOK,
            lead_id=lead_id,
            advertiser=advertiser,
            direction=direction,
            campaign_id=campaign[0],
            campaign_name=campaign[1],
            page_id=page[0],
            page_name=page[1],
            name=f"Lead {lead_id}",
            phone="+77011234567",
            email=f"person{lead_id}@example.com",
            received_at=timezone.now() - timedelta(days=days_ago),
            event_id=f"tiktok-lead-{lead_id}",
            **extra,
        )


@pytest.fixture
def leads_a(tenant_a):
    with tenant_scope(tenant_a):
        advertiser = make_advertiser(tenant_a, advertiser_id="7001", name="Academy")
        account = AdAccount.objects.create(tenant=tenant_a, name="Academy", advertiser=advertiser)
        trial = Direction.objects.create(tenant=tenant_a, ad_account=account, name="Trial lessons", platform=Platform.TIKTOK)
        courses = Direction.objects.create(tenant=tenant_a, ad_account=account, name="Courses", platform=Platform.TIKTOK)
    make_lead(tenant_a, advertiser, "1", direction=trial)
    make_lead(tenant_a, advertiser, "2", direction=courses, campaign=("901", "Autumn"), page=("556", "Course form"))
    make_lead(tenant_a, advertiser, "3", direction=trial, days_ago=40)
    return advertiser, trial, courses


def _rows(html: str) -> int:
    return html.count('class="lead-row"')


def test_page_masks_pii_and_filters(tenant_a, web_client_for, leads_a):
    _, trial, courses = leads_a
    client, _ = web_client_for(tenant_a, Role.VIEWER)

    page = client.get("/ads/leads/")
    html = page.content.decode()
    assert page.status_code == 200 and _rows(html) == 2  # the default range leaves out the 40-day-old lead
    assert "+77011234567" not in html and "person1@example.com" not in html
    assert "***67" in html and "p***@example.com" in html
    assert 'id="export-csv"' in html

    assert _rows(client.get("/ads/leads/", {"direction": courses.pk}).content.decode()) == 1
    assert _rows(client.get("/ads/leads/", {"campaign": "900"}).content.decode()) == 1
    assert _rows(client.get("/ads/leads/", {"form": "556"}).content.decode()) == 1
    assert _rows(client.get("/ads/leads/", {"range": "last_90"}).content.decode()) == 3
    bad = client.get("/ads/leads/", {"direction": "x"})
    assert bad.status_code == 400 and "direction" in bad.content.decode()


def test_other_tenant_sees_nothing(tenant_b, web_client_for, leads_a):
    client, _ = web_client_for(tenant_b, Role.OWNER)
    html = client.get("/ads/leads/", {"range": "last_90"}).content.decode()
    assert _rows(html) == 0 and "Lead 1" not in html


def test_csv_export_full_for_analysts_masked_for_viewers(tenant_a, web_client_for, leads_a):
    analyst, _ = web_client_for(tenant_a, Role.ANALYST)
    viewer, _ = web_client_for(tenant_a, Role.VIEWER)

    full = list(csv.reader(io.StringIO(b"".join(analyst.get("/ads/leads/export.csv", {"range": "last_90"}).streaming_content).decode())))
    masked = list(csv.reader(io.StringIO(b"".join(viewer.get("/ads/leads/export.csv", {"campaign": "901"}).streaming_content).decode())))

    assert full[0][:6] == ["Lead id", "Received", "Submitted", "Name", "Phone", "Email"]
    assert sorted(row[0] for row in full[1:]) == ["1", "2", "3"]
    assert {row[4] for row in full[1:]} == {"'+77011234567"}  # spreadsheet-safe: a leading + is quoted and "person2@example.com" in {row[5] for row in full[1:]}
    assert [(row[0], row[4], row[5], row[6]) for row in masked[1:]] == [("2", "***67", "p***@example.com", "Courses")]


def test_xlsx_export(tenant_a, web_client_for, leads_a):
    client, _ = web_client_for(tenant_a, Role.ANALYST)
    response = client.get("/ads/leads/export.xlsx", {"direction": leads_a[1].pk})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Lead id" and [row[0] for row in rows[1:]] == ["1"]
    assert rows[1][14] == "tiktok-lead-1"


def test_subscribe_to_leads_against_the_sandbox(sandbox, settings, tenant_a, web_client_for):
    settings.TIKTOK_LEAD_CALLBACK_URL = "https://example.com/tiktok/webhook"
    connect_business(tenant_a)
    advertiser = Advertiser.objects.for_tenant(tenant_a).order_by("advertiser_id").first()
    admin, _ = web_client_for(tenant_a, Role.ADMIN)
    viewer, _ = web_client_for(tenant_a, Role.VIEWER)

    assert viewer.post(f"/ads/leads/subscribe/{advertiser.pk}/").status_code == 403
    first = admin.post(f"/ads/leads/subscribe/{advertiser.pk}/")
    again = admin.post(f"/ads/leads/subscribe/{advertiser.pk}/")

    assert first.status_code == 302 and again.status_code == 302
    subscription = LeadSubscription.objects.for_tenant(tenant_a).get()  # the same subscription both times
    assert (subscription.advertiser_id, subscription.page_id, subscription.callback_url) == (advertiser.pk, "", "https://example.com/tiktok/webhook")
    assert subscription.subscription_id
    html = admin.get("/ads/leads/").content.decode()
    assert subscription.subscription_id in html and "Subscribe to leads" in html


def test_subscribe_other_tenants_advertiser_is_404(tenant_a, tenant_b, web_client_for):
    with tenant_scope(tenant_a):
        advertiser = make_advertiser(tenant_a)
    client, _ = web_client_for(tenant_b, Role.OWNER)
    assert client.post(f"/ads/leads/subscribe/{advertiser.pk}/").status_code == 404
    assert LeadSubscription.all_tenants.count() == 0


# --- GET /tiktok/instant-pages ---------------------------------------------------------------------


def test_instant_pages_ownership_and_bad_ids(tenant_a, tenant_b, session_api_client_for):
    with tenant_scope(tenant_a):
        account = AdAccount.objects.create(tenant=tenant_a, name="Academy", advertiser=make_advertiser(tenant_a))
        unlinked = AdAccount.objects.create(tenant=tenant_a, name="No advertiser")
    other, _ = session_api_client_for(tenant_b, Role.OWNER)
    own, _ = session_api_client_for(tenant_a, Role.VIEWER)

    assert other.get("/tiktok/instant-pages", {"adAccountId": account.pk}).status_code == 404
    bad = own.get("/tiktok/instant-pages", {"adAccountId": "not-a-uuid"})
    assert bad.status_code == 400 and bad.json()["error"]["message"] == "invalid adAccountId"
    assert own.get("/tiktok/instant-pages").json()["error"]["fields"] == {"adAccountId": ["This field is required."]}
    assert own.get("/tiktok/instant-pages", {"adAccountId": 999999}).status_code == 404
    assert own.get("/tiktok/instant-pages", {"adAccountId": unlinked.pk}).json()["error"]["code"] == "not_connected"


def test_instant_pages_unauthenticated(client, db):
    assert client.get("/tiktok/instant-pages", {"adAccountId": 1}).status_code in (401, 403)


def test_instant_pages_from_the_sandbox(sandbox, tenant_a, api_client_for):
    connect_business(tenant_a)
    advertiser = Advertiser.objects.for_tenant(tenant_a).order_by("advertiser_id").first()
    with tenant_scope(tenant_a):
        account = AdAccount.objects.create(tenant=tenant_a, name="Academy", advertiser=advertiser)
    client = api_client_for(tenant_a, Role.VIEWER)

    response = client.get("/tiktok/instant-pages", {"adAccountId": account.pk})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True and body["pages"]
    for page in body["pages"]:
        assert isinstance(page["page_id"], str) and page["page_id"].isdigit()
        assert set(page) >= {"page_id", "title", "status"}
    legacy = client.get("/tiktok/instant-pages", {"userAccountId": "seed-user"})
    assert legacy.status_code == 400  # the demo fixture connects several advertisers: adAccountId is needed
