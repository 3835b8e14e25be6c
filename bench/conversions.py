"""Conversions: 100,000 events posted through the API, delivered to TikTok, Google Ads and Meta
by real Celery workers, with delivery workers SIGKILLed mid-run; one JSON line.

Needs ``DATABASE_URL`` (PostgreSQL) and ``REDIS_URL`` (or ``BENCH_REDIS_URL``: the broker);
uses a database of its own, ``<name>_conversions_bench``, dropped and migrated at start.

1. ``manage.py sandbox_serve`` processes (the destination emulators, recording receipts; TikTok
   spread over ``--sandboxes`` - 1 of them) and the
   product under gunicorn, each in its own process;
2. ``celery -A config worker -Q deliver`` processes (``--workers`` x ``--concurrency``);
3. a tenant with three destinations (TikTok 50 events a request, Google Ads 2,000, Meta 1,000)
   and an analyst API key;
4. ``--events`` events posted to ``POST /api/conversions/events`` in batches of ``--batch``
   (``--posters`` concurrent clients); the clock runs from the first post to the last delivery;
5. ``--kill-workers`` times a whole delivery worker is SIGKILLed and a new one started; its
   claimed rows go stale after ``CONVERSIONS_CLAIM_STALE_SECONDS`` and the sweeper (beat's task,
   here every second) re-enqueues them, so they are sent again with the same event ids;
6. every destination's receipts in the sandbox are compared with the events: ``lost`` is events
   missing at a destination (summed), ``duplicates`` the extra sends the platform received (or,
   for Google Ads, refused as an already used order id).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
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
    setup_django,
    stop_processes,
    wait_for_sandbox,
)

EMULATORS = ("tiktok-events", "google-ads", "meta-graph")
RUN_TIMEOUT_SECONDS = 1800


def worker_command(number: int, concurrency: int) -> list[str]:
    return [PYTHON, "-m", "celery", "-A", "config", "worker", "-Q", "deliver", "-c", str(concurrency), "-n", f"conv{number}@%h",
            "--prefetch-multiplier", "1", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"]  # fmt: skip


def make_events(count: int, *, seed: int = 6) -> list[dict]:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    names = ("TRIAL_BOOKED", "TRIAL_RESCHEDULED", "APPOINTMENT_UPDATED")
    events = []
    for n in range(count):
        events.append(
            {
                "event_id": f"bench-{n:07d}",
                "event_name": names[n % 3],
                "event_time": (now - timedelta(seconds=rng.randint(60, 86_400))).isoformat(),
                "email": f"Client.{n}@Example.com",
                "phone": f"(415) 5{n % 100:02d}-{n % 10_000:04d}",
                "external_id": f"client-{n}",
                "ttclid": f"E.C.P.{rng.getrandbits(64):x}",
                "gclid": f"EAIaIQobChMI{rng.getrandbits(64):x}",
                "fbp": f"fb.1.1700000000000.{rng.getrandbits(32)}",
                "ip": f"203.0.113.{n % 250 + 1}",
                "user_agent": "Mozilla/5.0 (X11; Linux x86_64)",
                "page_url": "https://academy.example.com/schedule",
                "value": 50,
                "currency": "USD",
            }
        )
    return events


def post_json(url: str, payload: dict, api_key: str) -> int:
    data = json.dumps(payload).encode()
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json", "Authorization": f"Bearer {api_key}"}
    )
    for attempt in range(5):
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                return response.status
        except OSError:
            if attempt == 4:
                raise
            time.sleep(1 + attempt)  # gunicorn busy; the same batch again is idempotent
    return 0


def wait_for_http(url: str, proc: subprocess.Popen, *, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"{url}: server exited with {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.3)
    sys.exit(f"{url} did not answer in 60 s: {log.read_text()[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000, help="events per POST (default 1000, the API's limit)")
    parser.add_argument("--posters", type=int, default=3, help="concurrent API clients")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes (default 2)")
    parser.add_argument("--concurrency", type=int, default=3, help="pool size of each worker (default 3)")
    parser.add_argument("--kill-workers", type=int, default=2, help="SIGKILL a whole delivery worker this many times")
    parser.add_argument("--stale-after", type=int, default=10, help="CONVERSIONS_CLAIM_STALE_SECONDS for the run")
    parser.add_argument("--sandboxes", type=int, default=3, help="sandbox processes: 1 for Google/Meta/control, the rest TikTok")
    parser.add_argument("--tiktok-batch", type=int, default=50, help="TikTok events per request (default 50)")
    args = parser.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not os.environ.get("DATABASE_URL"):
        sys.exit("bench/conversions.py needs DATABASE_URL (PostgreSQL).")
    if not (os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL")):
        sys.exit("bench/conversions.py needs REDIS_URL (or BENCH_REDIS_URL) for the Celery broker.")
    database_url = bench_database_url(os.environ["DATABASE_URL"], bench="conversions")
    recreate_database(database_url)
    sandbox_port, web_port = free_port(), free_port()
    sandbox_base = f"http://127.0.0.1:{sandbox_port}/sandbox"
    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="conversions-bench-") as tmp:
        env = base_env(database_url=database_url, sandbox_base=sandbox_base, broker_dir=tmp)
        env.update(
            {
                "CONVERSIONS_CLAIM_STALE_SECONDS": str(args.stale_after),
                "CONVERSIONS_TASK_BUDGET_SECONDS": "10",
                "SANDBOX_ENABLED": "false",
                "SECURE_SSL_REDIRECT": "false",  # TLS ends at the proxy in production; the bench talks plain HTTP
                "UPSTREAM_READ_TIMEOUT": str(max(args.stale_after - 2, 3)),
            }
        )
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "--skip-checks", "-v", "0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [PYTHON, "-m", "celery", "-A", "config", "purge", "-f", "-Q", "deliver"], cwd=ROOT, env=env, check=False, capture_output=True
        )
        try:
            # The platforms are many hosts; one sandbox process (one GIL) is one host. Extra
            # sandbox processes serve TikTok's many small requests, worker n using host n % k;
            # all of them share the database, so receipts and options are the same everywhere.
            tiktok_bases = []
            for number in range(max(args.sandboxes, 1)):
                port = sandbox_port if number == 0 else free_port()
                sandbox = subprocess.Popen(
                    sandbox_command(port),
                    cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True,
                )  # fmt: skip
                processes.append(sandbox)
                wait_for_sandbox(sandbox)
                if number or args.sandboxes == 1:
                    tiktok_bases.append(f"http://127.0.0.1:{port}/sandbox/tiktok-events")
            web_log = open(Path(tmp) / "web.log", "w")  # noqa: SIM115  (closed with the temporary folder)
            web = subprocess.Popen(
                [str(Path(PYTHON).parent / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{web_port}", "-w", str(args.web_workers),
                 "--threads", "2", "--timeout", "300", "--log-level", "warning"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=web_log, start_new_session=True,
            )  # fmt: skip
            processes.append(web)
            wait_for_http(f"http://127.0.0.1:{web_port}/api/conversions/events", web, log=Path(tmp) / "web.log")

            def start_worker(number: int) -> subprocess.Popen:
                worker_env = {**env, "TIKTOK_EVENTS_API_BASE": tiktok_bases[number % len(tiktok_bases)]}
                worker = subprocess.Popen(
                    worker_command(number, args.concurrency),
                    cwd=ROOT, env=worker_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                )  # fmt: skip
                processes.append(worker)
                return worker

            workers = [start_worker(n) for n in range(args.workers)]
            os.environ.update(env)
            result = run_bench(
                args, sandbox_base=sandbox_base, web_base=f"http://127.0.0.1:{web_port}", workers=workers, start_worker=start_worker
            )
        finally:
            stop_processes(processes)
    print(json.dumps(result))


def run_bench(args, *, sandbox_base: str, web_base: str, workers: list[subprocess.Popen], start_worker) -> dict:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Max

    from conversions.models import OPEN_STATUSES, Delivery, Destination, Platform
    from conversions.services import deliveries_sweep
    from core.models import Role
    from core.services import api_key_create, tenant_create
    from core.tenancy import tenant_scope

    control = f"{sandbox_base}/_control"
    for emulator in EMULATORS:
        http_json("DELETE", f"{control}/{emulator}/receipts")

    user = get_user_model().objects.create_user(username="bench", password="bench-password-1")
    tenant = tenant_create(name="Conversions bench", slug="conversions-bench", owner=user)
    with tenant_scope(tenant):
        Destination.objects.create(
            tenant=tenant, platform=Platform.TIKTOK, name="TikTok", pixel_id="CBENCHPIXEL01", access_token="bench-tiktok-token",
            batch_size=args.tiktok_batch,
        )  # fmt: skip
        Destination.objects.create(
            tenant=tenant, platform=Platform.GOOGLE_ADS, name="Google Ads", customer_id="1234567890", conversion_action_id="111222333",
            developer_token="bench-developer-token", oauth_client_id="bench-client", oauth_client_secret="bench-client-secret",
            refresh_token="1//bench-refresh",
        )  # fmt: skip
        Destination.objects.create(tenant=tenant, platform=Platform.META, name="Meta", pixel_id="1234567890123456", access_token="EAAbench")
        api_key = api_key_create(tenant=tenant, name="bench", role=Role.ANALYST).raw_key

    events = make_events(args.events)
    batches = [events[start : start + args.batch] for start in range(0, len(events), args.batch)]
    url = f"{web_base}/api/conversions/events"
    expected = len(events) * 3
    kills: list[dict] = []
    kill_at = [expected * (k + 1) / (args.kill_workers + 1) for k in range(args.kill_workers)]
    posted = threading.Event()
    post_errors: list[str] = []
    posted_after: list[float] = []

    def poster():
        try:
            with ThreadPoolExecutor(max_workers=args.posters) as pool:
                for status in pool.map(lambda batch: post_json(url, {"events": batch}, api_key), batches):
                    if status not in (200, 201):
                        post_errors.append(str(status))
        except Exception as exc:  # reported in the result
            post_errors.append(repr(exc))
        finally:
            posted_after.append(time.perf_counter() - started)
            posted.set()

    started = time.perf_counter()
    started_at = datetime.now(UTC)
    threading.Thread(target=poster, daemon=True).start()
    last_sweep = 0.0
    swept = 0
    while True:
        time.sleep(0.5)
        with tenant_scope(tenant):
            counts = dict(Delivery.objects.for_tenant(tenant).values("status").annotate(n=Count("id")).values_list("status", "n"))
        finished = sum(n for status, n in counts.items() if status not in OPEN_STATUSES)
        if len(kills) < len(kill_at) and finished >= kill_at[len(kills)]:
            number = len(kills) % len(workers)
            victim = workers[number]
            os.killpg(victim.pid, signal.SIGKILL)
            victim.wait()
            kills.append({"at_s": round(time.perf_counter() - started, 1), "finished": finished, "pid": victim.pid})
            workers[number] = start_worker(number)
        if time.perf_counter() - last_sweep >= 1:
            # Beat's sweeper, every second instead of every minute: re-enqueues what a killed
            # worker held (stale claims) or a lost message left behind.
            last_sweep = time.perf_counter()
            swept += deliveries_sweep()
        if posted.is_set() and sum(counts.values()) >= expected and not any(counts.get(status) for status in OPEN_STATUSES):
            break
        if time.perf_counter() - started > RUN_TIMEOUT_SECONDS:
            break
    wall = time.perf_counter() - started
    with tenant_scope(tenant):
        deliveries = Delivery.objects.for_tenant(tenant)
        last_sent = deliveries.aggregate(last=Max("sent_at"))["last"]
        statuses = dict(deliveries.values("status").annotate(n=Count("id")).values_list("status", "n"))
        last_by_platform = {
            platform: round((last - started_at).total_seconds(), 1)
            for platform, last in deliveries.values("platform").annotate(last=Max("sent_at")).values_list("platform", "last")
            if last
        }
        per_platform = {
            f"{platform}:{status}": n
            for platform, status, n in deliveries.values("platform", "status")
            .annotate(n=Count("id"))
            .values_list("platform", "status", "n")
        }
    seconds = (last_sent - started_at).total_seconds() if last_sent else wall

    receipts = {emulator: http_json("GET", f"{control}/{emulator}/receipts/summary") for emulator in EMULATORS}
    lost = sum(max(len(events) - summary["distinct_event_ids"], 0) for summary in receipts.values())
    duplicates = sum(summary["duplicates"] for summary in receipts.values()) + receipts["google-ads"].get("duplicates_rejected", 0)
    return {
        "bench": "conversions",
        "events": len(events),
        "deliveries": expected,
        "seconds": round(seconds, 1),
        "events_per_s": round(len(events) / seconds, 1) if seconds else None,
        "deliveries_per_s": round(expected / seconds, 1) if seconds else None,
        "lost": lost,
        "duplicates": duplicates,
        "worker_kills": len(kills),
        "kills": kills,
        "received": {
            emulator: {k: summary.get(k) for k in ("total", "distinct_event_ids", "duplicates", "duplicates_rejected") if k in summary}
            for emulator, summary in receipts.items()
        },
        "statuses": statuses,
        "per_platform": per_platform,
        "posted_s": round(posted_after[0], 1) if posted_after else None,
        "last_sent_s": last_by_platform,
        "sweeps_enqueued": swept,
        "post_errors": post_errors[:5],
        "batch": args.batch,
        "tiktok_batch": args.tiktok_batch,
        "workers": f"{args.workers}x{args.concurrency}",
        "sandboxes": args.sandboxes,
        "wall_seconds": round(wall, 1),
    }


if __name__ == "__main__":
    main()
