"""Shopee Live: one 5-minute active-session cycle over 200 accounts × 5 ongoing sessions through
real workers, and the analytics page over a year of 200 accounts, as one JSON line.

Needs ``DATABASE_URL`` (PostgreSQL) and ``BENCH_REDIS_URL`` or ``REDIS_URL`` (the broker); uses a
database of its own, ``<name>_shopee_bench``, recreated at start.

1. ``manage.py sandbox_serve`` on a free port, Shopee's clock frozen, 100 ms standing latency on
   both Shopee emulators, the Open Platform's per-account ``qps`` limit on.
2. A tenant with the sandbox's ``bench`` fixture connected: 200 accounts (10 studios), each with
   5 sessions live now (1,000), stored as the connect services store them.
3. Celery workers on the ``sync`` queue (``--processes``, one per core, each a pool of
   ``--concurrency`` threads: the work waits on Shopee), started and warmed.
4. The cycle: ``live_cycle_start`` (what beat fans out every 5 minutes), timed until the run is
   settled; upstream calls counted from the call log. Then the clock moves 5 minutes and the
   next cycle is timed too (``steady_cycle_seconds``: only the new minutes travel).
   ``floor_seconds`` = calls × latency ÷ concurrency: what the cycle would take with the workers
   doing nothing but waiting for Shopee.
5. A year of ended sessions for the same 200 accounts (3 a day each), the nightly analytics,
   then gunicorn and the analytics page asked logged in: p95 over the default range (30 days)
   and over the whole year.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres BENCH_REDIS_URL=redis://127.0.0.1:6379/2 \\
        .venv/bin/python bench/shopee_sync.py
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
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import requests
from _harness import (
    PYTHON,
    ROOT,
    base_env,
    bench_database_url,
    free_port,
    http_json,
    logged_in_session,
    p95,
    recreate_database,
    sandbox_command,
    setup_django,
    stop_processes,
    timed_gets,
    wait_for_sandbox,
)

LATENCY_MS = 100
SESSIONS_PER_DAY = 3


def rss_peak_mb(pid: int) -> float:
    """Peak resident memory of ``pid`` and its children (VmHWM), in MB."""
    total = 0
    for proc in [pid, *_children(pid)]:
        try:
            with open(f"/proc/{proc}/status") as status:
                total += next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
        except (FileNotFoundError, StopIteration):
            continue
    return round(total / 1024, 1)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of ``pid`` and its children so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for proc in [pid, *_children(pid)]:
        try:
            with open(f"/proc/{proc}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except FileNotFoundError:
            continue
    return total


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            return [int(child) for child in children.read().split()]
    except FileNotFoundError:
        return []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2, help="worker processes on the sync queue (default 2: one per core)")
    parser.add_argument("--concurrency", type=int, default=16, help="threads per worker process (default 16)")
    parser.add_argument("--qps", type=int, default=10, help="the sandbox's Open Platform calls/s per account (default 10)")
    parser.add_argument("--requests", type=int, default=100, help="timed analytics page requests per range (default 100)")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--cycles-only", action="store_true", help="skip the year of history and the analytics page")
    parser.add_argument("--logs", default="", help="a folder for the started processes' output (default: discarded)")
    args = parser.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not os.environ.get("DATABASE_URL"):
        sys.exit("bench/shopee_sync.py needs DATABASE_URL (PostgreSQL).")
    if not (os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL")):
        sys.exit("bench/shopee_sync.py needs BENCH_REDIS_URL or REDIS_URL (the workers' broker).")
    database_url = bench_database_url(os.environ["DATABASE_URL"], bench="shopee")
    recreate_database(database_url)
    sandbox_port, web_port = free_port(), free_port()
    sandbox_base = f"http://127.0.0.1:{sandbox_port}/sandbox"
    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="shopee-bench-") as tmp:
        env = base_env(database_url=database_url, sandbox_base=sandbox_base, broker_dir=tmp)
        env.update({"HTTPS": "false", "SECURE_SSL_REDIRECT": "false", "SHOPEE_RATE_LIMIT": str(max(1, args.qps - 2))})
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "--skip-checks", "-v", "0"], cwd=ROOT, env=env, check=True)
        subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
        subprocess.run([PYTHON, "-m", "celery", "-A", "config", "purge", "-f", "-Q", "sync"], cwd=ROOT, env=env, check=False, capture_output=True)

        def start(command: list[str], *, stdout=subprocess.DEVNULL) -> subprocess.Popen:
            stderr = open(os.path.join(args.logs, f"{len(processes)}.log"), "w") if args.logs else subprocess.DEVNULL  # noqa: SIM115
            proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=stdout, stderr=stderr, text=True, start_new_session=True)
            processes.append(proc)
            return proc

        try:
            sandbox = start(sandbox_command(sandbox_port), stdout=subprocess.PIPE)
            wait_for_sandbox(sandbox)
            # The sync queue's workers wait on Shopee most of the time: threads, one process per core.
            workers = [
                start([PYTHON, "-m", "celery", "-A", "config", "worker", "-Q", "sync", "-P", "threads", "-c", str(args.concurrency),
                       "-n", f"shopee-bench-{n}@%h", "--prefetch-multiplier", "1", "--without-gossip", "--without-mingle",
                       "--without-heartbeat", "-l", "WARNING"])  # fmt: skip
                for n in range(args.processes)
            ]
            os.environ.update(env)
            result = run_bench(args, sandbox_base=sandbox_base, web_port=web_port, workers=workers, sandbox=sandbox, start=start)
        finally:
            stop_processes(processes)
    print(json.dumps(result))


def run_bench(args, *, sandbox_base: str, web_port: int, workers: list[subprocess.Popen], sandbox: subprocess.Popen, start) -> dict:
    setup_django()
    from django.db import connection
    from django.db.models import Count, Sum

    from core.models import ApiCallLog, Role, SyncRun, SyncState
    from core.services import tenant_create
    from core.tenancy import tenant_scope
    from shopee_live.models import LiveSession, SessionStatus, ShopeeAccount, Studio
    from shopee_live.regions import market
    from shopee_live.services import daily_analytics_compute, live_cycle_start

    control = f"{sandbox_base}/_control"
    now = int(time.time())
    http_json("POST", f"{control}/shopee/clock", {"frozen_at": now})
    for emulator in ("shopee", "shopee-web"):
        http_json("PUT", f"{control}/{emulator}/config/", {"latency_ms": LATENCY_MS, "options": {"qps": args.qps} if emulator == "shopee" else {}})
    connected = http_json("POST", f"{control}/shopee/connect", {"fixture": "bench"})["accounts"]

    tenant = tenant_create(name="Shopee bench", slug=f"shopee-bench-{secrets.token_hex(3)}")
    concurrency = args.processes * args.concurrency
    result: dict = {"bench": "shopee_sync", "accounts": len(connected), "latency_ms": LATENCY_MS, "concurrency": concurrency}
    with tenant_scope(tenant):
        studios: dict[str, Studio] = {}
        moment = datetime.now(UTC)
        for issued in connected:
            studio = studios.get(issued["studio"]) or studios.setdefault(issued["studio"], Studio.objects.create(tenant=tenant, name=issued["studio"]))
            ShopeeAccount.objects.create(
                tenant=tenant,
                studio=studio,
                name=issued["username"],
                region=issued["region"],
                currency=market(issued["region"]).currency,
                user_id=str(issued["user_id"]),
                shop_id=str(issued["shop_id"]),
                access_token=issued["access_token"],
                access_token_expires_at=moment + timedelta(seconds=issued["expire_in"]),
                refresh_token=issued["refresh_token"],
                refresh_token_expires_at=moment + timedelta(days=30),
                web_session=issued["spc_ec"],
                web_session_expires_at=datetime.fromtimestamp(issued["cookie_expires_at"], tz=UTC),
            )
        accounts = list(ShopeeAccount.objects.for_tenant(tenant))
    connection.close()
    _wait_workers_ready(workers)

    for label, advance in (("cycle", 0), ("steady_cycle", 300)):
        if advance:
            http_json("POST", f"{control}/shopee/clock", {"advance_seconds": advance})
        cpu_before = {"worker": sum(cpu_seconds(w.pid) for w in workers), "sandbox": cpu_seconds(sandbox.pid)}
        calls_before = ApiCallLog.all_tenants.filter(tenant=tenant).aggregate(n=Sum("attempts"))["n"] or 0
        started = time.perf_counter()
        with tenant_scope(tenant):
            run = live_cycle_start(tenant=tenant)
        while True:
            run.refresh_from_db()
            if run.state not in (SyncState.PENDING, SyncState.RUNNING):
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        logs = ApiCallLog.all_tenants.filter(tenant=tenant)
        calls = (logs.aggregate(n=Sum("attempts"))["n"] or 0) - calls_before
        live = LiveSession.all_tenants.filter(tenant=tenant, status=SessionStatus.ONGOING).count()
        result[f"{label}_seconds"] = round(seconds, 2)
        result[f"{label}_state"] = run.state
        result[f"{label}_calls"] = calls
        # Where the time went on this machine: the workers' and the emulator's own CPU.
        cpu_after = {"worker": sum(cpu_seconds(w.pid) for w in workers), "sandbox": cpu_seconds(sandbox.pid)}
        for name in cpu_after:
            result[f"{label}_{name}_cpu_seconds"] = round(cpu_after[name] - cpu_before[name], 1)
        if label == "cycle":
            result["sessions"] = live
            result["calls_per_session"] = round(calls / max(live, 1), 2)
            result["floor_seconds"] = round(calls * LATENCY_MS / 1000 / concurrency, 2)
    rate_limited = ApiCallLog.all_tenants.filter(tenant=tenant, status_code=429).count()
    result["rate_limited"] = rate_limited + (ApiCallLog.all_tenants.filter(tenant=tenant, outcome__icontains="rate").count() if not rate_limited else 0)
    result["failed_parts"] = SyncRun.all_tenants.filter(tenant=tenant, state=SyncState.FAILED).count()
    result["minutes_stored"] = LiveSession.all_tenants.filter(tenant=tenant).aggregate(n=Count("minutes"))["n"]
    result["peak_rss_mb"] = round(sum(rss_peak_mb(w.pid) for w in workers), 1)
    if args.cycles_only:
        return result

    # --- A year of sessions, the nightly analytics, the page --------------------------------
    started = time.perf_counter()
    with tenant_scope(tenant):
        _year_of_sessions(tenant, accounts)
        today = datetime.now(UTC).date()
        daily_analytics_compute(tenant, day_from=today - timedelta(days=366), day_to=today)
    result["history_sessions"] = LiveSession.all_tenants.filter(tenant=tenant).count()
    result["history_seed_seconds"] = round(time.perf_counter() - started, 1)
    with connection.cursor() as cursor:
        for table in ("shopee_live_livesession", "shopee_live_dailyanalytics", "shopee_live_shopeeaccount"):
            cursor.execute(f"ANALYZE {table}")
    user = _owner(tenant, Role)
    connection.close()

    start([str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{web_port}", "--log-level", "warning"])
    base = f"http://127.0.0.1:{web_port}"
    _wait_web(base)
    session = logged_in_session(base, user, "bench-pass-2026")
    year_start = (datetime.now(UTC).date() - timedelta(days=364)).isoformat()
    ranges = {"30d": "", "365d": f"?range=custom&start={year_start}&end={datetime.now(UTC).date().isoformat()}"}
    for name, query in ranges.items():
        samples = timed_gets(session, f"{base}/live/analytics/{query}", count=args.requests, warmup=args.warmup)
        result[f"analytics_p95_ms_{name}"] = p95(samples)
        result[f"analytics_median_ms_{name}"] = round(statistics.median(samples), 1)
    result["analytics_p95_ms"] = max(result["analytics_p95_ms_30d"], result["analytics_p95_ms_365d"])
    return result


def _wait_workers_ready(workers: list[subprocess.Popen]) -> None:
    """Until every worker answers a ping (its imports and broker connection are done)."""
    from config.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(worker.poll() is not None for worker in workers):
            sys.exit("a worker exited")
        if len(app.control.ping(timeout=0.5)) >= len(workers):
            return
    sys.exit("the workers did not start in 60 s")


def _year_of_sessions(tenant, accounts) -> None:
    """``SESSIONS_PER_DAY`` ended sessions a day for a year per account, figures from a seeded
    random generator (the page reads them, nothing upstream)."""
    import random

    from shopee_live.models import LiveSession, SessionSource, SessionStatus

    rng = random.Random(20261204)
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    batch = []
    for account in accounts:
        for day in range(1, 366):
            for slot in range(SESSIONS_PER_DAY):
                started = today - timedelta(days=day) + timedelta(hours=2 + 6 * slot)
                viewers = rng.randint(200, 8000)
                orders = rng.randint(0, viewers // 20)
                revenue = Decimal(orders * rng.randint(50, 400)) * (1000 if account.currency in ("IDR", "VND") else 1)
                batch.append(
                    LiveSession(
                        tenant=tenant,
                        studio_id=account.studio_id,
                        account=account,
                        session_id=f"h{account.pk}-{day}-{slot}",
                        session_name=f"History {day}/{slot}",
                        status=SessionStatus.ENDED,
                        source=SessionSource.IMPORT,
                        currency=account.currency,
                        started_at=started,
                        ended_at=started + timedelta(hours=2),
                        duration_seconds=7200,
                        total_viewers=viewers,
                        peak_viewers=viewers // 4,
                        total_orders=orders,
                        total_revenue=revenue,
                        campaign_spent=(revenue / 3).quantize(Decimal("0.01")),
                        is_final=True,
                    )
                )
        if len(batch) >= 20_000:
            LiveSession.objects.bulk_create(batch, batch_size=5000)
            batch = []
    LiveSession.objects.bulk_create(batch, batch_size=5000)


def _owner(tenant, Role) -> str:
    from django.contrib.auth import get_user_model

    from core.models import Membership

    user = get_user_model().objects.create_user(username=f"bench-{tenant.slug}", password="bench-pass-2026")
    Membership.objects.create(user=user, tenant=tenant, role=Role.OWNER)
    return user.username


def _wait_web(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/login/", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    sys.exit("gunicorn did not start")


if __name__ == "__main__":
    main()
