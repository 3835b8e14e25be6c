"""Full and incremental TikTok Shop order sync, end to end, as one JSON line.

Needs ``DATABASE_URL`` (PostgreSQL); uses a database of its own, ``<name>_order_sync_bench``,
dropped and migrated at start. With ``REDIS_URL`` (or ``BENCH_REDIS_URL``, to keep clear of a
Redis database that test runs flush) set, Celery's broker, the rate limiter and locks use Redis;
otherwise the broker is Kombu's filesystem transport in a temporary folder.

1. ``manage.py sandbox_serve`` on a free port, in its own process (clock frozen, so the truth
   holds still while the sync reads it);
2. ``celery -A config worker -Q sync`` worker processes (``--workers`` x ``--concurrency``, 2 x 2);
3. connects the sandbox seller (``--seller``, default "large": 370,000+ orders) through the real
   OAuth services, with a code from the sandbox's control API;
4. full sync through the real path (parts dispatched to the workers), timed from the start call
   until the run has finished, including windows' rollups; compared with the sandbox's truth;
5. the naive write path on a subset: per-order ``update_or_create`` plus its lines, the way the
   seed's system wrote, into a scratch shop;
6. 50 new and 20 changed orders appear; the incremental sync is timed the same way.

Options ``--latency-ms`` and ``--qps`` set the sandbox's standing latency and QPS limit; the
client's own limit is set to the same QPS, and it spaces its calls evenly (``PacedRateLimiter``)
so it runs at the limit without collecting 429s.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

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

RUN_TIMEOUT_SECONDS = 1800


def child_env(args, *, database_url: str, sandbox_base: str, broker_dir: str) -> dict[str, str]:
    env = base_env(database_url=database_url, sandbox_base=sandbox_base, broker_dir=broker_dir)
    env.update(
        {
            "TIKTOK_SHOP_APP_KEY": "6sandboxappkey",
            "TIKTOK_SHOP_APP_SECRET": "sandbox-app-secret-0123456789abcdef",
            # With a sandbox QPS the client paces its calls evenly at that rate, shared by all
            # workers (a burst at a second's edge is what draws 429s, not the rate); without one
            # it must not be what limits the run.
            "TIKTOK_SHOP_RATE_LIMIT": f"{args.qps}/second" if args.qps else "100000/second",
        }
    )
    return env


def process_tree(pid: int) -> list[int]:
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        pids.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        queue.extend(int(child) for child in children)
    return pids


def peak_rss_mb(pids: list[int]) -> float:
    """The largest peak resident set (VmHWM) of these processes, in MB."""
    peak = 0
    for pid in pids:
        try:
            match = re.search(r"^VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M)
        except OSError:
            continue
        if match:
            peak = max(peak, int(match.group(1)))
    return round(peak / 1024, 1)


def worker_command(number: int, concurrency: int) -> list[str]:
    return [PYTHON, "-m", "celery", "-A", "config", "worker", "-Q", "sync", "-c", str(concurrency), "-n", f"bench{number}@%h",
            "--prefetch-multiplier", "1", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"]  # fmt: skip


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


class PostgresCpu:
    """CPU seconds of the PostgreSQL backends serving this database (a local server: their
    processes are readable here), sampled at every poll: workers' connections come and go
    (``CONN_MAX_AGE``), so each backend counts with its last sample. A lower bound: a backend
    that lived between two polls is missed."""

    def __init__(self):
        self.baseline: dict[int, float] = {}
        self.latest: dict[int, float] = {}

    def sample(self, *, baseline: bool = False) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
            pids = [pid for (pid,) in cursor.fetchall()]
        for pid in pids:
            cpu = cpu_seconds([pid])
            if baseline:
                self.baseline[pid] = cpu
            elif cpu:
                self.latest[pid] = max(cpu, self.latest.get(pid, 0.0))

    @property
    def seconds(self) -> float:
        return sum(cpu - self.baseline.get(pid, 0.0) for pid, cpu in self.latest.items())


def wait_for_run(run_id: int, *, poll: float, on_poll=None) -> dict:
    from core.models import SyncRun

    deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        run = SyncRun.all_tenants.values("state", "items_done", "items_total", "pages_done", "parts_total", "error", "counters").get(
            pk=run_id
        )
        # Done means settled and finished (watermark, counts and rollups written).
        if run["state"] not in ("pending", "running") and (run["state"] != "succeeded" or run["counters"].get("finished")):
            return run
        if on_poll is not None:
            on_poll(run)
        time.sleep(poll)
    sys.exit(f"sync run {run_id} did not finish in {RUN_TIMEOUT_SECONDS} s")


class WorkerKiller:
    """SIGKILLs Celery workers during the run, ``count`` times at evenly spaced progress.

    ``pool``: the pool process working a part (an OOM kill): Celery's main process notices, and
    with ``acks_late`` + ``reject_on_worker_lost`` the part's message goes back to the queue at
    once; whoever takes it resumes from the part's checkpoint. ``worker``: a whole worker, main
    process and pool (a lost host): its messages stay unacknowledged, so a replacement worker is
    started and the sweeper (beat's ``sync_runs_sweep``, here every second with a short
    ``stale_after``) re-enqueues the parts that stopped moving.
    """

    def __init__(self, *, count: int, mode: str, total: int, workers: list[subprocess.Popen], start_worker, stale_after: int):
        self.thresholds = [total * (k + 1) / (count + 1) for k in range(count)]
        self.mode, self.workers, self.start_worker, self.stale_after = mode, workers, start_worker, stale_after
        self.kills: list[dict] = []
        self.started = time.perf_counter()
        self.last_sweep = 0.0
        self.resumed = 0

    def __call__(self, run: dict) -> None:
        if len(self.kills) < len(self.thresholds) and run["items_done"] >= self.thresholds[len(self.kills)]:
            self.kill(run)
        if self.mode == "worker" and self.kills and time.perf_counter() - self.last_sweep >= 1:
            from core.services import sync_runs_sweep

            self.last_sweep = time.perf_counter()
            self.resumed += sync_runs_sweep(stale_after_seconds=self.stale_after)

    def kill(self, run: dict) -> None:
        number = len(self.kills) % len(self.workers)
        worker = self.workers[number]
        entry = {"at_s": round(time.perf_counter() - self.started, 1), "items_done": run["items_done"]}
        if self.mode == "pool":
            children = process_tree(worker.pid)[1:]
            if not children:
                return
            victim = children[len(self.kills) % len(children)]
            os.kill(victim, signal.SIGKILL)
            entry["pid"] = victim
        else:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
            entry["pid"] = worker.pid
            self.workers[number] = self.start_worker(number)
        self.kills.append(entry)


def measure_naive(*, tenant, shop, orders: list[dict]) -> float:
    """Orders per second of a per-order ``update_or_create`` loop with its lines, into a scratch
    shop (what the seed's system did), over the given orders."""
    from decimal import Decimal

    from django.db import transaction

    from integrations.tiktok_shop import from_unix
    from shop_sync.brands import brand_matcher
    from shop_sync.models import Order, OrderLine, ShopConnection
    from shop_sync.services import content_hash

    scratch = ShopConnection.objects.for_tenant(tenant).get(pk=shop.pk)
    scratch.pk, scratch.shop_id = None, f"{shop.shop_id}-naive"
    scratch.save()
    matcher = brand_matcher(tenant=tenant, cache_key="naive")
    started = time.perf_counter()
    for order in orders:
        payment = order.get("payment") or {}
        with transaction.atomic():
            stored, _ = Order.objects.update_or_create(
                tenant=tenant,
                shop=scratch,
                order_id=order["id"],
                defaults={
                    "status": order["status"],
                    "create_time": from_unix(order["create_time"]),
                    "update_time": from_unix(order["update_time"]),
                    "paid_time": from_unix(order.get("paid_time")),
                    "currency": payment.get("currency", ""),
                    "total_amount": Decimal(payment.get("total_amount") or 0),
                    "sub_total": Decimal(payment.get("sub_total") or 0),
                    "shipping_fee": Decimal(payment.get("shipping_fee") or 0),
                    "buyer_user_id": order.get("user_id", ""),
                    "units": len(order.get("line_items") or []),
                    "content_hash": content_hash(order),
                },
            )
            OrderLine.objects.for_tenant(tenant).filter(order=stored).delete()
            for item in order.get("line_items") or []:
                OrderLine.objects.create(
                    tenant=tenant,
                    order=stored,
                    line_id=item["id"],
                    sku_id=item.get("sku_id", ""),
                    product_id=item.get("product_id", ""),
                    product_name=item.get("product_name", ""),
                    sku_name=item.get("sku_name", ""),
                    brand=matcher.brand_for(item.get("product_name", "")),
                    currency=item.get("currency", ""),
                    sale_price=Decimal(item.get("sale_price") or 0),
                )
    return len(orders) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seller", default="large", help="sandbox seller to connect (default: large)")
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes (default 2)")
    parser.add_argument("--concurrency", type=int, default=2, help="pool size of each worker (default 2)")
    parser.add_argument("--latency-ms", type=int, default=0, help="sandbox standing latency per call")
    parser.add_argument("--qps", type=int, default=0, help="sandbox QPS limit (0: none)")
    parser.add_argument("--naive-orders", type=int, default=2_000, help="subset size for the naive loop")
    parser.add_argument("--kill-workers", type=int, default=0, help="SIGKILL a worker this many times during the full sync")
    parser.add_argument("--kill-mode", choices=("pool", "worker"), default="pool", help="kill a pool process, or a whole worker")
    parser.add_argument("--stale-after", type=int, default=10, help="kill-mode worker: the sweeper's stale_after_seconds")
    args = parser.parse_args()

    # A terminated bench still stops the processes it started (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not os.environ.get("DATABASE_URL"):
        sys.exit("bench/order_sync.py needs DATABASE_URL (PostgreSQL).")
    database_url = bench_database_url(os.environ["DATABASE_URL"], bench="order_sync")
    recreate_database(database_url)
    port = free_port()
    sandbox_base = f"http://127.0.0.1:{port}/sandbox"
    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="order-sync-bench-") as tmp:
        env = child_env(args, database_url=database_url, sandbox_base=sandbox_base, broker_dir=tmp)
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "--skip-checks", "-v", "0"], cwd=ROOT, env=env, check=True)
        if env["REDIS_URL"]:
            subprocess.run(
                [PYTHON, "-m", "celery", "-A", "config", "purge", "-f", "-Q", "sync"], cwd=ROOT, env=env, check=False, capture_output=True
            )
        try:
            sandbox = subprocess.Popen(
                sandbox_command(port),
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                start_new_session=True,
            )
            processes.append(sandbox)
            wait_for_sandbox(sandbox)

            def start_worker(number: int) -> subprocess.Popen:
                worker = subprocess.Popen(
                    worker_command(number, args.concurrency),
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
                processes.append(worker)
                return worker

            workers = [start_worker(n) for n in range(args.workers)]
            os.environ.update(env)
            result = run_bench(args, sandbox_base=sandbox_base, sandbox_pid=sandbox.pid, workers=workers, start_worker=start_worker)
        finally:
            stop_processes(processes)
    print(json.dumps(result))


def run_bench(args, *, sandbox_base: str, sandbox_pid: int, workers: list[subprocess.Popen], start_worker) -> dict:
    setup_django()
    from urllib.parse import parse_qs

    from django.contrib.auth import get_user_model
    from django.db.models import Count, Sum

    from core.models import ApiCallLog
    from core.services import tenant_create
    from core.tenancy import tenant_scope
    from sandbox.emulators.tiktok_shop.truth import truth_digest, truth_line
    from shop_sync.models import Order
    from shop_sync.services import orders_full_sync_start, orders_incremental_sync_start, shop_client, shop_oauth_complete, shop_oauth_start

    control = f"{sandbox_base}/_control"
    options = http_json("GET", f"{control}/tiktok-shop/config/")["options"]
    http_json("PUT", f"{control}/tiktok-shop/config/", {"latency_ms": args.latency_ms, "options": {**options, "qps": args.qps}})
    now = http_json("GET", f"{control}/tiktok-shop/clock")["now"]
    http_json("POST", f"{control}/tiktok-shop/clock", {"frozen_at": now})

    user = get_user_model().objects.create_user(username="bench", password=secrets.token_urlsafe(16))
    tenant = tenant_create(name="Order sync bench", slug=f"order-sync-bench-{secrets.token_hex(3)}", owner=user)
    with tenant_scope(tenant):
        code = http_json("POST", f"{control}/tiktok-shop-auth/codes", {"seller": args.seller})["code"]
        state = parse_qs(urlsplit(shop_oauth_start(tenant=tenant, user=user)).query)["state"][0]
        shops = shop_oauth_complete(tenant=tenant, user=user, state=state, code=code)
        shop = max(shops, key=lambda s: http_json("GET", f"{control}/tiktok-shop/truth?shop_id={s.shop_id}")["order_count"])
        truth = http_json("GET", f"{control}/tiktok-shop/truth?shop_id={shop.shop_id}")
        calls_before = ApiCallLog.objects.for_tenant(tenant).count()

        worker_pids = [pid for worker in workers for pid in process_tree(worker.pid)]
        cpu_before = {"sandbox": cpu_seconds([sandbox_pid]), "workers": cpu_seconds(worker_pids)}
        postgres = PostgresCpu()
        postgres.sample(baseline=True)
        started = time.perf_counter()
        run = orders_full_sync_start(tenant=tenant, shop=shop, requested_by=user)
        killer = None
        if args.kill_workers:
            killer = WorkerKiller(
                count=args.kill_workers,
                mode=args.kill_mode,
                total=truth["order_count"],
                workers=workers,
                start_worker=start_worker,
                stale_after=args.stale_after,
            )

        def on_poll(progress: dict) -> None:
            postgres.sample()
            if killer is not None:
                killer(progress)

        finished = wait_for_run(run.pk, poll=0.1, on_poll=on_poll)
        seconds = time.perf_counter() - started
        worker_pids = [pid for worker in workers for pid in process_tree(worker.pid)]
        cpu_after = {"sandbox": cpu_seconds([sandbox_pid]), "workers": cpu_seconds(worker_pids)}
        postgres.sample()
        worker_peak = peak_rss_mb(worker_pids)
        api_calls = ApiCallLog.objects.for_tenant(tenant).count() - calls_before
        attempts = ApiCallLog.objects.for_tenant(tenant).aggregate(n=Sum("attempts"))["n"]
        stored = Order.objects.for_tenant(tenant).filter(shop=shop)
        duplicates = stored.order_by().values("order_id").annotate(n=Count("id")).filter(n__gt=1).count()
        stored_count = stored.count()
        digest = truth_digest(
            truth_line(o, int(u.timestamp()), s, t)
            for o, u, s, t in stored.values_list("order_id", "update_time", "status", "total_amount")
        )

        # The naive loop over a subset fetched beforehand (fetching is not what it measures).
        client = shop_client(shop)
        subset, token = [], None
        while len(subset) < args.naive_orders:
            page = client.orders_search(filters={}, page_token=token)
            subset.extend(page["orders"])
            token = page["next_page_token"]
            if not token:
                break
        naive = measure_naive(tenant=tenant, shop=shop, orders=subset[: args.naive_orders])

        changes = http_json("POST", f"{control}/tiktok-shop/changes", {"shop_id": shop.shop_id, "new_orders": 50, "changed_orders": 20})
        calls_before = ApiCallLog.objects.for_tenant(tenant).count()
        started = time.perf_counter()
        incremental = orders_incremental_sync_start(tenant=tenant, shop=shop, requested_by=user)
        incremental_done = wait_for_run(incremental.pk, poll=0.005)
        incremental_seconds = time.perf_counter() - started
        incremental_calls = ApiCallLog.objects.for_tenant(tenant).count() - calls_before

    orders = finished["items_done"]
    orders_per_s = orders / seconds
    return {
        "orders": orders,
        "seconds": round(seconds, 2),
        "orders_per_s": round(orders_per_s),
        "naive_orders_per_s": round(naive, 1),
        "speedup": round(orders_per_s / naive, 1),
        "peak_rss_mb": worker_peak,
        "api_calls": api_calls,
        "api_attempts": attempts,
        "incremental_seconds": round(incremental_seconds, 3),
        "incremental_calls": incremental_calls,
        "incremental_orders": incremental_done["counters"].get("orders_written"),
        "changes": len(changes["new_order_ids"]) + len(changes["changed_order_ids"]),
        "exact": finished["state"] == "succeeded" and digest == truth["digest"] and stored_count == truth["order_count"] and not duplicates,
        "stored_orders": stored_count,
        "truth_orders": truth["order_count"],
        "duplicates": duplicates,
        "state": finished["state"],
        "windows": finished["parts_total"],
        # Where the full sync's CPU went (postgres: its backends serving this database).
        "cpu_seconds": {
            **{name: round(cpu_after[name] - cpu_before[name], 1) for name in cpu_after},
            "postgres": round(postgres.seconds, 1),
        },
        "cpus": os.cpu_count(),
        "workers": args.workers,
        "concurrency": args.concurrency,
        "latency_ms": args.latency_ms,
        "qps": args.qps,
        "floor_seconds": round(api_calls / args.qps, 2) if args.qps else None,
        "seller": args.seller,
        **(
            {
                "kill_mode": args.kill_mode,
                "kills": killer.kills,
                "parts_resumed_by_sweeper": killer.resumed,
                "pages_done": finished["pages_done"],
            }
            if killer
            else {}
        ),
    }


if __name__ == "__main__":
    main()
