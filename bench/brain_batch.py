"""The autopilot's daily batch: 100 TikTok advertisers × 20 ad groups × 5 ads, each collected
(7 days), scored and planned (report only) by real Celery workers with the platform answering in
100 ms; the batch must end in ≤ 60 s. One JSON line.

Needs ``DATABASE_URL`` (PostgreSQL) and ``BENCH_REDIS_URL`` (or ``REDIS_URL``: the Celery broker
and the cache); uses a database of its own, ``<name>_brain_batch_bench``, dropped and migrated at
start.

1. ``manage.py sandbox_serve`` (clock frozen at the start) and one Celery worker on the ``brain``
   queue (``--pool threads``, ``--concurrency`` threads).
2. ``--tenants`` tenants (5) connected to the sandbox's ``large`` fixture (20 advertisers each)
   through the product's OAuth services: 100 advertisers in the product, each with an ad account
   (report only) and a schedule due now. The sandbox's ads-management objects are seeded in bulk:
   per sandbox advertiser one lead-generation campaign, 20 ad groups and 100 ads, all delivering
   for the last 10 days. (The five tenants share the fixture's 20 advertisers' objects, as five
   workspaces connected to the same TikTok accounts would.)
3. Sandbox latency ``--latency-ms`` (100) on every call. The daily batch runs (the beat's
   service, in this process: it only starts runs); the clock stops when every run has settled.
4. The same batch again on the same input (the sandbox's clock frozen): ``deterministic`` is
   true when each account's proposals, (action, params) in order, are the same both times.

Printed: ``seconds`` (first batch), ``advertisers``, ``upstream_calls`` (the batch's
``ApiCallLog`` rows), ``floor_seconds`` (upstream_calls × latency / worker concurrency: the time
the calls alone need with every thread busy), ``actions_proposed``, ``peak_rss_mb`` (the worker's
high-water mark), ``deterministic``, and the runs by state.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres BENCH_REDIS_URL=redis://127.0.0.1:6379/2 \\
        .venv/bin/python bench/brain_batch.py
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import (  # noqa: E402
    PYTHON,
    ROOT,
    base_env,
    bench_database_url,
    free_port,
    http_json,
    recreate_database,
    sandbox_command,
    sandbox_connected_tenant,
    setup_django,
    stop_processes,
    wait_for_sandbox,
)

ADGROUPS = 20
ADS_PER_ADGROUP = 5
DELIVERING_DAYS = 10


def child_env(*, database_url: str, sandbox_base: str, broker_dir: str) -> dict[str, str]:
    env = base_env(database_url=database_url, sandbox_base=sandbox_base, broker_dir=broker_dir)
    env.update(
        {
            "SECURE_SSL_REDIRECT": "false",
            "TIKTOK_BUSINESS_APP_ID": "7sandboxappid",
            "TIKTOK_BUSINESS_APP_SECRET": "sandbox-business-secret-0123456789",
            "TIKTOK_BUSINESS_RATE_LIMIT": "100000/second",  # the sandbox has no QPS limit here
            "OUTBOUND_MODE": "mock",
        }
    )
    return env


def group_pids(pgid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid:
                pids.append(int(entry))
    return pids


def peak_rss_mb(pgid: int) -> float:
    """The largest high-water mark (VmHWM) of the worker's processes."""
    peak = 0
    for pid in group_pids(pgid):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            continue
    return round(peak / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=5, help="tenants connected to the large fixture (20 advertisers each)")
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=16, help="worker threads on the brain queue")
    parser.add_argument("--budget-seconds", type=float, default=60.0)
    args = parser.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not os.environ.get("DATABASE_URL"):
        sys.exit("bench/brain_batch.py needs DATABASE_URL (PostgreSQL).")
    database_url = bench_database_url(os.environ["DATABASE_URL"], bench="brain_batch")
    recreate_database(database_url)
    sandbox_port = free_port()
    sandbox_base = f"http://127.0.0.1:{sandbox_port}/sandbox"
    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="brain-bench-") as tmp:
        env = child_env(database_url=database_url, sandbox_base=sandbox_base, broker_dir=tmp)
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "--skip-checks", "-v", "0"], cwd=ROOT, env=env, check=True)
        if env["REDIS_URL"]:
            subprocess.run([PYTHON, "-m", "celery", "-A", "config", "purge", "-f", "-Q", "brain"], cwd=ROOT, env=env, check=False, capture_output=True)  # fmt: skip

        def start(command: list[str], *, stdout=subprocess.DEVNULL) -> subprocess.Popen:
            proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=stdout, stderr=subprocess.DEVNULL, text=True, start_new_session=True)
            processes.append(proc)
            return proc

        try:
            sandbox = start(sandbox_command(sandbox_port), stdout=subprocess.PIPE)
            wait_for_sandbox(sandbox)
            worker = start([PYTHON, "-m", "celery", "-A", "config", "worker", "-Q", "brain", "-P", "threads", "-c", str(args.concurrency),
                            "-n", "brain-bench@%h", "--prefetch-multiplier", "1", "--without-gossip", "--without-mingle",
                            "--without-heartbeat", "-l", "WARNING"])  # fmt: skip
            os.environ.update(env)
            result = run_bench(args, sandbox_base=sandbox_base, worker=worker)
        finally:
            stop_processes(processes)
    print(json.dumps(result))


