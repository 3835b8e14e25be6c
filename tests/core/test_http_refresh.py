"""core.http: one credential refresh on AuthExpired, under the credential's lock."""

from __future__ import annotations

import threading

import pytest
from responses import matchers

from core.http import AuthExpired, UpstreamClient
from core.locks import named_lock
from core.models import ApiCallLog

BASE = "https://auth.shop.test"


class TokenClient(UpstreamClient):
    provider = "tokens"
    base_url = BASE

    def __init__(self, *, token: str, new_tokens=("tok-new-2222",), credential_key="shop-9001", **kwargs):
        self.token = token
        self.new_tokens = list(new_tokens)
        self.refreshes = 0
        super().__init__(credential_key=credential_key, credential_label="shop 9001", **kwargs)

    def prepare_request(self, request):
        request.headers["Authorization"] = f"Bearer {self.token}"

    def refresh_credentials(self) -> bool:
        self.refreshes += 1
        self.token = self.new_tokens.pop(0)
        return True

    def sensitive_values(self):
        return (self.token, *self.new_tokens)


def bearer(token):
    return [matchers.header_matcher({"Authorization": f"Bearer {token}"})]


def test_auth_expired_refreshes_once_and_retries_with_the_new_token(tenant_a, mock_upstream):
    client = TokenClient(tenant=tenant_a, token="tok-old-1111")
    mock_upstream.get(f"{BASE}/v1/orders", status=401, json={"message": "expired"}, match=bearer("tok-old-1111"))
    mock_upstream.get(f"{BASE}/v1/orders", json={"orders": []}, match=bearer("tok-new-2222"))

    assert client.get("/v1/orders") == {"orders": []}

    assert client.refreshes == 1
    assert client.last_call.refreshed is True
    (row,) = ApiCallLog.objects.for_tenant(tenant_a)
    assert (row.outcome, row.status_code, row.attempts, row.credential) == ("ok", 200, 2, "shop 9001")


def test_still_expired_after_refresh_raises_without_a_second_refresh(tenant_a, mock_upstream, upstream_sleeps):
    client = TokenClient(tenant=tenant_a, token="tok-old-1111", new_tokens=["tok-new-2222", "tok-new-3333"], sleep=upstream_sleeps)
    mock_upstream.get(f"{BASE}/v1/orders", status=401, json={"message": "revoked"})

    with pytest.raises(AuthExpired):
        client.get("/v1/orders")

    assert client.refreshes == 1
    assert len(mock_upstream.calls) == 2
    assert upstream_sleeps == []
    (row,) = ApiCallLog.objects.for_tenant(tenant_a)
    assert (row.outcome, row.attempts) == ("auth_expired", 2)


def test_refresh_that_calls_the_upstream_is_not_refreshed_again(tenant_a, mock_upstream):
    class SelfRefreshing(TokenClient):
        def refresh_credentials(self) -> bool:
            self.refreshes += 1
            self.token = self.post("/oauth/refresh", json={"refresh_token": "rt"}, idempotent=True)["access_token"]
            return True

    client = SelfRefreshing(tenant=tenant_a, token="tok-old-1111")
    mock_upstream.get(f"{BASE}/v1/orders", status=401, json={"message": "expired"})
    mock_upstream.post(f"{BASE}/oauth/refresh", status=401, json={"message": "refresh token expired"})

    with pytest.raises(AuthExpired) as caught:
        client.get("/v1/orders")

    assert caught.value.message == "refresh token expired"
    assert client.refreshes == 1
    assert [call.request.url for call in mock_upstream.calls] == [f"{BASE}/v1/orders", f"{BASE}/oauth/refresh"]
    outcomes = sorted(ApiCallLog.objects.for_tenant(tenant_a).values_list("endpoint", "outcome"))
    assert outcomes == [("/oauth/refresh", "auth_expired"), ("/v1/orders", "auth_expired")]


def test_refresh_waits_for_the_credential_lock(tenant_a, mock_upstream):
    client = TokenClient(tenant=tenant_a, token="tok-old-1111")
    client.refresh_lock_wait = 0.2
    mock_upstream.get(f"{BASE}/v1/orders", status=401, json={"message": "expired"})
    held, release = threading.Event(), threading.Event()

    def holder():
        with named_lock(client.refresh_lock_name):
            held.set()
            release.wait(5)

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(5)
    try:
        with pytest.raises(AuthExpired):
            client.get("/v1/orders")
    finally:
        release.set()
        thread.join()

    assert client.refreshes == 0
    assert len(mock_upstream.calls) == 1


def test_refresh_lock_is_named_by_the_credential(tenant_a):
    one = TokenClient(tenant=tenant_a, token="a")
    two = TokenClient(tenant=tenant_a, token="b")
    other = TokenClient(tenant=tenant_a, token="c", credential_key="shop-9002")

    assert one.refresh_lock_name == two.refresh_lock_name
    assert other.refresh_lock_name != one.refresh_lock_name
    assert "shop-9001" not in one.refresh_lock_name
