"""Lead webhooks: 10,000 signed TikTok lead callbacks (10% duplicates) posted concurrently to
``POST /tiktok/webhook``; every lead stored exactly once and handed to conversions as one
canonical event; one JSON line.

Needs ``DATABASE_URL`` (PostgreSQL) and ``BENCH_REDIS_URL`` (or ``REDIS_URL``: the Celery broker
and the cache); uses a database of its own, ``<name>_leads_bench``, dropped and migrated at start.

1. ``manage.py sandbox_serve`` (for the OAuth exchange), the product under gunicorn
   (``--web-workers`` gthread workers, keep-alive) and one Celery worker on the ``default`` queue
   (the leads' hand-off to conversions; nothing consumes ``deliver``: the bench measures receiving,
   not sending).
2. A tenant connected to the sandbox's ``demo`` fixture through the real OAuth services, an ad
   account with one TikTok direction on its first advertiser, and a TikTok Events API
   destination (so each event also gets a delivery row).
3. ``--callbacks`` bodies, one lead each (the reference's §C.2 shape): ``--callbacks`` × 0.9
   distinct lead ids plus repeats of them, shuffled, each signed ``TikTok-Signature: t=…,s=…``.
4. Posted by ``--connections`` keep-alive connections at once (asyncio, raw HTTP/1.1: the
   client must not be what is measured). The clock runs from the first post until the last lead's
   event exists (``leads_per_s``); ``answered_per_s`` stops at the last answer.
5. ``stored`` is the tenant's lead rows, ``events`` its ``tiktok_lead`` events and
   ``duplicates_refused`` the leads the answers called duplicates; ``exact`` is true when every
   answer was 200 and stored leads, events and deliveries all equal the distinct leads sent.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres BENCH_REDIS_URL=redis://127.0.0.1:6379/2 \\
        .venv/bin/python bench/leads.py
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import (  # noqa: E402
    PYTHON,
    ROOT,
    base_env,
    bench_database_url,
    free_port,
    recreate_database,
    sandbox_command,
    sandbox_connected_tenant,
    setup_django,
    stop_processes,
    wait_for_sandbox,
)

WEBHOOK_SECRET = "bench-lead-webhook-secret"
PATH = "/tiktok/webhook"


def child_env(*, database_url: str, sandbox_base: str, broker_dir: str) -> dict[str, str]:
    env = base_env(database_url=database_url, sandbox_base=sandbox_base, broker_dir=broker_dir)
    env.update(
        {
            "SECURE_SSL_REDIRECT": "false",
            "TIKTOK_BUSINESS_APP_ID": "7sandboxappid",
            "TIKTOK_BUSINESS_APP_SECRET": "sandbox-business-secret-0123456789",
            "TIKTOK_BUSINESS_RATE_LIMIT": "100000/second",
            "TIKTOK_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "OUTBOUND_MODE": "mock",
        }
    )
    return env


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def group_pids(pgids: set[int]) -> list[int]:
    """Every process whose process group is one of ``pgids`` (a started process and its children)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) in pgids:
                pids.append(int(entry))
    return pids


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of ``pids`` (gone ones count 0)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def wait_for_web(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}{PATH}", params={"challenge": "up"}, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    sys.exit("gunicorn did not start")


def lead_body(lead_id: str, advertiser_id: str, n: int) -> bytes:
    entry = {
        "id": lead_id,
        "lead_source": "INSTANT_FORM",
        "page_id": "7616613432980341010",
        "page_name": "Trial lesson form",
        "advertiser_id": advertiser_id,
        "campaign_id": "1834000000000000001",
        "campaign_name": "Leads 2025-06",
        "adgroup_id": "1834000000000000101",
        "ad_id": "1834000000000000201",
        "create_time": int(time.time()) - 30,
        "changes": [
            {"field": "name", "value": f"Lead {n}"},
            {"field": "phone_number", "value": f"+7701{n:07d}"},
            {"field": "email", "value": f"lead{n}@example.com"},
        ],
    }
    return json.dumps({"request_id": f"bench-{lead_id}", "object": 1, "time": int(time.time()), "entry": [entry]}).encode()


