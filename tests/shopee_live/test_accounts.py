"""Connecting accounts through Open Platform OAuth (against the sandbox), rotating their
single-use refresh tokens atomically, marking them when Shopee refuses, and naming an account
by a stored token."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from core.exceptions import ApplicationError
from core.http import AuthExpired
from core.models import ConnectionStatus, OAuthState
from integrations.shopee import shopee_sign
from shopee_live.models import ShopeeAccount, Studio
from shopee_live.services import (
    account_credentials_renew,
    account_for_access_token,
    account_get,
    account_oauth_complete,
    account_oauth_start,
    account_tokens_refresh_expiring,
    open_client,
    studio_create,
    studio_rename,
    web_client,
)
from tests.shopee_live.account_fixtures import consent, make_account, ongoing_session_id, sandbox_account

REFRESH_PATH = "/api/v2/auth/access_token/get"


def refresh_calls(sandbox) -> list:
    return [call for call in sandbox.calls if urlsplit(call.request.url).path.endswith(REFRESH_PATH)]


# --- studios ---


def test_studios_are_created_and_renamed_with_unique_names(tenant_a):
    studio = studio_create(tenant=tenant_a, name="  Jakarta Studio ")
    assert studio.name == "Jakarta Studio"

    with pytest.raises(ApplicationError) as caught:
        studio_create(tenant=tenant_a, name="jakarta studio")
    assert caught.value.extra["fields"] == {"name": ["Taken."]}
    with pytest.raises(ApplicationError):
        studio_create(tenant=tenant_a, name=" ")

    assert studio_rename(tenant=tenant_a, studio=studio, name="Bandung Studio").name == "Bandung Studio"
    assert list(Studio.objects.for_tenant(tenant_a).values_list("name", flat=True)) == ["Bandung Studio"]


# --- OAuth ---


def test_the_authorize_url_carries_a_single_use_state_in_the_redirect(tenant_a, owner_a, studio_a):
    url = account_oauth_start(tenant=tenant_a, user=owner_a, studio=studio_a, region="vn")

    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == settings.SHOPEE_AUTHORIZE_URL
    assert query["partner_id"] == str(settings.SHOPEE_PARTNER_ID)
    assert query["sign"] == shopee_sign(
        partner_key=settings.SHOPEE_PARTNER_KEY,
        partner_id=settings.SHOPEE_PARTNER_ID,
        path="/api/v2/shop/auth_partner",
        timestamp=query["timestamp"],
    )
    redirect = urlsplit(query["redirect"])
    assert f"{redirect.scheme}://{redirect.netloc}{redirect.path}" == settings.SHOPEE_REDIRECT_URI
    back = {key: values[0] for key, values in parse_qs(redirect.query).items()}
    assert (back["studio"], back["region"]) == (str(studio_a.pk), "VN")
    state = OAuthState.objects.for_tenant(tenant_a).get()
    assert (state.state, state.provider, state.used_at) == (back["state"], "shopee", None)


def test_oauth_round_trip_stores_the_tokens_encrypted(sandbox, tenant_a, owner_a, studio_a):
    expected = sandbox_account()
    query = consent(account_oauth_start(tenant=tenant_a, user=owner_a, studio=studio_a, region="ID"))

    account = account_oauth_complete(
        tenant=tenant_a,
        user=owner_a,
        state=query["state"],
        code=query["code"],
        studio_id=query["studio"],
        region=query["region"],
        user_id=query["user_id"],
        shop_id=query["shop_id"],
    )

    stored = ShopeeAccount.objects.for_tenant(tenant_a).get()
    assert stored.pk == account.pk
    assert (stored.user_id, stored.shop_id, stored.region, stored.currency, stored.studio) == (
        str(expected["user_id"]),
        str(expected["shop_id"]),
        "ID",
        "IDR",
        studio_a,
    )
    assert (stored.status, stored.connected_by) == (ConnectionStatus.ACTIVE, owner_a)
    assert len(stored.access_token) == 32 and len(stored.refresh_token) == 32
    assert timedelta(hours=3, minutes=59) < stored.access_token_expires_at - timezone.now() <= timedelta(hours=4)
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM shopee_live_shopeeaccount")
        row = cursor.fetchone()
    assert stored.access_token not in row and stored.refresh_token not in row
    # The tokens work: a livestream call signed with the stored user id goes through.
    with open_client(stored) as client:
        assert client.session_detail(ongoing_session_id())["status"] == 1


def test_a_state_is_used_once(sandbox, tenant_a, owner_a, studio_a):
    query = consent(account_oauth_start(tenant=tenant_a, user=owner_a, studio=studio_a))
    arguments = {"tenant": tenant_a, "user": owner_a, "state": query["state"], "studio_id": query["studio"], "region": "ID"}
    account_oauth_complete(code=query["code"], user_id=query["user_id"], **arguments)

    with pytest.raises(ApplicationError) as caught:
        account_oauth_complete(code="0" * 32, **arguments)

    assert (caught.value.code, caught.value.status) == ("invalid_state", 400)


def test_a_refused_code_is_a_400_and_stores_nothing(sandbox, tenant_a, owner_a, studio_a):
    query = consent(account_oauth_start(tenant=tenant_a, user=owner_a, studio=studio_a))

    with pytest.raises(ApplicationError) as caught:
        account_oauth_complete(
            tenant=tenant_a,
            user=owner_a,
            state=query["state"],
            code="f" * 32,
            studio_id=query["studio"],
            region="ID",
            user_id=query["user_id"],
        )

    assert (caught.value.code, caught.value.status) == ("authorization_refused", 400)
    assert "The code is expired or used or invalid" in caught.value.message
    assert not ShopeeAccount.all_tenants.exists()


def test_reauthorizing_updates_the_same_account(sandbox, tenant_a, owner_a, studio_a):
    from tests.shopee_live.account_fixtures import oauth_connect

    first = oauth_connect(tenant_a, owner_a, studio_a)
    ShopeeAccount.objects.for_tenant(tenant_a).update(status=ConnectionStatus.NEEDS_REAUTH, status_reason="Token refresh refused")

    second = oauth_connect(tenant_a, owner_a, studio_a)

    assert second.pk == first.pk
    stored = ShopeeAccount.objects.for_tenant(tenant_a).get()
    assert (stored.status, stored.status_reason) == (ConnectionStatus.ACTIVE, "")
    assert stored.access_token != first.access_token


# --- token rotation ---


def test_two_renewals_with_the_same_stale_token_spend_one_refresh_token(sandbox, tenant_a, owner_a, studio_a):
    from tests.shopee_live.account_fixtures import oauth_connect

    account = oauth_connect(tenant_a, owner_a, studio_a)
    stale_access, first_refresh = account.access_token, account.refresh_token

    first = account_credentials_renew(account=account, failed_access_token=stale_access)
    second = account_credentials_renew(account=account, failed_access_token=stale_access)  # the other worker, later

    assert len(refresh_calls(sandbox)) == 1
    assert first.access_token == second.access_token != stale_access
    stored = ShopeeAccount.objects.for_tenant(tenant_a).get()
    assert (stored.access_token, stored.status) == (first.access_token, ConnectionStatus.ACTIVE)
    assert stored.refresh_token not in ("", first_refresh)


@pytest.mark.django_db(transaction=True)
def test_concurrent_renewals_rotate_once(sandbox, tenant_a, owner_a, studio_a):
    """Two workers whose calls were refused with the same token at once: the row lock makes
    the second wait for the first, then take its pair instead of spending the refresh token."""
    import threading

    from django.db import connections

    from tests.shopee_live.account_fixtures import oauth_connect

    account = oauth_connect(tenant_a, owner_a, studio_a)
    stale = account.access_token
    results: list[str] = []
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait(5)
            renewed = account_credentials_renew(account=ShopeeAccount.all_tenants.get(pk=account.pk), failed_access_token=stale)
            results.append(renewed.access_token if renewed else "")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert len(results) == 2 and results[0] == results[1] != stale
    assert len(refresh_calls(sandbox)) == 1
    assert ShopeeAccount.all_tenants.get(pk=account.pk).status == ConnectionStatus.ACTIVE


def test_an_expired_access_token_is_renewed_and_the_call_goes_through(sandbox, tenant_a, owner_a, studio_a):
    from sandbox.emulators.shopee.tokens import tokens_expire
    from tests.shopee_live.account_fixtures import oauth_connect

    account = oauth_connect(tenant_a, owner_a, studio_a)
    tokens_expire(account="demo-id-1")

    with open_client(account) as client:
        assert client.session_metric(ongoing_session_id())["ccu"] >= 0
        assert client.last_call.refreshed is True

    stored = ShopeeAccount.objects.for_tenant(tenant_a).get()
    assert stored.access_token != account.access_token and stored.status == ConnectionStatus.ACTIVE
    assert len(refresh_calls(sandbox)) == 1


def test_a_refused_refresh_marks_the_account_needing_reauthorization(sandbox, tenant_a, owner_a, studio_a):
    from sandbox.emulators.shopee.tokens import tokens_revoke
    from tests.shopee_live.account_fixtures import oauth_connect

    account = oauth_connect(tenant_a, owner_a, studio_a)
    tokens_revoke(account="demo-id-1")

    with pytest.raises(AuthExpired), open_client(account) as client:
        client.session_metric(ongoing_session_id())

    stored = ShopeeAccount.objects.for_tenant(tenant_a).get()
    assert stored.status == ConnectionStatus.NEEDS_REAUTH
    assert stored.status_reason == "Token refresh refused: Invalid refresh_token."
    assert len(refresh_calls(sandbox)) == 1


def test_a_bad_signature_gets_one_refresh_and_one_retry_then_needs_reauthorization(tenant_a, studio_a, mock_upstream):
    account = make_account(tenant_a, studio_a)
    metric = f"{settings.SHOPEE_OPEN_API_BASE}/api/v2/livestream/get_session_metric"
    mock_upstream.get(metric, json={"error": "error_sign", "message": "Wrong sign.", "request_id": "a" * 32, "response": {}})
    mock_upstream.post(
        f"{settings.SHOPEE_OPEN_API_BASE}{REFRESH_PATH}",
        json={
            "error": "",
            "message": "",
            "request_id": "b" * 32,
            "access_token": "new-access",
            "refresh_token": "new-refresh",
            "expire_in": 14400,
        },
    )

    with pytest.raises(AuthExpired), open_client(account) as client:
        client.session_metric(1)

    metric_calls = [call for call in mock_upstream.calls if "get_session_metric" in call.request.url]
    assert len(metric_calls) == 2
    assert parse_qs(urlsplit(metric_calls[1].request.url).query)["access_token"] == ["new-access"]
    assert len([call for call in mock_upstream.calls if REFRESH_PATH in call.request.url]) == 1
    stored = ShopeeAccount.objects.for_tenant(tenant_a).get()
    assert (stored.access_token, stored.refresh_token, stored.status) == ("new-access", "new-refresh", ConnectionStatus.NEEDS_REAUTH)
    assert "refused the renewed token" in stored.status_reason


def test_beat_rotates_tokens_that_expire_soon(sandbox, tenant_a, owner_a, studio_a):
    from tests.shopee_live.account_fixtures import oauth_connect

    account = oauth_connect(tenant_a, owner_a, studio_a)
    ShopeeAccount.objects.for_tenant(tenant_a).update(access_token_expires_at=timezone.now() + timedelta(minutes=10))

    assert account_tokens_refresh_expiring() == 1
    assert account_tokens_refresh_expiring() == 0  # the new token has four hours

    assert ShopeeAccount.objects.for_tenant(tenant_a).get().access_token != account.access_token


def test_the_beat_task_rotates_through_the_service(sandbox, tenant_a, owner_a, studio_a):
    from shopee_live.tasks import account_tokens_refresh_expiring_task
    from tests.shopee_live.account_fixtures import oauth_connect

    oauth_connect(tenant_a, owner_a, studio_a)
    ShopeeAccount.objects.for_tenant(tenant_a).update(access_token_expires_at=timezone.now() + timedelta(minutes=5))

    assert account_tokens_refresh_expiring_task.delay().get() == 1
    assert len(refresh_calls(sandbox)) == 1


# --- factories ---


def test_client_factories_refuse_a_missing_credential_clearly(tenant_a, studio_a):
    only_web = make_account(tenant_a, studio_a, access_token="", refresh_token="")
    expired_web = make_account(tenant_a, studio_a, user_id="7002", web_session_expires_at=timezone.now() - timedelta(minutes=1))

    with pytest.raises(ApplicationError) as caught:
        open_client(only_web)
    assert (caught.value.code, caught.value.status) == ("not_connected", 409)
    assert "Authorize Open Platform" in caught.value.message
    with pytest.raises(ApplicationError) as caught:
        web_client(expired_web)
    assert caught.value.code == "not_connected" and "scan again" in caught.value.message
    assert web_client(only_web).account == only_web


# --- naming an account by a token ---


def test_a_stored_token_names_its_account(tenant_a, tenant_b, studio_a):
    from tests.shopee_live.account_fixtures import make_studio

    first = make_account(tenant_a, studio_a)
    second = make_account(tenant_a, studio_a, user_id="7002", access_token="open-token-7002", web_session="spc-ec-7002")
    make_account(tenant_b, make_studio(tenant_b), user_id="8001", access_token="open-token-8001", web_session="spc-ec-8001")

    assert account_for_access_token(tenant=tenant_a, token="open-token-7001") == first
    assert account_for_access_token(tenant=tenant_a, token="spc-ec-7002") == second
    assert account_get(tenant=tenant_a, access_token="open-token-7002") == second
    assert account_get(tenant=tenant_a, shopee_account_id=str(first.pk)) == first
    for token in ("open-token-8001", "open-token-700", "", "x" * 64):  # another tenant's, a prefix, none, a guess
        with pytest.raises(ApplicationError) as caught:
            account_for_access_token(tenant=tenant_a, token=token)
        assert (caught.value.code, caught.value.status) == ("unknown_access_token", 401)


def test_the_lookup_compares_every_stored_token_in_constant_time(tenant_a, studio_a):
    for number in range(3):
        make_account(tenant_a, studio_a, user_id=f"70{number}", access_token=f"open-{number}", web_session=f"spc-{number}")

    with mock.patch("shopee_live.services.accounts.hmac.compare_digest", wraps=__import__("hmac").compare_digest) as compare:
        account_for_access_token(tenant=tenant_a, token="open-0")

    assert compare.call_count == 6  # no early exit on the first match


def test_account_get_by_id_and_token_must_agree(tenant_a, tenant_b, studio_a):
    from tests.shopee_live.account_fixtures import make_studio

    first = make_account(tenant_a, studio_a)
    second = make_account(tenant_a, studio_a, user_id="7002", access_token="open-token-7002", web_session="spc-ec-7002")
    other = make_account(tenant_b, make_studio(tenant_b), user_id="8001", access_token="t8", web_session="s8")

    assert account_get(tenant=tenant_a, account_id=first.pk, access_token="open-token-7001") == first
    with pytest.raises(ApplicationError) as caught:
        account_get(tenant=tenant_a, account_id=first.pk, access_token="open-token-7002")
    assert caught.value.status == 401
    with pytest.raises(ApplicationError) as caught:
        account_get(tenant=tenant_a, account_id=other.pk)
    assert (caught.value.code, caught.value.status) == ("account_not_found", 404)
    with pytest.raises(ApplicationError) as caught:
        account_get(tenant=tenant_a)
    assert caught.value.extra["fields"] == {"shopee_account_id": ["Required."]}
    assert second.pk != first.pk
