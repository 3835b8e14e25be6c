"""core.http's documented extension points for which breaker a call counts towards and which
tenant's call log gets the row."""

from __future__ import annotations

import uuid

import pytest

from core.http import CircuitOpen, Upstream5xx, UpstreamClient
from core.models import ApiCallLog, Tenant


class Client(UpstreamClient):
    provider = "ext"
    max_attempts = 1
    breaker_fail_max = 2


def test_breaker_key_makes_one_breaker_across_hosts(tenant_a, mock_upstream, upstream_sleeps):
    key = f"dest:{uuid.uuid4().hex[:8]}"
    client = Client(tenant=tenant_a, breaker_key=key, sleep=upstream_sleeps)
    mock_upstream.get("https://one.test/x", status=503)
    mock_upstream.get("https://two.test/x", status=503)

    for url in ("https://one.test/x", "https://two.test/x"):
        with pytest.raises(Upstream5xx):
            client.get(url)
    with pytest.raises(CircuitOpen):
        client.get("https://three.test/x")  # the same destination, whatever the host

    assert client.breaker_key_for("https://three.test/x") == key
    assert len(mock_upstream.calls) == 2


def test_default_breaker_is_per_provider_and_host(tenant_a):
    assert Client(tenant=tenant_a).breaker_key_for("https://api.one.test/v1/x?token=t") == "ext:api.one.test"


def test_build_breaker_gives_a_destination_its_own_thresholds(tenant_a, mock_upstream, upstream_sleeps):
    from core.breaker import circuit_breaker

    class Strict(Client):
        def build_breaker(self, key):
            return circuit_breaker(key, fail_max=1, reset_seconds=60)

    client = Strict(tenant=tenant_a, breaker_key=f"strict:{uuid.uuid4().hex[:8]}", sleep=upstream_sleeps)
    mock_upstream.get("https://one.test/x", status=503)

    with pytest.raises(Upstream5xx):
        client.get("https://one.test/x")
    with pytest.raises(CircuitOpen):
        client.get("https://one.test/x")


def test_no_tenant_logs_the_line_but_writes_no_row(db, mock_upstream, caplog):
    mock_upstream.get("https://one.test/x", json={"ok": True})
    client = Client(tenant=None)

    assert client.get("https://one.test/x") == {"ok": True}

    assert client.last_call.status_code == 200
    assert ApiCallLog.all_tenants.count() == 0
    assert any(record.name == "core.http" and "/x -> 200" in record.getMessage() for record in caplog.records)


def test_an_unsaved_tenant_is_refused(db):
    with pytest.raises(TypeError):
        Client(tenant=Tenant(name="not saved", slug="-"))


def test_call_log_tenant_can_be_chosen_by_the_client(tenant_a, tenant_b, mock_upstream):
    class OnBehalf(Client):
        def call_log_tenant(self):
            return tenant_b

    mock_upstream.get("https://one.test/x", json={})

    OnBehalf(tenant=tenant_a).get("https://one.test/x")

    assert ApiCallLog.all_tenants.get().tenant_id == tenant_b.pk