def signed_request(body: bytes, port: int) -> bytes:
    t = int(time.time())
    signature = hmac.new(WEBHOOK_SECRET.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    head = (
        f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nTikTok-Signature: t={t},s={signature}\r\nConnection: keep-alive\r\n\r\n"
    )
    return head.encode() + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    status_line = await reader.readline()
    status = int(status_line.split()[1])
    length, close = 0, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
        elif name.lower() == "connection" and value.strip().lower() == "close":
            close = True
    return status, await reader.readexactly(length), close


async def post_all(port: int, payloads: list[bytes], connections: int) -> list[tuple[int, bytes]]:
    """Every payload posted once over ``connections`` keep-alive connections (reconnecting when
    the server closes one); answers in the payloads' order."""
    answers: list[tuple[int, bytes] | None] = [None] * len(payloads)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(len(payloads)):
        queue.put_nowait(index)

    async def poster() -> None:
        reader = writer = None
        while not queue.empty():
            index = queue.get_nowait()
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(signed_request(payloads[index], port))
            await writer.drain()
            status, body, close = await _read_response(reader)
            answers[index] = (status, body)
            if close:
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    await asyncio.gather(*(poster() for _ in range(connections)))
    return answers  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--callbacks", type=int, default=10_000)
    parser.add_argument("--duplicate-share", type=float, default=0.1)
    parser.add_argument("--connections", type=int, default=16, help="concurrent keep-alive connections")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    args = parser.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not os.environ.get("DATABASE_URL"):
        sys.exit("bench/leads.py needs DATABASE_URL (PostgreSQL).")
    database_url = bench_database_url(os.environ["DATABASE_URL"], bench="leads")
    recreate_database(database_url)
    sandbox_port, web_port = free_port(), free_port()
    sandbox_base = f"http://127.0.0.1:{sandbox_port}/sandbox"
    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="leads-bench-") as tmp:
        env = child_env(database_url=database_url, sandbox_base=sandbox_base, broker_dir=tmp)
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "--skip-checks", "-v", "0"], cwd=ROOT, env=env, check=True)
        if env["REDIS_URL"]:  # hand-offs and deliveries left by an earlier run
            subprocess.run([PYTHON, "-m", "celery", "-A", "config", "purge", "-f", "-Q", "default,deliver"], cwd=ROOT, env=env, check=False, capture_output=True)  # fmt: skip

        def start(command: list[str], *, stdout=subprocess.DEVNULL) -> subprocess.Popen:
            proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=stdout, stderr=subprocess.DEVNULL, text=True, start_new_session=True)
            processes.append(proc)
            return proc

        try:
            sandbox = start(sandbox_command(sandbox_port), stdout=subprocess.PIPE)
            wait_for_sandbox(sandbox)
            worker = start([PYTHON, "-m", "celery", "-A", "config", "worker", "-Q", "default", "-c", "1", "-n", "leads-bench@%h",
                   "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"])  # fmt: skip
            os.environ.update(env)
            result = run_bench(args, web_port=web_port, start=start, product_processes=[worker])
        finally:
            stop_processes(processes)
    print(json.dumps(result))


