"""Seller Center reads and writes through an account's session (against the sandbox):
promotions with a stale fallback, budget validation, items, ads ROI, coins, live status."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.exceptions import ApplicationError
from shopee_live.models import LiveSession, Promotion, ShopeeAccount
from shopee_live.services import (
    ads_data,
    campaign_expense_today,
    coin_giveout,
    coin_reward_info,
    coin_start,
    creator_session_list,
    creator_user_info,
    item_promotion_detail,
    item_promotions,
    promotion_edit,
    promotions_today,
    roi_label,
    shop_live_status,
    streaming_promotions,
)
from tests.shopee_live.account_fixtures import ongoing_session_id, sandbox_account, sandbox_connected_account


@pytest.fixture
def account(sandbox, tenant_a, studio_a):
    sandbox.shopee_clock(frozen_at=int(time.time()))  # spend grows with the clock: hold it still
    return sandbox_connected_account(sandbox, tenant_a, studio_a)


def web_promotions(key: str = "demo-id-1") -> list[dict]:
    from sandbox.emulators.shopee.data import account_get, sandbox_now
    from sandbox.emulators.shopee.web import promotions_today as sandbox_promotions

    return sandbox_promotions(account_get(key), sandbox_now())


# --- promotions ---


def test_promotions_today_are_read_and_stored(account):
    expected = web_promotions()

    result = promotions_today(account)

    assert result["stale"] is False and result["currency"] == "IDR"
    assert [(p["promotion_id"], p["name"], p["budget"], p["spent"]) for p in result["promotions"]] == [
        (
            p["promotion_id"],
            p["name"],
            Decimal(str(p["budget"])).quantize(Decimal("0.01")),
            Decimal(str(p["spent"])).quantize(Decimal("0.01")),
        )
        for p in expected
    ]
    assert Promotion.objects.for_tenant(account.tenant_id).count() == len(expected)


def test_promotions_fall_back_to_the_stored_rows_marked_stale(sandbox, account):
    promotions_today(account)
    Promotion.objects.for_tenant(account.tenant_id).update(synced_at=timezone.now() - timedelta(minutes=7))
    sandbox.set_faults("shopee-web", status=503)

    result = promotions_today(account)

    assert result["stale"] is True
    assert 420 <= result["age_seconds"] < 430
    assert len(result["promotions"]) == Promotion.objects.for_tenant(account.tenant_id).count() > 0
    assert "unavailable" in result["stale_reason"]


def test_promotions_of_an_expired_session_are_stale_too(sandbox, account):
    from sandbox.emulators.shopee.tokens import web_sessions_expire

    web_sessions_expire(account="demo-id-1")

    result = promotions_today(account)

    assert (result["stale"], result["promotions"], result["age_seconds"]) == (True, [], None)
    stored = ShopeeAccount.objects.for_tenant(account.tenant_id).get()
    assert stored.status == "needs_reauth" and stored.web_session_expires_at <= timezone.now()


def test_a_budget_edit_is_sent_and_stored(account):
    promotion = web_promotions()[0]
    budget = Decimal(str(promotion["spent"])) + 1000

    result = promotion_edit(account, promotion["promotion_id"], name="Payday Push", budget=str(budget))

    assert (result["name"], result["budget"]) == ("Payday Push", budget.quantize(Decimal("0.01")))
    assert web_promotions()[0]["name"] == "Payday Push"
    stored = Promotion.objects.for_tenant(account.tenant_id).get(promotion_id=promotion["promotion_id"])
    assert (stored.name, stored.budget) == ("Payday Push", budget)


@pytest.mark.parametrize(
    ("budget", "name", "field"),
    [
        ("-1", None, "budget"),
        ("500001", None, "budget"),
        ("abc", None, "budget"),
        ("NaN", None, "budget"),
        (None, " ", "name"),
        (None, None, "budget"),
    ],
)
def test_bad_edits_are_a_400_naming_the_field_and_nothing_is_sent(sandbox, account, budget, name, field):
    ShopeeAccount.objects.for_tenant(account.tenant_id).filter(pk=account.pk).update(promotion_budget_limit=Decimal("500000"))
    account.refresh_from_db()
    calls = len(sandbox.calls)

    with pytest.raises(ApplicationError) as caught:
        promotion_edit(account, "p1", name=name, budget=budget)

    assert caught.value.status == 400 and list(caught.value.extra["fields"]) == [field]
    assert len(sandbox.calls) == calls


def test_shopees_refusal_of_a_budget_is_shown_with_its_message(account):
    promotion = web_promotions()[0]

    with pytest.raises(ApplicationError) as caught:
        promotion_edit(account, promotion["promotion_id"], budget="99999999999")

    assert caught.value.status == 400 and list(caught.value.extra["fields"]) == ["budget"]
    assert caught.value.message.startswith("Shopee refused: budget cannot exceed the daily limit")


def test_streaming_promotions_list_the_streamers(account):
    result = streaming_promotions(account)

    assert result["total"] == len(result["streamers"]) >= 2
    assert set(result["streamers"][0]) == {"streamer_id", "name", "followers"}


# --- items, campaigns, ads ---


def test_item_promotions_page_with_product_urls(account):
    page = item_promotions(account, offset=0, limit=5)

    assert len(page["items"]) == 5 and page["has_more"] is True and page["total"] > 5
    item = page["items"][0]
    assert item["product_url"] == f"https://shopee.co.id/product/{item['shop_id']}/{item['item_id']}"
    assert isinstance(item["price"], Decimal)
    with pytest.raises(ApplicationError) as caught:
        item_promotions(account, offset=0, limit=500)
    assert list(caught.value.extra["fields"]) == ["limit"]


def test_item_promotion_detail(account):
    from sandbox.emulators.shopee.data import account_get, item_sets

    item_set = item_sets(account_get("demo-id-1"))[0]

    detail = item_promotion_detail(account, item_set["item_set_id"])

    assert (detail["promotion_id"], detail["name"]) == (str(item_set["item_set_id"]), item_set["item_set_name"])
    assert [item["item_id"] for item in detail["items"]] == [str(item_id) for item_id in item_set["item_ids"]][:50]


def test_campaign_expense_and_ads_roi(account):
    promotions = web_promotions()

    expense = campaign_expense_today(account)
    ads = ads_data(account)

    spend = sum(Decimal(str(p["spent"])) for p in promotions)
    gmv = sum(Decimal(str(p["gmv"])) for p in promotions)
    assert (expense["total_spend"], expense["campaign_count"]) == (spend, len(promotions))
    assert (ads["total_spend"], ads["total_gmv"]) == (spend, gmv)
    assert ads["roi"] == roi_label(gmv, spend)
    assert roi_label(Decimal("150"), Decimal("100")) == "1.5x" and roi_label(Decimal("1"), Decimal("0")) == "0.0x"


# --- coins ---


def test_coins_start_give_out_and_the_reward_info_is_stored_on_the_session(account):
    session_id = ongoing_session_id()
    stored = LiveSession.objects.create(
        tenant_id=account.tenant_id, studio=account.studio, account=account, session_id=str(session_id), currency="IDR", status="ongoing"
    )

    started = coin_start(account, session_id, 1000, "random")
    given = coin_giveout(account, session_id, amount=10, recipient_count=20)
    info = coin_reward_info(account, session_id)

    assert (started["status"], started["total_coins"], started["coins_distributed"]) == ("success", 1000, 0)
    assert given["coins_distributed"] == 200
    assert (info["total_distributed"], info["total_claimed"]) == (200, 164)
    stored.refresh_from_db()
    assert (stored.coins_distributed, stored.coins_claimed, stored.coin_total_value) == (200, 164, info["total_value"])


def test_coin_refusals_keep_the_platforms_words(account):
    session_id = ongoing_session_id()
    coin_start(account, session_id, 100, "equal")

    with pytest.raises(ApplicationError) as caught:
        coin_start(account, session_id, 100, "equal")
    assert (caught.value.code, caught.value.status, caught.value.message) == (
        "session_state",
        409,
        "coins were already started for this session",
    )
    with pytest.raises(ApplicationError) as caught:
        coin_giveout(account, 999, 1, 1)
    assert (caught.value.code, caught.value.status, caught.value.message) == ("session_state", 400, "session not found")
    with pytest.raises(ApplicationError) as caught:
        coin_start(account, session_id, 0, "random")
    assert list(caught.value.extra["fields"]) == ["total_coins"]
    with pytest.raises(ApplicationError) as caught:
        coin_start(account, session_id, 5, "lottery")
    assert list(caught.value.extra["fields"]) == ["distribution_mode"]


def test_coin_reward_info_falls_back_to_the_stored_figures(sandbox, account):
    session_id = ongoing_session_id()
    LiveSession.objects.create(
        tenant_id=account.tenant_id,
        studio=account.studio,
        account=account,
        session_id=str(session_id),
        currency="IDR",
        coins_distributed=50,
        coins_claimed=40,
        synced_at=timezone.now() - timedelta(seconds=90),
    )
    sandbox.set_faults("shopee-web", status=503)

    info = coin_reward_info(account, session_id)

    assert (info["stale"], info["total_distributed"], info["total_claimed"]) == (True, 50, 40)
    assert 90 <= info["age_seconds"] < 100


# --- live status and the creator ---


def test_shop_live_status(account):
    expected = sandbox_account()

    live = shop_live_status(account, expected["user_id"])

    assert (live["is_live"], live["current_session_id"]) == (True, str(ongoing_session_id()))
    assert shop_live_status(account, "1")["is_live"] is False
    with pytest.raises(ApplicationError):
        shop_live_status(account, "abc")


def test_creator_user_info_and_session_list(account):
    expected = sandbox_account()

    info = creator_user_info(account)
    sessions = creator_session_list(account, page=1, page_size=5)

    assert (info["user_id"], info["username"], info["shop_id"]) == (
        str(expected["user_id"]),
        expected["username"],
        str(expected["shop_id"]),
    )
    assert ShopeeAccount.objects.for_tenant(account.tenant_id).get().follower_count == info["follower_count"] > 0
    assert sessions["total"] >= 1
    assert str(ongoing_session_id()) in [row["session_id"] for row in sessions["sessions"] if row["status"] == "ongoing"]