def seed_sandbox_objects(advertisers, *, today_by_advertiser: dict[str, str]) -> int:
    """Per sandbox advertiser: one lead campaign, ``ADGROUPS`` ad groups, ``ADS_PER_ADGROUP`` ads
    each, enabled since ``DELIVERING_DAYS`` days ago (in bulk: what the management endpoints
    would have stored)."""
    from decimal import Decimal

    from sandbox.models import BusinessObject
    from tiktok_ads import budgets

    rows = []
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    for n, advertiser in enumerate(advertisers):
        since = (datetime.fromisoformat(today_by_advertiser[advertiser.advertiser_id]) - timedelta(days=DELIVERING_DAYS)).date().isoformat()
        base = {"create_time": stamp, "modify_time": stamp, "status_log": [[since, "ENABLE"]]}
        campaign_id = f"19{n:03d}{0:014d}"
        rows.append(
            BusinessObject(
                kind="campaign",
                advertiser_id=advertiser.advertiser_id,
                object_id=campaign_id,
                name=f"Leads {advertiser.name}",
                data={**base, "objective_type": "LEAD_GENERATION", "budget_mode": "BUDGET_MODE_INFINITE", "budget": 0.0},
            )
        )
        minimum = budgets.minimum(advertiser.currency or "USD")
        for g in range(ADGROUPS):
            adgroup_id = f"19{n:03d}{g + 1:04d}{0:010d}"
            rows.append(
                BusinessObject(
                    kind="adgroup",
                    advertiser_id=advertiser.advertiser_id,
                    object_id=adgroup_id,
                    parent_id=campaign_id,
                    name=f"Form {g + 1:02d}",
                    data={
                        **base,
                        "promotion_type": "LEAD_GENERATION",
                        "promotion_target_type": "INSTANT_PAGE",
                        "placement_type": "PLACEMENT_TYPE_NORMAL",
                        "placements": ["PLACEMENT_TIKTOK"],
                        "budget_mode": "BUDGET_MODE_DAY",
                        "budget": float(minimum * Decimal(2 + g % 4)),
                        "schedule_type": "SCHEDULE_FROM_NOW",
                        "optimization_goal": "LEAD_GENERATION",
                        "billing_event": "OCPM",
                        "bid_type": "BID_TYPE_NO_BID",
                        "pacing": "PACING_MODE_SMOOTH",
                    },
                )
            )
            for a in range(ADS_PER_ADGROUP):
                rows.append(
                    BusinessObject(
                        kind="ad",
                        advertiser_id=advertiser.advertiser_id,
                        object_id=f"19{n:03d}{g + 1:04d}{a + 1:010d}",
                        parent_id=adgroup_id,
                        name=f"Clip {g + 1:02d}.{a + 1}",
                        data={**base, "ad_format": "SINGLE_VIDEO", "ad_text": "Book a free trial", "call_to_action": "SIGN_UP"},
                    )
                )
    BusinessObject.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def adgroup_cpls(advertiser, today: str) -> list:
    """Each seeded ad group's cost per lead over the 7-day window, from the sandbox's own figures."""
    from datetime import date
    from decimal import Decimal

    from sandbox.emulators.tiktok_business.auction_report import ad_totals

    n = next(i for i, candidate in enumerate(FIXTURE_ADVERTISERS) if candidate.advertiser_id == advertiser.advertiser_id)
    end = date.fromisoformat(today)
    cpls = []
    for g in range(ADGROUPS):
        spend = leads = 0
        for a in range(ADS_PER_ADGROUP):
            for back in range(7):
                totals = ad_totals(
                    f"19{n:03d}{g + 1:04d}{a + 1:010d}",
                    end - timedelta(days=back),
                    currency=advertiser.currency,
                    objective="LEAD_GENERATION",
                )
                spend, leads = spend + totals["spend"], leads + totals["onsite_form"]
        cpls.append((Decimal(spend) / 100 / leads).quantize(Decimal("0.01")) if leads else None)
    return cpls


FIXTURE_ADVERTISERS: list = []


