"""Pages: p95 of every main page's server time over HTTP, logged in as the demo owner, as one JSON line.

Needs ``DATABASE_URL`` (PostgreSQL); uses a database of its own, ``<name>_pages_bench``, dropped
and migrated at start and dropped at the end (``--keep`` keeps it). ``BENCH_REDIS_URL`` (or
``REDIS_URL``) is the cache, as in production; without one each web worker caches in memory.

1. ``manage.py sandbox_serve`` on a free port: the upstreams the seeding calls.
2. The data the page review shows (``tests.fixtures.pages.demo_tenant_seed``): ``manage.py demo``
   (advertisers, 60 days of GMV Max figures, conversions) plus the sandbox's demo seller with a
   full order sync of its two shops (about 5,000 orders), API keys and members; Celery tasks run
   inline in this process, so everything is stored (and analyzed) before the clock starts.
3. ``collectstatic``, then the product's web server (gunicorn, 2 workers) with ``DEBUG`` off.
4. A session logged in through the login form (the login page itself is asked logged out); every
   main page (``tests.fixtures.pages.main_pages``, the list the page review visits) is asked
   ``--warmup`` times, then ``--requests`` times; p95 and median per page. HTML only: static files
   are WhiteNoise's and cached by the browser.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres BENCH_REDIS_URL=redis://127.0.0.1:6379/2 \\
        .venv/bin/python bench/pages.py
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests
from _harness import (
    PYTHON,
    ROOT,
    base_env,
    bench_database_url,
    free_port,
    logged_in_session,
    p95,
    recreate_database,
    sandbox_command,
    setup_django,
    stop_processes,
    timed_gets,
    wait_for_sandbox,
)

WEB_WORKERS = 2


def wait_for_web(base: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"gunicorn exited with {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            if requests.get(f"{base}/login/", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    sys.exit(f"gunicorn did not answer in 60 s: {log.read_text()[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page first (default 3)")
    parser.add_argument("--keep", action="store_true", help="don't drop the bench database at the end")
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL"):
        sys.exit("bench/pages.py needs DATABASE_URL (PostgreSQL).")
    database_url = bench_database_url(os.environ["DATABASE_URL"], bench="pages")
    recreate_database(database_url)
    sandbox_port, web_port = free_port(), free_port()
    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="pages-bench-") as tmp:
        env = base_env(database_url=database_url, sandbox_base=f"http://127.0.0.1:{sandbox_port}/sandbox", broker_dir=tmp)
        # The sandbox serves the seeding's upstreams; the pages are served over plain HTTP.
        env.update({"SANDBOX_ENABLED": "true", "HTTPS": "false"})
        try:
            subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "--skip-checks", "-v", "0"], cwd=ROOT, env=env, check=True)
            subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
            sandbox = subprocess.Popen(
                sandbox_command(sandbox_port),
                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True,
            )  # fmt: skip
            processes.append(sandbox)
            wait_for_sandbox(sandbox)
            # Only this process runs tasks inline: the web server enqueues like production.
            os.environ.update({**env, "CELERY_TASK_ALWAYS_EAGER": "true"})
            result = run_bench(args, web_port=web_port, log=Path(tmp) / "web.log", env=env, processes=processes)
        finally:
            stop_processes(processes)
            if not args.keep:
                drop_database(database_url)
    print(json.dumps(result))


def drop_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def run_bench(args, *, web_port: int, log: Path, env: dict, processes: list) -> dict:
    setup_django()
    from django.db import connections

    from core.management.commands.demo import DEMO_PASSWORD, DEMO_USERNAME
    from shop_sync.models import Order
    from tests.fixtures.pages import demo_tenant_seed, main_pages

    started = time.perf_counter()
    tenant = demo_tenant_seed()
    seed_seconds = round(time.perf_counter() - started, 1)
    pages = {page.name: page for page in main_pages()}
    paths = {name: page.path(tenant) for name, page in pages.items()}
    orders = Order.objects.for_tenant(tenant).count()
    with connections["default"].cursor() as cursor:
        # Planner statistics now: autovacuum would analyze the fresh tables during the measurements.
        cursor.execute("ANALYZE")
    connections.close_all()

    web = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{web_port}", "-w", str(WEB_WORKERS), "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"), start_new_session=True,  # noqa: SIM115 (closed with the temporary folder)
    )  # fmt: skip
    processes.append(web)
    base = f"http://127.0.0.1:{web_port}"
    wait_for_web(base, web, log)
    member, visitor = logged_in_session(base, DEMO_USERNAME, DEMO_PASSWORD), requests.Session()

    samples = {
        name: timed_gets(member if page.login_required else visitor, base + paths[name], count=args.requests, warmup=args.warmup)
        for name, page in pages.items()
    }
    p95s = {name: p95(values) for name, values in samples.items()}
    slowest = max(p95s, key=p95s.get)
    return {
        "bench": "pages",
        "p95_ms": p95s,
        "p95_ms_max": p95s[slowest],
        "slowest": slowest,
        "median_ms": {name: round(statistics.median(values), 1) for name, values in samples.items()},
        "requests_per_page": args.requests,
        "warmup_per_page": args.warmup,
        "pages": len(pages),
        "orders": orders,
        "seed_seconds": seed_seconds,
        "web_workers": WEB_WORKERS,
    }


if __name__ == "__main__":
    main()
