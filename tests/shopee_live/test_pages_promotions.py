"""Promotions: today's promotions per account from Shopee (budget, spent, share used, in the
account's currency), stale with their age when Shopee fails, and the inline edit: saved through
Shopee, or refused next to the field it names (below zero, above the account's limit, Shopee's
own refusal) with nothing changed. Also the session page's "Refresh coins"."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
import requests
import responses
from django.utils import timezone

from core.models import Role
from core.tenancy import tenant_scope
from integrations.shopee.web import COIN_REWARD_INFO_PATH, PROMOTION_EDIT_PATH, PROMOTIONS_TODAY_PATH
from shopee_live.models import LiveSession, Promotion
from tests.fixtures.html import parse
from tests.shopee_live.pages_data import make_account, make_promotion, make_session, make_studio

pytestmark = pytest.mark.django_db


def envelope(data: dict) -> dict:
    return {"code": 0, "msg": "success", "error": 0, "error_msg": "", "data": data}


TODAY = {
    "promotions": [
        {"promotion_id": "promo_1", "name": "Flash Sale", "budget": 5000000, "spent": 3000000, "status": "ongoing"},
        {"promotion_id": "promo_2", "name": "Night deals", "budget": 2000000, "spent": 0, "status": "paused"},
    ]
}


@pytest.fixture
def web(settings):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.base = settings.SHOPEE_WEB_BASE
        yield mock


@pytest.fixture
def analyst(web_client_for, tenant_a):
    return web_client_for(tenant_a, Role.ANALYST)[0]


@pytest.fixture
def glow(tenant_a):
    later = timezone.now() + timedelta(days=20)
    return make_account(
        tenant_a,
        make_studio(tenant_a),
        name="Glow ID",
        region="ID",
        web_session="spc-glow",
        web_session_expires_at=later,
        promotion_budget_limit=Decimal("10000000"),
    )


def row_figures(page, account, promotion_id) -> dict:
    row = page.find(id=f"promotion-p{account.pk}-{promotion_id.replace('_', '_')}")
    return {cell.attrs["data-field"]: cell.text for cell in row.find_all("td") if "data-field" in cell.attrs}


def test_todays_promotions_in_the_accounts_currency(analyst, glow, web):
    web.get(web.base + PROMOTIONS_TODAY_PATH, json=envelope(TODAY))
    response = analyst.get("/live/promotions/")
    assert response.status_code == 200
    page = parse(response.content.decode())
    assert row_figures(page, glow, "promo_1") == {"budget": "Rp 5,000,000", "spent": "Rp 3,000,000", "used": "60%"}
    assert row_figures(page, glow, "promo_2") == {"budget": "Rp 2,000,000", "spent": "Rp 0", "used": "0%"}
    section = page.find(id=f"promotions-account-{glow.pk}")
    assert "budget limit Rp 10,000,000" in section.find("h2").text
    assert section.find_all(cls="stale-note") == []


def test_upstream_failure_shows_stored_rows_stale_with_age(analyst, glow, web, tenant_a):
    make_promotion(
        tenant_a,
        glow,
        promotion_id="promo_1",
        name="Flash Sale",
        budget="5000000",
        spent="1000000",
        synced_at=timezone.now() - timedelta(minutes=40),
    )
    web.get(
        web.base + PROMOTIONS_TODAY_PATH,
        json={"code": 0, "error": 90001, "error_msg": "system busy", "msg": "system busy", "data": None},
        status=200,
    )
    response = analyst.get("/live/promotions/")
    assert response.status_code == 200
    page = parse(response.content.decode())
    note = page.find(id=f"stale-{glow.pk}").text
    assert note.startswith("Couldn't read today's promotions from Shopee: ") and note.endswith(" Showing them as read 40 minutes ago.")
    assert row_figures(page, glow, "promo_1") == {"budget": "Rp 5,000,000", "spent": "Rp 1,000,000", "used": "20%"}


def test_edit_saves_through_shopee(analyst, glow, web, tenant_a):
    web.get(web.base + PROMOTIONS_TODAY_PATH, json=envelope(TODAY))
    web.post(
        web.base + PROMOTION_EDIT_PATH,
        json=envelope({"promotion_id": "promo_1", "name": "Flash Sale XL", "budget": 7500000, "spent": 3000000, "status": "ongoing"}),
    )
    response = analyst.post(
        f"/live/promotions/{glow.pk}/edit/",
        {"promotion_id": "promo_1", f"p{glow.pk}-promo_1-name": "Flash Sale XL", f"p{glow.pk}-promo_1-budget": "7500000"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/live/promotions/"
    sent = [call for call in web.calls if call.request.url.endswith(PROMOTION_EDIT_PATH)]
    assert json.loads(sent[0].request.body) == {"promotion_id": "promo_1", "name": "Flash Sale XL", "budget": 7500000}
    with tenant_scope(tenant_a):
        stored = Promotion.objects.get(promotion_id="promo_1")
    assert (stored.name, stored.budget) == ("Flash Sale XL", Decimal("7500000.00"))


@pytest.mark.parametrize(
    ("budget", "message"),
    [
        ("-1", "The budget can't be below zero."),
        ("10000001", "The budget can't be above this account's limit of 10000000.00 IDR."),
        ("lots", "Enter a number."),
    ],
)
def test_refused_budget_is_shown_next_to_the_field(analyst, glow, web, budget, message):
    web.get(web.base + PROMOTIONS_TODAY_PATH, json=envelope(TODAY))
    response = analyst.post(f"/live/promotions/{glow.pk}/edit/", {"promotion_id": "promo_1", f"p{glow.pk}-promo_1-budget": budget})
    assert response.status_code == 400
    page = parse(response.content.decode())
    errors = page.find(id=f"id_p{glow.pk}-promo_1-budget-errors")
    assert errors.text == message
    assert "open" in page.find(id=f"promotion-p{glow.pk}-promo_1").find("details").attrs
    assert not [call for call in web.calls if call.request.url.endswith(PROMOTION_EDIT_PATH)]


def test_shopees_own_refusal_names_the_field(analyst, glow, web):
    web.get(web.base + PROMOTIONS_TODAY_PATH, json=envelope(TODAY))
    web.post(
        web.base + PROMOTION_EDIT_PATH,
        json={
            "code": 400,
            "error": 400,
            "error_msg": "budget cannot be lower than what was spent today (3000000 IDR)",
            "msg": "",
            "data": None,
        },
    )
    response = analyst.post(f"/live/promotions/{glow.pk}/edit/", {"promotion_id": "promo_1", f"p{glow.pk}-promo_1-budget": "100"})
    assert response.status_code == 400
    errors = parse(response.content.decode()).find(id=f"id_p{glow.pk}-promo_1-budget-errors").text
    assert errors.startswith("Shopee refused: ")


def test_roles_and_another_tenants_account(web_client_for, tenant_a, tenant_b, glow, web):
    viewer = web_client_for(tenant_a, Role.VIEWER)[0]
    assert (
        viewer.post(f"/live/promotions/{glow.pk}/edit/", {"promotion_id": "promo_1", f"p{glow.pk}-promo_1-budget": "1"}).status_code == 403
    )
    outsider = web_client_for(tenant_b, Role.OWNER)[0]
    assert (
        outsider.post(f"/live/promotions/{glow.pk}/edit/", {"promotion_id": "promo_1", f"p{glow.pk}-promo_1-budget": "1"}).status_code
        == 404
    )
    assert outsider.get(f"/live/promotions/{glow.pk}/edit/").status_code == 405
    assert not web.calls


def test_refresh_coins_stores_shopees_figures(analyst, glow, web, tenant_a):
    session = make_session(
        tenant_a, glow, session_id="9001", session_name="Flash", started_at=timezone.now() - timedelta(hours=1), coins_distributed=10
    )
    web.get(
        web.base + COIN_REWARD_INFO_PATH.format(session_id="9001"),
        json=envelope({"total_distributed": 1000, "total_claimed": 800, "total_value": 500000}),
    )
    response = analyst.post(f"/live/sessions/{session.pk}/coins/", follow=True)
    assert response.status_code == 200
    page = parse(response.content.decode())
    coins = {td.attrs["data-field"]: td.text for td in page.find(id="coins").find_all("td")}
    assert coins == {"coins-distributed": "1,000", "coins-claimed": "800", "coins-value": "Rp 500,000"}
    assert "Coins refreshed from Shopee." in page.find(cls="messages").text


def test_refresh_coins_failure_keeps_the_stored_figures(analyst, glow, web, tenant_a):
    synced = timezone.now() - timedelta(minutes=30)
    session = make_session(
        tenant_a, glow, session_id="9001", session_name="Flash", started_at=timezone.now() - timedelta(hours=1),
        coins_distributed=10, coins_claimed=4, coin_total_value=Decimal("2000"), synced_at=synced,
    )  # fmt: skip
    web.get(
        web.base + COIN_REWARD_INFO_PATH.format(session_id="9001"),
        json={"code": 0, "error": 90001, "error_msg": "system busy", "msg": "", "data": None},
    )
    response = analyst.post(f"/live/sessions/{session.pk}/coins/", follow=True)
    assert response.status_code == 200
    page = parse(response.content.decode())
    coins = {td.attrs["data-field"]: td.text for td in page.find(id="coins").find_all("td")}
    assert coins == {"coins-distributed": "10", "coins-claimed": "4", "coins-value": "Rp 2,000"}
    warning = page.find(cls="messages").text
    assert warning.startswith("Couldn't refresh the coins from Shopee") and "Showing the stored figures" in warning
    with tenant_scope(tenant_a):
        assert LiveSession.objects.get(pk=session.pk).coins_distributed == 10


def test_refresh_coins_when_shopee_is_down_keeps_the_stored_figures(analyst, glow, web, tenant_a, settings):
    session = make_session(
        tenant_a,
        glow,
        session_id="9001",
        session_name="Flash",
        started_at=timezone.now() - timedelta(hours=1),
        coins_distributed=10,
        synced_at=timezone.now(),
    )
    web.get(web.base + COIN_REWARD_INFO_PATH.format(session_id="9001"), body=requests.exceptions.ConnectionError("down"))
    response = analyst.post(f"/live/sessions/{session.pk}/coins/", follow=True)
    assert response.status_code == 200
    page = parse(response.content.decode())
    assert page.find(id="coins").find("td").text == "10"
    assert "Couldn't refresh the coins from Shopee" in page.find(cls="messages").text
