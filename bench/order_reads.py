"""p95 of the order reads over HTTP against 1,000,000 orders in PostgreSQL, as one JSON line.

Creates a bench database, migrates it, writes one tenant with one shop, 1,000,000 orders over two
years (two lines each) and their daily rollups with set-based SQL (generate_series, no ORM rows),
starts the product's web server (gunicorn, 2 workers) against it and times, through HTTP with an
API key, each read endpoint: the orders list (with filters), order statistics, status breakdown
and the KPI summary. Each endpoint is asked ``--requests`` times over a rotation of realistic
queries, after a warm-up. Statistics and breakdowns are cached until the orders change, so the
bench also times cache misses (``*_uncached_p95_ms``) over the whole history; those add up the
per-status daily rollups the sync keeps (``DailyStatusRollup``), built here from the seeded orders.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/order_reads.py

DATABASE_URL names the server (and an existing database to connect to for CREATE DATABASE); the
bench database itself is ``--db`` (dropped and recreated unless ``--reuse``).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHOP_ZONE = "Asia/Kuala_Lumpur"
BRANDS = ["Glowy", "Kopi Kita", "Urban Step", "PureLeaf", "Nusa Home", "Other"]
STATUSES = ["COMPLETED"] * 10 + ["DELIVERED"] * 3 + ["IN_TRANSIT"] * 2 + ["AWAITING_SHIPMENT"] * 2 + ["UNPAID"] + ["CANCELLED"] * 2
PRODUCTS = 200
HISTORY_DAYS = 730


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per endpoint")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--uncached-requests", type=int, default=40, help="timed cache misses of the stats and breakdown")
    parser.add_argument("--db", default="shop_order_reads_bench")
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench database with its data")
    parser.add_argument("--keep", action="store_true", help="don't drop the bench database at the end")
    return parser.parse_args()


def database_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def admin_sql(base_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(base_url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute(statement)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(db_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        DEBUG="false",
        SECRET_KEY="bench-order-reads-secret-key-0123456789abcdef",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        FIELD_ENCRYPTION_KEYS="Zm9yLWJlbmNoLW9ubHktMzItYnl0ZXMta2V5LTAwMDA=",
        SANDBOX_ENABLED="false",
        SECURE_SSL_REDIRECT="false",  # TLS ends at the proxy in production; the bench talks plain HTTP
        LOG_LEVEL="WARNING",
    )
    return env


def seed(*, orders: int) -> tuple[str, str]:
    """The tenant, shop, orders, lines and rollups; returns (API key, shop id)."""
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from core.models import Role
    from core.services import api_key_create, tenant_create
    from shop_sync.models import ShopConnection

    tenant = tenant_create(name="Bench Agency", slug="bench", time_zone=SHOP_ZONE)
    far = timezone.now() + timedelta(days=365)
    shop = ShopConnection.all_tenants.create(
        tenant=tenant,
        shop_id="7494000000000001",
        name="Bench Shop MY",
        region="MY",
        cipher="bench-cipher",
        currency="MYR",
        time_zone=SHOP_ZONE,
        access_token="bench-access",
        access_token_expires_at=far,
        refresh_token="bench-refresh",
        refresh_token_expires_at=far,
    )
    key = api_key_create(tenant=tenant, name="bench", role=Role.VIEWER).raw_key
    params = {
        "tenant": tenant.pk,
        "shop": shop.pk,
        "n": orders,
        "step": HISTORY_DAYS * 86400.0 / orders,
        "statuses": STATUSES,
        "brands": BRANDS,
        "products": PRODUCTS,
        "zone": SHOP_ZONE,
    }
    with connection.cursor() as cursor:
        # Orders: newest at "now", one every step seconds back over two years; deterministic figures.
        cursor.execute(
            """
            INSERT INTO shop_sync_order (tenant_id, shop_id, order_id, status, create_time, update_time, paid_time, currency,
                total_amount, sub_total, shipping_fee, seller_discount, platform_discount, tax, buyer_user_id, recipient_region,
                units, brands, content_hash, synced_at)
            SELECT %(tenant)s, %(shop)s, (576000000000000000 + g)::text,
                   (%(statuses)s::text[])[1 + (g * 7) %% 20],
                   now() - make_interval(secs => g * %(step)s),
                   now() - make_interval(secs => g * %(step)s) + interval '1 hour',
                   now() - make_interval(secs => g * %(step)s) + interval '5 minutes',
                   'MYR', 10 + ((g * 7919) %% 20000) / 100.0, 10 + ((g * 7919) %% 20000) / 100.0, 0, 0, 0, 0,
                   (7000000 + g %% 50000)::text, 'MY', 2,
                   (%(brands)s::text[])[1 + ((g * 31) %% %(products)s) %% 6] || ',' || (%(brands)s::text[])[1 + (((g * 31) + 7) %% %(products)s) %% 6],
                   decode(md5(g::text), 'hex'), now()
            FROM generate_series(1::bigint, %(n)s::bigint) AS g
            """,
            params,
        )
        # Two lines per order (one per unit), splitting the total.
        cursor.execute(
            """
            INSERT INTO shop_sync_orderline (tenant_id, order_id, line_id, sku_id, product_id, product_name, sku_name, seller_sku,
                brand, currency, sale_price, original_price, seller_discount, platform_discount, display_status)
            SELECT o.tenant_id, o.id, o.order_id || '-' || k, (1730000000 + p.product * 10 + 1)::text, (1729000000 + p.product)::text,
                   'Product ' || p.product, 'Default', 'SKU-' || p.product, (%(brands)s::text[])[1 + p.product %% 6], 'MYR',
                   CASE WHEN k = 1 THEN round(o.total_amount / 2, 2) ELSE o.total_amount - round(o.total_amount / 2, 2) END,
                   0, 0, 0, o.status
            FROM shop_sync_order o
            CROSS JOIN generate_series(1, 2) AS k
            CROSS JOIN LATERAL (SELECT ((o.order_id::bigint - 576000000000000000) * 31 + (k - 1) * 7) %% %(products)s AS product) p
            WHERE o.tenant_id = %(tenant)s
            """,
            params,
        )
        # Rollups as the sync computes them: every order counted, GMV of the ones not cancelled.
        cursor.execute(
            """
            INSERT INTO shop_sync_dailyrollup (tenant_id, shop_id, day, brand, currency, orders, units, gmv, cancelled_orders)
            SELECT tenant_id, shop_id, (create_time AT TIME ZONE %(zone)s)::date, '', currency, count(*), sum(units),
                   coalesce(sum(total_amount) FILTER (WHERE status <> 'CANCELLED'), 0), count(*) FILTER (WHERE status = 'CANCELLED')
            FROM shop_sync_order WHERE tenant_id = %(tenant)s
            GROUP BY 1, 2, 3, 5
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO shop_sync_dailyrollup (tenant_id, shop_id, day, brand, currency, orders, units, gmv, cancelled_orders)
            SELECT o.tenant_id, o.shop_id, (o.create_time AT TIME ZONE %(zone)s)::date, l.brand, l.currency, count(DISTINCT o.id),
                   count(*), coalesce(sum(l.sale_price) FILTER (WHERE o.status <> 'CANCELLED'), 0),
                   count(DISTINCT o.id) FILTER (WHERE o.status = 'CANCELLED')
            FROM shop_sync_order o JOIN shop_sync_orderline l ON l.order_id = o.id
            WHERE o.tenant_id = %(tenant)s
            GROUP BY 1, 2, 3, 4, 5
            """,
            params,
        )
    # Status rollups as the sync keeps them (built from the orders once, like a first full sync).
    from shop_sync.services import order_status_rollups_rebuild

    order_status_rollups_rebuild(shop=shop)
    connection.close()
    return key, shop.shop_id


def vacuum(db_url: str) -> None:
    import psycopg

    with psycopg.connect(db_url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        # Index-only scans need the visibility map; the planner needs statistics.
        conn.execute("VACUUM (ANALYZE) shop_sync_order")
        conn.execute("VACUUM (ANALYZE) shop_sync_orderline")
        conn.execute("VACUUM (ANALYZE) shop_sync_dailyrollup")
        conn.execute("VACUUM (ANALYZE) shop_sync_dailystatusrollup")


def start_server(env: dict, port: int, key: str) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "config.wsgi",
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    log = open(ROOT / "var" / "order_reads_bench.log", "wb")  # noqa: SIM115 (closed with the server)
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/api/me/", headers={"Authorization": f"Bearer {key}"}, timeout=5).status_code == 200:
                return server
        except requests.RequestException:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError("gunicorn did not start; see var/order_reads_bench.log")


def p95(samples: list[float]) -> float:
    return round(statistics.quantiles(samples, n=100, method="inclusive")[94], 1)


def measure(session: requests.Session, base: str, queries: list[tuple[str, dict]], *, count: int, warmup: int) -> list[float]:
    for n in range(warmup):
        path, params = queries[n % len(queries)]
        session.get(base + path, params=params, timeout=30).raise_for_status()
    samples = []
    for n in range(count):
        path, params = queries[n % len(queries)]
        started = time.perf_counter()
        response = session.get(base + path, params=params, timeout=30)
        samples.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return samples


def endpoint_queries(today) -> dict[str, list[tuple[str, dict]]]:
    last_30 = {"date_from": (today - timedelta(days=29)).isoformat(), "date_to": today.isoformat()}
    last_7 = {"date_from": (today - timedelta(days=6)).isoformat(), "date_to": today.isoformat()}
    return {
        "orders_list": [
            ("/api/shop/orders/", {"status": "COMPLETED", **last_30}),
            ("/api/shop/orders/", {"brand": "Glowy", **last_30, "page": 2}),
            ("/api/shop/orders/", {"status": "CANCELLED", **last_7}),
            ("/api/shop/orders/", {"product": "1729000042", **last_7}),
            ("/api/shop/orders/", {"status": "DELIVERED", "page": 3}),
        ],
        "order_stats": [
            ("/api/shop/orders/stats/", {}),
            ("/api/shop/orders/stats/", last_30),
            ("/api/shop/orders/stats/", {"status": "COMPLETED", **last_30}),
        ],
        "status_breakdown": [
            ("/api/shop/orders/status-breakdown/", {}),
            ("/api/shop/orders/status-breakdown/", last_30),
        ],
        "kpi_summary": [
            ("/api/shop/kpis/", {}),
            ("/api/shop/kpis/", {"days": 7}),
        ],
    }


def uncached_queries(today, count: int) -> dict[str, list[tuple[str, dict]]]:
    """Statistics and breakdowns over (nearly) the whole history with a different first day each
    time: every request misses the cache and aggregates about a million orders."""
    ranges = [{"date_from": (today - timedelta(days=HISTORY_DAYS + 10 + n)).isoformat()} for n in range(count)]
    return {
        "order_stats_uncached": [("/api/shop/orders/stats/", params) for params in ranges],
        "status_breakdown_uncached": [("/api/shop/orders/status-breakdown/", params) for params in ranges],
    }


def main() -> None:
    args = parse_args()
    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    db_url = database_url(base_url, args.db)
    env = bench_env(db_url)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

    seed_seconds = 0.0
    if not args.reuse:
        admin_sql(base_url, f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
        admin_sql(base_url, f'CREATE DATABASE "{args.db}"')
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "--skip-checks", "-v", "0"], cwd=ROOT, env=env, check=True)
        started = time.perf_counter()
        key, _ = seed(orders=args.orders)
        vacuum(db_url)
        seed_seconds = round(time.perf_counter() - started, 1)
        (ROOT / "var" / "order_reads_bench.key").write_text(key)
    else:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "--skip-checks", "-v", "0"], cwd=ROOT, env=env, check=True)
        vacuum(db_url)
        key = (ROOT / "var" / "order_reads_bench.key").read_text().strip()

    from datetime import datetime
    from zoneinfo import ZoneInfo

    today = datetime.now(ZoneInfo(SHOP_ZONE)).date()
    port = free_port()
    server = start_server(env, port, key)
    result = {"orders": args.orders, "requests_per_endpoint": args.requests, "seed_seconds": seed_seconds, "workers": 2}
    try:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {key}"
        base = f"http://127.0.0.1:{port}"
        for name, queries in endpoint_queries(today).items():
            samples = measure(session, base, queries, count=args.requests, warmup=args.warmup)
            result[f"{name}_p95_ms"] = p95(samples)
            result[f"{name}_median_ms"] = round(statistics.median(samples), 1)
        # Aggregates are cached until the orders change; these show what a cache miss costs.
        for name, queries in uncached_queries(today, args.uncached_requests).items():
            samples = measure(session, base, queries, count=args.uncached_requests, warmup=0)
            result[f"{name}_p95_ms"] = p95(samples)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if not args.keep and not args.reuse:
            admin_sql(base_url, f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
    print(json.dumps(result))


if __name__ == "__main__":
    main()
