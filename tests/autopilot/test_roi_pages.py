"""The ROI page and the dashboard: Instagram / TikTok tabs, figures in the reporting currency,
missing-rate notice, tables, CSV export, another tenant's ad account."""

from __future__ import annotations

import csv
import io

import pytest

from autopilot.models import BrainRun
from core.tenancy import tenant_scope
from tests.autopilot.roi_fixtures import build_roi_world

RANGE = "range=custom&start=2026-11-01&end=2026-11-03"


@pytest.fixture
def world(tenant_a):
    return build_roi_world(tenant_a)


def test_tiktok_tab_is_the_default(client_a, world):
    response = client_a.get(f"/autopilot/roi/?{RANGE}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-tab="tiktok" aria-current="page"' in html
    assert response.context["report"].platform == "tiktok"
    assert response.context["report"].totals.revenue.value == 8000
    assert 'id="missing-rates"' in html and "MYR" in html
    assert "Spring video" in html and "TT ad in MYR" in html
    assert 'id="unattributed"' in html and 'id="shop-revenue"' in html
    assert 'id="roi-per-day"' in html and 'id="roi-per-creative"' in html


def test_instagram_tab_reads_facebook_rows(client_a, world):
    response = client_a.get(f"/autopilot/roi/?platform=instagram&{RANGE}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-tab="instagram" aria-current="page"' in html
    assert response.context["report"].platform == "facebook"
    assert response.context["report"].totals.spend.value == 10400
    assert "FB ad one" in html and "FB legacy ad" in html and "Spring video" not in html
    assert 'id="missing-rates"' not in html
    assert 'id="shop-revenue"' not in html


def test_tables_sort_by_spend(client_a, world):
    response = client_a.get(f"/autopilot/roi/?platform=instagram&{RANGE}&c_sort=spend")
    labels = [row.label for row in response.context["creatives"].rows]
    assert labels == ["FB legacy ad", "FB ad one"]


def test_bad_platform_is_a_400_naming_it(client_a, world):
    response = client_a.get("/autopilot/roi/?platform=snapchat")
    assert response.status_code == 400
    assert "platform" in response.content.decode()


def test_another_tenants_account_is_a_404(client_a, world, tenant_b):
    other = build_roi_world(tenant_b, tag="b-")
    assert client_a.get(f"/autopilot/roi/?account={other['account'].pk}&{RANGE}").status_code == 404
    own = client_a.get(f"/autopilot/roi/?account={world['other'].pk}&{RANGE}")
    assert own.status_code == 200 and own.context["report"].totals.spend.unconverted == {"MYR": 500}


def test_csv_export(client_a, world):
    response = client_a.get(f"/autopilot/roi/?platform=tiktok&{RANGE}&export=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[:6] == ["Level", "Key", "Name", "Platform", "Reporting currency", "Spend"]
    total = body[0]
    assert total[:5] == ["total", "total", "Total", "tiktok", "KZT"]
    assert total[6] == "500.00 MYR"
    creative = next(row for row in body if row[0] == "creative" and row[2] == "Spring video ")
    assert (creative[5], creative[11], creative[13], creative[15]) == ("1000.00", "333.33", "8000.00", "7.0000")
    assert body[-1][0] == "unattributed" and body[-1][13] == "700.00"


def test_dashboard_tabs_and_empty_runs(client_a, world, tenant_a):
    response = client_a.get("/autopilot/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-tab="tiktok" aria-current="page"' in html
    assert 'id="runs-empty"' in html and "/api/brain/run-tiktok" in html
    with tenant_scope(tenant_a):
        BrainRun.objects.create(tenant=tenant_a, platform="tiktok", ad_account=world["account"], state="succeeded")
    html = client_a.get("/autopilot/dashboard/?platform=tiktok").content.decode()
    assert 'id="runs-empty"' not in html and "Succeeded" in html
    instagram = client_a.get("/autopilot/dashboard/?platform=instagram")
    assert instagram.context["report"].platform == "facebook"
    assert 'id="runs-empty"' in instagram.content.decode()