def run_bench(args, *, web_port: int, start, product_processes: list) -> dict:
    setup_django()
    from django.db import connection

    from conversions.models import Delivery, Destination, Event, Platform
    from core.tenancy import tenant_scope
    from tiktok_ads.models import AdAccount, Direction, Lead
    from tiktok_ads.models import Platform as AdsPlatform

    tenant, advertisers = sandbox_connected_tenant(name="Leads bench", slug=f"leads-bench-{secrets.token_hex(3)}")
    advertiser = advertisers[0]
    with tenant_scope(tenant):
        account = AdAccount.objects.create(tenant=tenant, name="Bench account", advertiser=advertiser)
        Direction.objects.create(tenant=tenant, ad_account=account, name="Trial lessons", platform=AdsPlatform.TIKTOK)
        Destination.objects.create(tenant=tenant, platform=Platform.TIKTOK, name="TikTok", pixel_id="CPIXELBENCH", access_token="tt-bench")
    connection.close()

    product_processes.append(start([str(Path(PYTHON).parent / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{web_port}", "--workers", str(args.web_workers),
           "--worker-class", "gthread", "--threads", str(args.threads), "--keep-alive", "30", "--log-level", "warning"]))  # fmt: skip
    wait_for_web(web_port)

    rng = random.Random(13)
    distinct = round(args.callbacks * (1 - args.duplicate_share))
    lead_ids = [str(7_512_345_678_900_000_000 + n) for n in range(distinct)]
    sent = lead_ids + [rng.choice(lead_ids) for _ in range(args.callbacks - distinct)]
    rng.shuffle(sent)
    numbers = {lead_id: n for n, lead_id in enumerate(lead_ids)}
    payloads = [lead_body(lead_id, advertiser.advertiser_id, numbers[lead_id]) for lead_id in sent]

    product = {proc.pid for proc in product_processes}
    product_cpu_before = cpu_seconds(group_pids(product))
    client_cpu_before = time.process_time()
    started = time.perf_counter()
    answers = asyncio.run(post_all(web_port, payloads, args.connections))
    answered = time.perf_counter() - started
    deadline = time.monotonic() + 120
    with tenant_scope(tenant):
        while Event.objects.for_tenant(tenant).filter(source="tiktok_lead").count() < distinct and time.monotonic() < deadline:
            time.sleep(0.02)
    elapsed = time.perf_counter() - started
    client_cpu = time.process_time() - client_cpu_before
    product_cpu = cpu_seconds(group_pids(product)) - product_cpu_before
    with connection.cursor() as cursor:  # the database's share: every other backend of the bench database
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        database_cpu = cpu_seconds([pid for (pid,) in cursor.fetchall()])

    statuses: dict[int, int] = {}
    duplicates_refused = stored_answers = 0
    for status, body in answers:
        statuses[status] = statuses.get(status, 0) + 1
        if status == 200:
            answer = json.loads(body)
            duplicates_refused += answer["duplicates"]
            stored_answers += answer["stored"]
    with tenant_scope(tenant):
        stored = Lead.objects.for_tenant(tenant).count()
        events = Event.objects.for_tenant(tenant).filter(source="tiktok_lead").count()
        deliveries = Delivery.objects.for_tenant(tenant).count()
        with_direction = Lead.objects.for_tenant(tenant).exclude(direction=None).count()
        with_event = Lead.objects.for_tenant(tenant).exclude(event_id="").count()
    exact = (
        statuses == {200: len(payloads)}
        and stored == events == deliveries == stored_answers == with_event == distinct
        and duplicates_refused == len(payloads) - distinct
    )
    return {
        "bench": "leads",
        "callbacks": len(payloads),
        "distinct": distinct,
        "connections": args.connections,
        "seconds": round(elapsed, 2),
        "leads_per_s": round(len(payloads) / elapsed, 1),
        "answered_per_s": round(len(payloads) / answered, 1),
        # CPU per callback, whatever else the machine runs: web, hand-off worker, their database
        # backends, and this client; and the rate two otherwise idle cores would sustain.
        "cpu_ms_per_callback": {
            "product": round(product_cpu * 1000 / len(payloads), 2),
            "database": round(database_cpu * 1000 / len(payloads), 2),
            "client": round(client_cpu * 1000 / len(payloads), 2),
        },
        "cpu_bound_leads_per_s_on_2_cores": round(2 * len(payloads) / (product_cpu + database_cpu + client_cpu), 1),
        "stored": stored,
        "events": events,
        "deliveries": deliveries,
        "with_direction": with_direction,
        "with_event": with_event,
        "duplicates_refused": duplicates_refused,
        "statuses": {str(key): value for key, value in sorted(statuses.items())},
        "exact": exact,
    }


if __name__ == "__main__":
    main()