def run_bench(args, *, sandbox_base: str, worker: subprocess.Popen) -> dict:
    setup_django()
    from django.db import connection

    from autopilot.models import AccountSchedule, BrainRun, ProposedAction, RunState
    from autopilot.services.batch import brain_batch_run
    from core.models import ApiCallLog
    from core.tenancy import tenant_scope
    from sandbox.emulators.tiktok_business.data import fixture_get, today_for
    from tiktok_ads.models import AdAccount, Direction, DirectionAdGroup

    control = f"{sandbox_base}/_control"
    now = int(time.time())
    http_json("POST", f"{control}/tiktok-business/clock", {"frozen_at": now})

    fixture = fixture_get("large")
    FIXTURE_ADVERTISERS[:] = list(fixture.advertisers)
    today = {advertiser.advertiser_id: today_for(advertiser, now=now).isoformat() for advertiser in fixture.advertisers}
    # One TikTok direction per account over its 20 ad groups, its target CPL the median of theirs:
    # about half the ad groups miss it, so the planner has work.
    targets = {}
    for advertiser in fixture.advertisers:
        cpls = sorted(cpl for cpl in adgroup_cpls(advertiser, today[advertiser.advertiser_id]) if cpl is not None)
        targets[advertiser.advertiser_id] = cpls[len(cpls) // 2]
    tenants, accounts = [], []
    for t in range(args.tenants):
        tenant, advertisers = sandbox_connected_tenant(
            name=f"Brain bench {t + 1}", slug=f"brain-bench-{t + 1}-{secrets.token_hex(3)}", fixture="large"
        )
        tenants.append(tenant)
        with tenant_scope(tenant):
            for advertiser in advertisers:
                account = AdAccount.objects.create(tenant=tenant, name=f"Account {advertiser.advertiser_id}", advertiser=advertiser)
                AccountSchedule.objects.create(tenant=tenant, ad_account=account, run_at="00:00")
                direction = Direction.objects.create(
                    tenant=tenant,
                    ad_account=account,
                    name="Leads",
                    platform="tiktok",
                    tiktok_objective="lead_generation",
                    tiktok_target_cpl=targets[advertiser.advertiser_id],
                )
                n = next(i for i, candidate in enumerate(fixture.advertisers) if candidate.advertiser_id == advertiser.advertiser_id)
                DirectionAdGroup.objects.bulk_create(
                    [
                        DirectionAdGroup(
                            tenant=tenant,
                            direction=direction,
                            tiktok_adgroup_id=f"19{n:03d}{g + 1:04d}{0:010d}",
                            adgroup_name=f"Form {g + 1:02d}",
                        )
                        for g in range(ADGROUPS)
                    ]
                )
                accounts.append(account)
    seeded = seed_sandbox_objects(fixture.advertisers, today_by_advertiser=today)
    options = http_json("GET", f"{control}/tiktok-business/config/")["options"]
    http_json("PUT", f"{control}/tiktok-business/config/", {"latency_ms": args.latency_ms, "options": options})
    connection.close()

    def batch() -> tuple[float, list[int], datetime]:
        AccountSchedule.all_tenants.filter(tenant__in=tenants).update(last_run_on=None)
        began = datetime.now(UTC)
        started = time.perf_counter()
        run_ids = brain_batch_run().started
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            open_runs = BrainRun.all_tenants.filter(pk__in=run_ids).exclude(state__in=[RunState.SUCCEEDED, RunState.FAILED]).count()
            if not open_runs:
                break
            time.sleep(0.05)
        return time.perf_counter() - started, run_ids, began

    seconds, first_runs, began = batch()
    calls = ApiCallLog.all_tenants.filter(tenant__in=tenants, created_at__gte=began).count()
    states: dict[str, int] = {}
    for state in BrainRun.all_tenants.filter(pk__in=first_runs).values_list("state", flat=True):
        states[state] = states.get(state, 0) + 1
    errors = sorted(
        {error[:120] for error in BrainRun.all_tenants.filter(pk__in=first_runs, state=RunState.FAILED).values_list("error", flat=True)}
    )

    def proposals(run_ids: list[int]) -> dict[int, list]:
        found: dict[int, list] = {}
        rows = ProposedAction.all_tenants.filter(run_id__in=run_ids).select_related("run").order_by("run__ad_account_id", "position")
        for row in rows:
            found.setdefault(row.run.ad_account_id, []).append((row.action, json.dumps(row.params, sort_keys=True)))
        return found

    first = proposals(first_runs)
    _seconds, second_runs, _began = batch()
    second = proposals(second_runs)
    collected = sum((run.stats or {}).get("collected", 0) for run in BrainRun.all_tenants.filter(pk__in=first_runs).only("stats"))
    return {
        "bench": "brain_batch",
        "seconds": round(seconds, 2),
        "budget_seconds": args.budget_seconds,
        "within_budget": seconds <= args.budget_seconds,
        "advertisers": len(accounts),
        "adgroups_per_advertiser": ADGROUPS,
        "ads_per_adgroup": ADS_PER_ADGROUP,
        "sandbox_objects": seeded,
        "upstream_calls": calls,
        "latency_ms": args.latency_ms,
        "worker_concurrency": args.concurrency,
        "floor_seconds": round(calls * args.latency_ms / 1000 / args.concurrency, 2),
        "rows_collected": collected,
        "actions_proposed": sum(len(actions) for actions in first.values()),
        "peak_rss_mb": peak_rss_mb(worker.pid),
        "deterministic": bool(first) and first == second,
        "runs": states,
        "run_errors": errors,
    }


if __name__ == "__main__":
    main()
