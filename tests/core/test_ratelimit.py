"""core.ratelimit: blocking per-key limits, shared across processes on Redis."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from core.http import RateLimited, UpstreamClient
from core.models import ApiCallLog
from core.ratelimit import RateLimiter

# Grant timestamps are read just before the storage's own clock reading; allow for that gap.
CLOCK_SLACK = 0.01


def key() -> str:
    return f"test:{uuid.uuid4().hex}"


def max_in_any_window(stamps: list[float], period: float) -> int:
    stamps = sorted(stamps)
    return max(sum(1 for other in stamps if start <= other < start + period - CLOCK_SLACK) for start in stamps)


class PausesRecorder(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)
        time.sleep(seconds)


def test_blocks_until_the_window_frees_then_grants():
    pauses = PausesRecorder()
    limiter = RateLimiter("2/second", max_wait=5, sleep=pauses)
    name = key()

    first, second, third = (limiter.acquire(name) for _ in range(3))

    assert first.waited == 0 and second.waited == 0
    assert pauses and third.waited >= sum(pauses) * 0.9
    assert third.granted_at - first.granted_at >= 1 - CLOCK_SLACK
    assert max_in_any_window([first.granted_at, second.granted_at, third.granted_at], 1.0) == 2


def test_keys_have_separate_budgets():
    limiter = RateLimiter("1/minute", max_wait=0)
    limiter.acquire("test:one-" + key())

    assert limiter.acquire("test:two-" + key()).waited == 0


def test_raises_at_once_when_no_slot_frees_within_the_max_wait():
    pauses = PausesRecorder()
    limiter = RateLimiter("1/minute", max_wait=2, sleep=pauses)
    name = key()
    limiter.acquire(name)

    with pytest.raises(RateLimited) as caught:
        limiter.acquire(name)

    assert pauses == []
    assert 58 < caught.value.retry_after <= 60
    assert caught.value.retryable is False


def test_every_limit_of_a_pair_applies():
    limiter = RateLimiter("5/second;2/minute", max_wait=1)
    name = key()
    limiter.acquire(name)
    limiter.acquire(name)

    with pytest.raises(RateLimited) as caught:
        limiter.acquire(name)

    assert caught.value.retry_after > 58


def test_clear_forgets_the_window():
    limiter = RateLimiter("1/minute", max_wait=0)
    name = key()
    limiter.acquire(name)
    limiter.clear(name)

    assert limiter.acquire(name).waited == 0


def test_storage_outage_lets_calls_through(settings, caplog):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    limiter = RateLimiter("1/minute", max_wait=0)
    name = key()

    limiter.acquire(name)
    limiter.acquire(name)

    assert "Rate limiter storage unavailable" in caplog.text


# --- Through the client -------------------------------------------------------------------


class LimitedClient(UpstreamClient):
    provider = "limited"
    base_url = "https://limited.test"
    rate_limit = "1/minute"


def test_client_limits_per_credential(tenant_a, mock_upstream):
    mock_upstream.get("https://limited.test/v1/ping", json={})
    first = LimitedClient(tenant=tenant_a, credential_key=f"cred-a-{uuid.uuid4().hex}", rate_limit_max_wait=0)
    same = LimitedClient(tenant=tenant_a, credential_key=first.credential_key, rate_limit_max_wait=0)
    other = LimitedClient(tenant=tenant_a, credential_key=f"cred-b-{uuid.uuid4().hex}", rate_limit_max_wait=0)

    first.get("/v1/ping")
    with pytest.raises(RateLimited) as caught:
        same.get("/v1/ping")
    other.get("/v1/ping")

    assert len(mock_upstream.calls) == 2
    assert caught.value.provider == "limited"
    row = ApiCallLog.objects.for_tenant(tenant_a).filter(outcome="rate_limited").get()
    assert (row.attempts, row.status_code, row.endpoint) == (0, None, "/v1/ping")


def test_instance_can_lift_the_class_limit(tenant_a, mock_upstream):
    mock_upstream.get("https://limited.test/v1/ping", json={})
    client = LimitedClient(tenant=tenant_a, credential_key=key(), rate_limit=None)

    client.get("/v1/ping")
    client.get("/v1/ping")

    assert client.limiter is None
    assert len(mock_upstream.calls) == 2


# --- Two processes, one budget (Redis) ----------------------------------------------------

WORKER = """
import json, os, sys, time
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from core.locks import shared_redis
from core.ratelimit import RateLimiter

limit, name, barrier, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
redis = shared_redis()
redis.incr(barrier)
deadline = time.monotonic() + 30
while int(redis.get(barrier)) < 2 and time.monotonic() < deadline:
    time.sleep(0.002)
limiter = RateLimiter(limit, max_wait=30)
started = time.time()
grants = [limiter.acquire(name).granted_at for _ in range(count)]
print(json.dumps({"started": started, "grants": grants}))
"""


def test_two_processes_share_one_budget(requires_redis):
    name, barrier = key(), key()
    limit, per_second, grants_each = "5/second", 5, 8
    env = {**os.environ, "REDIS_URL": django_settings.REDIS_URL}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, limit, name, barrier, str(grants_each)],
            cwd=Path(django_settings.BASE_DIR),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))

    one, two = results
    stamps = one["grants"] + two["grants"]
    assert len(stamps) == 2 * grants_each
    # They competed: each started asking before the other had all its grants...
    assert one["started"] < max(two["grants"]) and two["started"] < max(one["grants"])
    # ...and together never got more than the limit in any one-second span.
    assert max_in_any_window(stamps, 1.0) <= per_second
    # 16 grants at 5 per second can't fit in less than 3 seconds.
    assert max(stamps) - min(stamps) >= 3 - CLOCK_SLACK
