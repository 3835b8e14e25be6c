"""GMV Max: the large fixture stored, campaign API p95 (30- and 93-day ranges), rooms API warm
p95, and a cold room fetch through a Celery worker with 300 ms sandbox latency, as one JSON line.

Needs ``DATABASE_URL`` (PostgreSQL); uses a database of its own, ``<name>_gmvmax_bench``,
dropped and migrated at start. ``BENCH_REDIS_URL`` (or ``REDIS_URL``) makes Redis the Celery
broker (the filesystem transport polls once a second, which would be most of a cold fetch).

1. ``manage.py sandbox_serve`` on a free port (clock frozen) and ``celery -A config worker -Q
   fetch``; the product's web server (gunicorn, 2 workers).
2. A tenant connected to the sandbox's ``large`` fixture (20 advertisers × 50 campaigns) through
   the real OAuth services; 365 days of every advertiser stored through ``campaign_stats_sync``
   (≤ 93-day requests, 1000-row pages), timed; then VACUUM ANALYZE (index-only scans need the
   visibility map).
3. ``GET /api/tiktok/gmv-max`` over HTTP with an API key, ``--requests`` times per range length
   (30 and 93 days) over a rotation of end days, promotion types and shop numbers.
4. Rooms: one LIVE campaign's rooms fetched, then ``--requests`` warm GETs (200).
5. Cold range: a second tenant connected to the same fixture, nothing stored; ``GET
   /api/tiktok/gmv-max`` over 180 days answers 202 and starts one backfill (20 advertisers × 2
   chunks, parts in parallel on the worker); poll its ``poll`` URL until 200, then the range
   again (200). ``backfill_seconds`` is request → 200, ``backfill_requests`` the report requests
   the backfill made (from the upstream call log).
6. Cold rooms: sandbox latency 300 ms; GET the rooms of campaigns never fetched (202), poll every
   20 ms until 200; time and the fetch's pages (target ≤ pages × 300 + 500 ms). The worker's
   very first task (imports, connections) is reported apart, not measured.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres BENCH_REDIS_URL=redis://127.0.0.1:6379/2 \\
        .venv/bin/python bench/gmvmax.py
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from urllib.parse import urlsplit

import requests
from _harness import (
    PYTHON,
    ROOT,
    base_env,
    bench_database_url,
    free_port,
    http_json,
    recreate_database,
    sandbox_command,
    setup_django,
    stop_processes,
    wait_for_sandbox,
)

COLD_LATENCY_MS = 300
COLD_RANGE_DAYS = 180


def child_env(*, database_url: str, sandbox_base: str, broker_dir: str) -> dict[str, str]:
    env = base_env(database_url=database_url, sandbox_base=sandbox_base, broker_dir=broker_dir)
    env.update(
        {
            "SECURE_SSL_REDIRECT": "false",
            "TIKTOK_BUSINESS_APP_ID": "7sandboxappid",
            "TIKTOK_BUSINESS_APP_SECRET": "sandbox-business-secret-0123456789",
            "TIKTOK_BUSINESS_RATE_LIMIT": "100000/second",  # the sandbox has no QPS limit here
        }
    )
    return env


def wait_for_web(port: int, key: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/api/me/", headers={"Authorization": f"Bearer {key}"}, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    sys.exit("gunicorn did not start")


def p95(samples: list[float]) -> float:
    return round(statistics.quantiles(samples, n=100, method="inclusive")[94], 1)


def timed_gets(session: requests.Session, url: str, queries: list[dict], *, count: int, warmup: int, expect: int = 200) -> list[float]:
    for n in range(warmup):
        assert session.get(url, params=queries[n % len(queries)], timeout=30).status_code == expect
    samples = []
    for n in range(count):
        started = time.perf_counter()
        response = session.get(url, params=queries[n % len(queries)], timeout=30)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == expect, response.text[:300]
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixture", default="large")
    parser.add_argument("--days", type=int, default=365, help="days of campaign stats stored (default 365)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per measurement (default 200)")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--cold", type=int, default=5, help="cold room fetches timed (default 5)")
    args = parser.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not os.environ.get("DATABASE_URL"):
        sys.exit("bench/gmvmax.py needs DATABASE_URL (PostgreSQL).")
    database_url = bench_database_url(os.environ["DATABASE_URL"], bench="gmvmax")
    recreate_database(database_url)
    sandbox_port, web_port = free_port(), free_port()
    sandbox_base = f"http://127.0.0.1:{sandbox_port}/sandbox"
    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="gmvmax-bench-") as tmp:
        env = child_env(database_url=database_url, sandbox_base=sandbox_base, broker_dir=tmp)
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "--skip-checks", "-v", "0"], cwd=ROOT, env=env, check=True)
        if env["REDIS_URL"]:
            subprocess.run(
                [PYTHON, "-m", "celery", "-A", "config", "purge", "-f", "-Q", "fetch"], cwd=ROOT, env=env, check=False, capture_output=True
            )

        def start(command: list[str], *, stdout=subprocess.DEVNULL) -> subprocess.Popen:
            proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=stdout, stderr=subprocess.DEVNULL, text=True, start_new_session=True)
            processes.append(proc)
            return proc

        try:
            sandbox = start(sandbox_command(sandbox_port), stdout=subprocess.PIPE)
            wait_for_sandbox(sandbox)
            start([PYTHON, "-m", "celery", "-A", "config", "worker", "-Q", "fetch", "-c", "2", "-n", "gmvmax-bench@%h",
                   "--prefetch-multiplier", "1", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"])  # fmt: skip
            os.environ.update(env)
            result = run_bench(args, sandbox_base=sandbox_base, web_port=web_port, start=start)
        finally:
            stop_processes(processes)
    print(json.dumps(result))


def run_bench(args, *, sandbox_base: str, web_port: int, start) -> dict:
    setup_django()
    from urllib.parse import parse_qs

    from django.db import connection

    from core.models import ApiCallLog, Role, SyncRun
    from core.services import api_key_create, tenant_create
    from core.targets import campaign_range_target
    from core.tenancy import tenant_scope
    from gmvmax.models import CampaignDailyStat, GmvMaxCampaign, RunKind
    from gmvmax.services import advertiser_today, campaign_stats_sync
    from sandbox.emulators.tiktok_business.tokens import auth_code_issue
    from tiktok_ads.models import Advertiser, AdvertiserStore
    from tiktok_ads.services import business_oauth_complete, business_oauth_start

    control = f"{sandbox_base}/_control"
    now = int(time.time())
    http_json("POST", f"{control}/tiktok-business/clock", {"frozen_at": now})

    tenant = tenant_create(name="GMV Max bench", slug=f"gmvmax-bench-{secrets.token_hex(3)}")
    result: dict = {"bench": "gmvmax", "fixture": args.fixture}
    with tenant_scope(tenant):
        state = parse_qs(urlsplit(business_oauth_start(tenant=tenant)).query)["state"][0]
        business_oauth_complete(tenant=tenant, state=state, auth_code=auth_code_issue(fixture=args.fixture))
        advertisers = list(Advertiser.objects.for_tenant(tenant))
        started = time.perf_counter()
        requests_made = pages = 0
        for advertiser in advertisers:
            end = advertiser_today(advertiser)
            synced = campaign_stats_sync(advertiser=advertiser, start=end - timedelta(days=args.days - 1), end=end)
            requests_made += synced.requests
            pages += synced.pages
        result["store_seconds"] = round(time.perf_counter() - started, 1)
        result["stored_campaign_days"] = CampaignDailyStat.objects.for_tenant(tenant).count()
        result["stored_campaigns"] = GmvMaxCampaign.objects.for_tenant(tenant).count()
        result["advertisers"] = len(advertisers)
        result["store_requests"] = requests_made
        result["store_pages"] = pages
        key = api_key_create(tenant=tenant, name="bench", role=Role.VIEWER).raw_key
        shops = sorted(
            set(AdvertiserStore.objects.for_tenant(tenant).filter(is_gmv_max_available=True).values_list("shop_number", flat=True))
        )
        live = list(
            GmvMaxCampaign.objects.for_tenant(tenant)
            .filter(promotion_type="LIVE_GMV_MAX")
            .select_related("advertiser")
            .order_by("campaign_id")
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) gmvmax_campaigndailystat")
        # Autovacuum analyzes tables that just grew within a minute; the bench measures at once.
        for table in ("gmvmax_gmvmaxcampaign", "tiktok_ads_advertiser", "tiktok_ads_advertiserstore"):
            cursor.execute(f"ANALYZE {table}")
        # Flush the load's dirty pages now rather than in a checkpoint during the measurements.
        cursor.execute("CHECKPOINT")
    connection.close()

    start([str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{web_port}", "--log-level", "warning"])
    wait_for_web(web_port, key)
    base = f"http://127.0.0.1:{web_port}"
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {key}"

    # What any API request costs on this machine right now (auth, middleware, rendering).
    result["api_me_p95_ms"] = p95(timed_gets(session, base + "/api/me/", [{}], count=args.requests, warmup=args.warmup))
    today = max(advertiser_today(a) for a in advertisers)
    for days in (30, 93):
        queries = [
            {
                "startDate": (today - timedelta(days=offset + days - 1)).isoformat(),
                "endDate": (today - timedelta(days=offset)).isoformat(),
                "promotion_type": ("LIVE_GMV_MAX", "PRODUCT_GMV_MAX")[n % 2],
                **({"shopNumber": shops[n % len(shops)]} if n % 3 == 0 else {}),
            }
            for n, offset in enumerate(range(0, 240, 7))
        ]
        rows = session.get(base + "/api/tiktok/gmv-max", params=queries[1], timeout=30).json()["campaigns"]
        result[f"campaign_rows_{days}d"] = len(rows)
        # Warm-up asks every query of the rotation once: steady state, not the first reads from disk.
        samples = timed_gets(session, base + "/api/tiktok/gmv-max", queries, count=args.requests, warmup=max(args.warmup, len(queries)))
        result[f"campaign_p95_ms_{days}d"] = p95(samples)
        result[f"campaign_median_ms_{days}d"] = round(statistics.median(samples), 1)

    def rooms_query(campaign, days=93, ago=1):
        end = advertiser_today(campaign.advertiser) - timedelta(days=ago)
        return {"campaignId": campaign.campaign_id, "startDate": (end - timedelta(days=days - 1)).isoformat(), "endDate": end.isoformat()}

    def wait_ready(query: dict) -> tuple[float, dict]:
        started = time.perf_counter()
        response = session.get(base + "/api/tiktok/gmv-max/rooms", params=query, timeout=30)
        while response.status_code == 202:
            if response.json()["status"] == "failed":
                sys.exit(f"room fetch failed: {response.json()['fetch']['error']}")
            time.sleep(0.02)
            response = session.get(base + "/api/tiktok/gmv-max/rooms", params=query, timeout=30)
        response.raise_for_status()
        return (time.perf_counter() - started) * 1000, response.json()

    # Warm: one campaign's rooms stored, then read.
    warm_query = rooms_query(live[0])
    _, body = wait_ready(warm_query)
    result["rooms_warm_sessions"] = len(body["liveSessions"])
    samples = timed_gets(session, base + "/api/tiktok/gmv-max/rooms", [warm_query], count=args.requests, warmup=args.warmup)
    result["rooms_warm_p95_ms"] = p95(samples)

    # Cold range: nothing stored for a second tenant of the same 20 advertisers; request → 200.
    cold_tenant = tenant_create(name="GMV Max bench cold", slug=f"gmvmax-bench-cold-{secrets.token_hex(3)}")
    with tenant_scope(cold_tenant):
        state = parse_qs(urlsplit(business_oauth_start(tenant=cold_tenant)).query)["state"][0]
        business_oauth_complete(tenant=cold_tenant, state=state, auth_code=auth_code_issue(fixture=args.fixture))
        cold_key = api_key_create(tenant=cold_tenant, name="bench cold", role=Role.VIEWER).raw_key
        cold_advertisers = Advertiser.objects.for_tenant(cold_tenant).count()
    connection.close()
    cold_session = requests.Session()
    cold_session.headers["Authorization"] = f"Bearer {cold_key}"
    range_query = {
        "startDate": (today - timedelta(days=COLD_RANGE_DAYS)).isoformat(),
        "endDate": (today - timedelta(days=1)).isoformat(),
        "promotion_type": "LIVE_GMV_MAX",
    }
    started = time.perf_counter()
    first = cold_session.get(base + "/api/tiktok/gmv-max", params=range_query, timeout=30)
    assert first.status_code == 202, first.text[:300]
    pending = first.json()
    polled = cold_session.get(base + pending["poll"], timeout=30)
    while polled.status_code == 202:
        if polled.json()["run"]["state"] == "failed":
            sys.exit(f"backfill failed: {polled.json()['run']['error']}")
        time.sleep(0.05)
        polled = cold_session.get(base + pending["poll"], timeout=30)
    polled.raise_for_status()
    filled = cold_session.get(base + "/api/tiktok/gmv-max", params=range_query, timeout=30)
    assert filled.status_code == 200, filled.text[:300]
    result["backfill_seconds"] = round(time.perf_counter() - started, 2)
    result["backfill_range_days"] = COLD_RANGE_DAYS
    result["backfill_advertisers"] = cold_advertisers
    result["backfill_parts"] = polled.json()["run"]["partsTotal"]
    result["backfill_missing_spans"] = len(pending["missing"])
    result["backfill_campaign_rows"] = len(filled.json()["campaigns"])
    with tenant_scope(cold_tenant):
        result["backfill_requests"] = ApiCallLog.objects.for_tenant(cold_tenant).filter(endpoint__contains="/gmv_max/report/get/").count()
    connection.close()

    # Cold, with the platform slow: request → rooms ready, per campaign never fetched.
    options = http_json("GET", f"{control}/tiktok-business/config/")["options"]
    http_json("PUT", f"{control}/tiktok-business/config/", {"latency_ms": COLD_LATENCY_MS, "options": options})
    # The worker's first task pays for its imports and connections: reported, not measured.
    first_ms, _ = wait_ready(rooms_query(live[1]))
    result["rooms_cold_first_task_ms"] = round(first_ms, 1)
    cold = []
    for campaign in live[2 : 2 + args.cold]:
        query = rooms_query(campaign)
        elapsed, body = wait_ready(query)
        with tenant_scope(tenant):
            target = campaign_range_target(campaign.pk, *(date.fromisoformat(query[key]) for key in ("startDate", "endDate")))
            run = SyncRun.objects.for_tenant(tenant).filter(kind=RunKind.ROOM_FETCH, target=target).latest("created_at")
            part = run.parts.get()
        cold.append(
            {
                "ms": round(elapsed, 1),
                "pages": part.checkpoint["pages"],
                "sessions": len(body["liveSessions"]),
                # Where the time went: waiting for a worker, then the fetch itself (the rest is polling).
                "queue_ms": round((part.started_at - run.created_at).total_seconds() * 1000, 1),
                "fetch_ms": round((run.finished_at - part.started_at).total_seconds() * 1000, 1),
            }
        )
        connection.close()
    worst = max(cold, key=lambda c: c["ms"] - (c["pages"] * COLD_LATENCY_MS + 500))
    result["rooms_cold_ms"] = round(statistics.median(c["ms"] for c in cold), 1)
    result["rooms_cold_pages"] = worst["pages"]
    result["rooms_cold_max_ms"] = max(c["ms"] for c in cold)
    result["rooms_cold_target_ms"] = worst["pages"] * COLD_LATENCY_MS + 500
    result["rooms_cold_runs"] = cold
    result["rooms_cold_latency_ms"] = COLD_LATENCY_MS
    result["range_days_cold"] = 93
    return result


if __name__ == "__main__":
    main()
