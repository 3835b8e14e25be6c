"""CSV import of past sessions: preview with per-row errors (nothing written), new vs already
present, the seed's ``name``/``viewers`` headers, confirm (once), idempotent re-import, the daily
analytics of the touched days, the size limit, and another tenant's import is a 404."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.exceptions import ApplicationError
from core.models import Role
from core.tenancy import tenant_scope
from shopee_live.models import DailyAnalytics, Host, ImportStatus, LiveSession, SessionSource
from shopee_live.services import ImportRefused, session_import_confirm, session_import_counts, session_import_preview
from shopee_live.services import imports as import_service
from tests.fixtures.html import parse
from tests.shopee_live.pages_data import make_account, make_session, make_studio

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")

GOOD = (
    "session_id,session_name,started_at,ended_at,streamer_name,viewers,peak_viewers,orders,revenue,likes,comments,shares,campaign_spent\n"
    "5001,Serum launch,2025-11-01 19:00,2025-11-01 21:00,Ayu,5000,800,150,5000000,1200,340,56,2000000\n"
    "5002,Toner night,2025-11-01T13:30:00Z,,Budi,1000,200,10,250000.50,0,0,0,0\n"
)

BAD = (
    "session_id,name,started_at,viewers,orders,revenue\n"
    "6001,Good one,2025-11-02 10:00,100,5,50000\n"
    ",No id,2025-11-02 11:00,1,1,1\n"
    "6003,Bad number,2025-11-02 12:00,lots,2,abc\n"
    "6004,Bad date,02/11/2025,1,1,1\n"
    "6005,Negative,2025-11-02 13:00,-5,1,-100\n"
    "6001,Twice,2025-11-02 14:00,1,1,1\n"
    '6007,Thousands,2025-11-02 15:00,1,1,"1,000"\n'
    "6008,No start,,1,1,1\n"
)


def upload(text: str, name: str = "sessions.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


@pytest.fixture
def world(tenant_a, owner_a):
    studio = make_studio(tenant_a, "Studio Jakarta")
    glow = make_account(tenant_a, studio, name="Glow ID", region="ID", user_id="880001")
    return {"tenant": tenant_a, "user": owner_a, "studio": studio, "glow": glow}


@pytest.fixture
def analyst(web_client_for, tenant_a):
    return web_client_for(tenant_a, Role.ANALYST)[0]


def preview(world, text, name="sessions.csv"):
    with tenant_scope(world["tenant"]):
        return session_import_preview(world["tenant"], world["user"], world["studio"], world["glow"], upload(text, name))


def stored(tenant):
    with tenant_scope(tenant):
        return {
            s.session_id: (
                s.session_name,
                s.total_viewers,
                s.total_orders,
                s.total_revenue,
                s.source,
                s.started_at,
                s.host.name if s.host else None,
            )
            for s in LiveSession.objects.for_tenant(tenant).select_related("host")
        }


def test_preview_reports_errors_per_row_and_writes_nothing(world):
    result = preview(world, BAD)
    assert result.status == ImportStatus.PREVIEW
    assert [(e["line"], e["field"], e["message"]) for e in result.errors] == [
        (3, "session_id", "session_id is missing"),
        (4, "viewers", "viewers: 'lots' is not a number"),
        (4, "revenue", "revenue: 'abc' is not an amount"),
        (5, "started_at", "started_at: '02/11/2025' is not a date and time like 2025-11-01 19:00 or 2025-11-01T12:00:00Z"),
        (6, "viewers", "viewers: -5 is negative"),
        (6, "revenue", "revenue: -100 is negative"),
        (7, "session_id", "session_id 6001 is already on line 2"),
        (8, "revenue", "revenue: '1,000' has a comma: write amounts without thousands separators, with '.' as the decimal point"),
        (9, "started_at", "started_at is missing: the session's day comes from it"),
    ]
    assert session_import_counts(result) == {"new": 1, "update": 0, "skip": 0, "invalid": 7}
    assert stored(world["tenant"]) == {}


def test_confirm_writes_valid_rows_with_aliases_and_zone(world):
    result = preview(world, GOOD)
    assert result.errors == []
    assert session_import_counts(result) == {"new": 2, "update": 0, "skip": 0, "invalid": 0}
    with tenant_scope(world["tenant"]):
        done = session_import_confirm(world["tenant"], result)
    assert (done.status, done.created_count, done.updated_count) == (ImportStatus.IMPORTED, 2, 0)
    sessions = stored(world["tenant"])
    assert sessions == {
        "5001": (
            "Serum launch",
            5000,
            150,
            Decimal("5000000.00"),
            SessionSource.IMPORT,
            datetime(2025, 11, 1, 19, 0, tzinfo=JAKARTA),
            "Ayu",
        ),
        "5002": (
            "Toner night",
            1000,
            10,
            Decimal("250000.50"),
            SessionSource.IMPORT,
            datetime(2025, 11, 1, 13, 30, tzinfo=ZoneInfo("UTC")),
            "Budi",
        ),
    }
    with tenant_scope(world["tenant"]):
        serum = LiveSession.objects.get(session_id="5001")
        assert (serum.duration_seconds, serum.status, serum.is_final, serum.currency, serum.campaign_spent) == (
            7200,
            "ended",
            True,
            "IDR",
            Decimal("2000000.00"),
        )
        # Both start on 1 November in Jakarta (13:30 UTC is 20:30 there): one stored day.
        days = list(DailyAnalytics.objects.values_list("day", "sessions", "viewers", "orders", "revenue", "campaign_spent", "currency"))
        assert days == [(date(2025, 11, 1), 2, 6000, 160, Decimal("5250000.50"), Decimal("2000000.00"), "IDR")]


def test_seed_headers_name_and_viewers(world):
    result = preview(world, "session_id,name,viewers,started_at\n7001,Old CSV session,321,2025-10-01 20:00\n")
    with tenant_scope(world["tenant"]):
        session_import_confirm(world["tenant"], result)
    assert stored(world["tenant"])["7001"][:3] == ("Old CSV session", 321, 0)


def test_reimport_is_idempotent_and_updates(world):
    with tenant_scope(world["tenant"]):
        session_import_confirm(world["tenant"], preview(world, GOOD))
    changed = GOOD.replace("5001,Serum launch", "5001,Serum launch (final)").replace(",5000,800,150,5000000,", ",5100,800,151,5100000,")
    again = preview(world, changed)
    assert session_import_counts(again) == {"new": 0, "update": 2, "skip": 0, "invalid": 0}
    with tenant_scope(world["tenant"]):
        done = session_import_confirm(world["tenant"], again)
        assert (done.created_count, done.updated_count) == (0, 2)
        assert LiveSession.objects.count() == 2
        assert Host.objects.count() == 2
        assert list(DailyAnalytics.objects.values_list("sessions", "viewers", "revenue")) == [(2, 6100, Decimal("5350000.50"))]
    assert stored(world["tenant"])["5001"][:4] == ("Serum launch (final)", 5100, 151, Decimal("5100000.00"))


def test_confirm_twice_is_refused(world):
    result = preview(world, GOOD)
    with tenant_scope(world["tenant"]):
        session_import_confirm(world["tenant"], result)
        with pytest.raises(ApplicationError) as refused:
            session_import_confirm(world["tenant"], result)
    assert (refused.value.status, refused.value.code) == (409, "import_done")
    assert len(stored(world["tenant"])) == 2


def test_synced_sessions_are_kept_not_overwritten(world):
    make_session(
        world["tenant"],
        world["glow"],
        session_id="5001",
        session_name="From Shopee",
        started_at=datetime(2025, 11, 1, 12, tzinfo=ZoneInfo("UTC")),
        total_viewers=9999,
    )
    result = preview(world, GOOD)
    assert session_import_counts(result) == {"new": 1, "update": 0, "skip": 1, "invalid": 0}
    assert result.rows[0]["note"] == "synced from Shopee: its figures are kept"
    with tenant_scope(world["tenant"]):
        done = session_import_confirm(world["tenant"], result)
    assert (done.created_count, done.updated_count) == (1, 0)
    assert stored(world["tenant"])["5001"][:2] == ("From Shopee", 9999)


def test_whole_file_refusals(world, monkeypatch):
    for text, message in (
        ("", "The file is empty: it needs a header row and one row per session."),
        ("name,viewers\nx,1\n", "The file has no session_id column: each row needs Shopee's session id (see the expected columns)."),
        ("session_id,started_at\n", "The file has a header but no sessions."),
    ):
        with pytest.raises(ImportRefused) as refused:
            preview(world, text)
        assert refused.value.message == message
        assert refused.value.extra["fields"] == {"file": [message]}
    monkeypatch.setattr(import_service, "IMPORT_MAX_BYTES", 1024)
    with pytest.raises(ImportRefused) as refused:
        preview(world, GOOD * 10)
    assert refused.value.message == "The file is 3 KB; the limit is 1 KB. Split it into smaller files."
    assert import_service.size_text(5 * 1024 * 1024) == "5 MB"


def test_pages_upload_preview_confirm(analyst, world):
    page = parse(analyst.get("/live/sessions/import/").content.decode())
    assert [row[0] for row in page.find(id="columns").rows()][:3] == ["session_id", "session_name", "started_at"]
    response = analyst.post(
        "/live/sessions/import/", {"studio": world["studio"].pk, "account": world["glow"].pk, "file": upload(BAD, "old.csv")}
    )
    assert response.status_code == 302
    detail_url = response["Location"]
    page = parse(analyst.get(detail_url).content.decode())
    assert page.find(id="count-new").text == "1 new"
    assert page.find(id="count-update").text == "0 already present (updated)"
    assert page.find(id="count-invalid").text == "7 with errors (not imported)"
    problems = [li.text for li in page.find(id="line-4").find(cls="row-problems").find_all("li")]
    assert problems == ["viewers: 'lots' is not a number", "revenue: 'abc' is not an amount"]
    assert "row-error" not in page.find(id="line-2").classes
    only = parse(analyst.get(detail_url + "?errors=1").content.decode())
    assert [row[0] for row in only.find(id="import-rows").rows()] == ["3", "4", "5", "6", "7", "8", "9"]
    assert stored(world["tenant"]) == {}

    confirmed = analyst.post(detail_url)
    assert confirmed.status_code == 302
    page = parse(analyst.get(detail_url).content.decode())
    assert page.find(id="import-result").text.startswith("Imported: 1 new, 0 updated.")
    assert list(stored(world["tenant"])) == ["6001"]
    again = analyst.post(detail_url)
    assert again.status_code == 409
    assert "already confirmed" in again.content.decode()


def test_upload_form_errors_name_the_field(analyst, world, tenant_a):
    other_studio = make_studio(tenant_a, "Studio Bangkok")
    response = analyst.post("/live/sessions/import/", {"studio": other_studio.pk, "account": world["glow"].pk, "file": upload(GOOD)})
    assert response.status_code == 400
    page = parse(response.content.decode())
    assert page.find(id="import-form").find(cls="has-error").find("label").text == "Shopee account"
    response = analyst.post(
        "/live/sessions/import/", {"studio": world["studio"].pk, "account": world["glow"].pk, "file": upload("name\nx\n")}
    )
    assert response.status_code == 400
    assert "no session_id column" in parse(response.content.decode()).find(id="import-form").find(cls="has-error").text
    with tenant_scope(tenant_a):
        assert not LiveSession.objects.exists()


def test_viewer_cannot_import_and_another_tenant_gets_404(web_client_for, world, tenant_b):
    viewer = web_client_for(world["tenant"], Role.VIEWER)[0]
    assert viewer.get("/live/sessions/import/").status_code == 403
    result = preview(world, GOOD)
    outsider = web_client_for(tenant_b, Role.OWNER)[0]
    assert outsider.get(f"/live/sessions/import/{result.pk}/").status_code == 404
    assert outsider.post(f"/live/sessions/import/{result.pk}/").status_code == 404
    assert stored(world["tenant"]) == {}
