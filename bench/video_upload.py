"""Video upload end to end: a 500 MB generated video through the product to the sandbox.

1. A fresh database; ``manage.py sandbox_serve`` on a free port; the product's web server
   (gunicorn, 2 workers); one Celery worker for the ``sync`` queue with the solo pool, so the
   transfer runs in the process whose memory is sampled.
2. A tenant connected to the sandbox's Business API (its ``demo`` fixture), an ad account on its
   first advertiser and an admin API key.
3. A 500 MB MP4-looking file (an ``ftyp`` box, then an ``mdat`` box of filler) is written to disk
   1 MB at a time, then uploaded through ``/api/creatives/uploads/`` (tus) in 8 MB PATCHes; the
   bench waits until the creative is Ready (it has its ``tiktok_video_id``).

Prints one JSON line: ``seconds`` (first byte sent to Ready), ``mb_per_s``,
``peak_rss_over_idle_mb`` (the worker's peak resident memory during the transfer above its
resident size when idle, from ``/proc/<pid>/status`` after resetting the peak) and
``md5_passes`` (the bytes the worker's MD5 objects hashed, divided by the file's size: the
worker counts them with a wrapper around ``hashlib.md5``).

    DATABASE_URL=postgres://... REDIS_URL=redis://... python bench/video_upload.py [--mb 500]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import signal
import struct
import subprocess
import sys
import tempfile
import threading
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

MB = 1024 * 1024
CHUNK = 8 * MB

# The worker: Celery's solo pool with every MD5 object counting the bytes it hashed; the total
# is written to a file after each task.
WORKER = r"""
import hashlib, json, os, sys
COUNT = {"bytes": 0}
_md5 = hashlib.md5

class CountingMd5:
    def __init__(self, data=b"", **kwargs):
        self._h = _md5(**kwargs)
        if data:
            self.update(data)
    def update(self, data):
        COUNT["bytes"] += len(data)
        self._h.update(data)
    def __getattr__(self, name):
        return getattr(self._h, name)

hashlib.md5 = CountingMd5
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from celery.signals import task_postrun

@task_postrun.connect
def _write(**kwargs):
    with open(os.environ["BENCH_MD5_COUNT_FILE"], "w") as handle:
        json.dump(COUNT, handle)

from config.celery import app
app.worker_main(argv=["worker", "-Q", "sync", "-P", "solo", "-n", "video-bench@%h", "--without-gossip", "--without-mingle",
                 "--without-heartbeat", "-l", "WARNING"])
"""


def make_video(path: Path, size: int) -> None:
    """An ``ftyp`` box and one ``mdat`` box filling the file to ``size`` bytes, written 1 MB at a
    time (never in memory)."""
    ftyp = struct.pack(">I", 24) + b"ftypisom" + struct.pack(">I", 512) + b"isomavc1"
    mdat_size = size - len(ftyp)
    header = ftyp + struct.pack(">I", 1) + b"mdat" + struct.pack(">Q", mdat_size)
    block = bytearray(os.urandom(MB))
    with open(path, "wb") as handle:
        handle.write(header)
        left = size - len(header)
        n = 0
        while left > 0:
            block[:8] = n.to_bytes(8, "big")  # every megabyte differs
            handle.write(block[: min(MB, left)])
            left -= MB
            n += 1


def rss_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} missing for {pid}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=500, help="size of the generated video (default 500)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not os.environ.get("DATABASE_URL"):
        sys.exit("bench/video_upload.py needs DATABASE_URL (PostgreSQL).")
    database_url = bench_database_url(os.environ["DATABASE_URL"], bench="video_upload")
    recreate_database(database_url)
    sandbox_port, web_port = free_port(), free_port()
    sandbox_base = f"http://127.0.0.1:{sandbox_port}/sandbox"
    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="video-bench-") as tmp:
        env = base_env(database_url=database_url, sandbox_base=sandbox_base, broker_dir=tmp)
        env.update(
            {
                "SECURE_SSL_REDIRECT": "false",
                "TIKTOK_BUSINESS_APP_ID": "7sandboxappid",
                "TIKTOK_BUSINESS_APP_SECRET": "sandbox-business-secret-0123456789",
                "TIKTOK_BUSINESS_RATE_LIMIT": "100000/second",
                "VIDEO_UPLOAD_DIR": str(Path(tmp) / "uploads"),
                "BENCH_MD5_COUNT_FILE": str(Path(tmp) / "md5.json"),
            }
        )
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "--skip-checks", "-v", "0"], cwd=ROOT, env=env, check=True)
        if env["REDIS_URL"]:
            subprocess.run(
                [PYTHON, "-m", "celery", "-A", "config", "purge", "-f", "-Q", "sync"], cwd=ROOT, env=env, check=False, capture_output=True
            )

        def start(command: list[str], *, stdout=subprocess.DEVNULL) -> subprocess.Popen:
            proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=stdout, stderr=subprocess.DEVNULL, text=True, start_new_session=True)
            processes.append(proc)
            return proc

        try:
            sandbox = start(sandbox_command(sandbox_port), stdout=subprocess.PIPE)
            wait_for_sandbox(sandbox)
            worker = start([PYTHON, "-c", WORKER])
            web = [
                PYTHON,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--workers",
                "2",
                "--timeout",
                "120",
                "--bind",
                f"127.0.0.1:{web_port}",
                "--log-level",
                "warning",
            ]
            start(web)
            os.environ.update(env)
            result = run_bench(args, web_port=web_port, worker=worker, tmp=Path(tmp))
        finally:
            stop_processes(processes)
    print(json.dumps(result))


def run_bench(args, *, web_port: int, worker: subprocess.Popen, tmp: Path) -> dict:
    setup_django()

    from core.models import Role
    from core.services import api_key_create
    from core.tenancy import tenant_scope
    from tiktok_ads.models import AdAccount, Creative

    tenant, advertisers = sandbox_connected_tenant(name="Video bench", slug=f"video-bench-{os.getpid()}")
    advertiser = advertisers[0]
    with tenant_scope(tenant):
        account = AdAccount.objects.create(tenant=tenant, name="Bench account", advertiser=advertiser)
        key = api_key_create(tenant=tenant, name="bench", role=Role.ADMIN).raw_key

    size = args.mb * MB
    video = tmp / "bench.mp4"
    make_video(video, size)
    base = f"http://127.0.0.1:{web_port}"
    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {key}", "Tus-Resumable": "1.0.0"})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if session.options(base + "/api/creatives/uploads/", timeout=5).status_code == 204:
                break
        except requests.RequestException:
            pass
        time.sleep(0.3)

    # The worker idles: its resident size once it has settled, then its peak is reset so the peak
    # is the transfer's.
    previous, settled = 0, 0
    while settled < 3:
        time.sleep(1)
        if worker.poll() is not None:
            sys.exit(f"the Celery worker exited with {worker.returncode}")
        current = rss_kb(worker.pid, "VmRSS")
        settled = settled + 1 if abs(current - previous) < 512 else 0
        previous = current
    idle_kb = rss_kb(worker.pid, "VmRSS")
    Path(f"/proc/{worker.pid}/clear_refs").write_text("5")
    peak = {"kb": idle_kb}
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.is_set():
            try:
                peak["kb"] = max(peak["kb"], rss_kb(worker.pid, "VmRSS"), rss_kb(worker.pid, "VmHWM"))
            except (OSError, RuntimeError):
                return
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()

    metadata = ",".join(
        f"{k} {base64.b64encode(v.encode()).decode()}"
        for k, v in {"filename": "bench.mp4", "ad_account_id": str(account.pk), "title": "Bench"}.items()
    )
    started = time.perf_counter()
    created = session.post(base + "/api/creatives/uploads/", headers={"Upload-Length": str(size), "Upload-Metadata": metadata}, timeout=30)
    assert created.status_code == 201, created.text[:300]
    location = created.headers["Location"]
    creative_id = created.json()["creative_id"]
    offset = 0
    with open(video, "rb") as handle:
        while offset < size:
            chunk = handle.read(CHUNK)
            response = session.patch(
                location, data=chunk, headers={"Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"}, timeout=120
            )
            assert response.status_code == 204, response.text[:300]
            offset = int(response.headers["Upload-Offset"])
    upload_seconds = time.perf_counter() - started
    deadline = time.monotonic() + 3600
    with tenant_scope(tenant):
        while time.monotonic() < deadline:
            creative = Creative.objects.get(pk=creative_id)
            if creative.status in ("ready", "failed"):
                break
            time.sleep(0.1)
    seconds = time.perf_counter() - started
    sampling.set()
    sampler.join()
    assert creative.status == "ready", creative.status_reason
    # The transcription task follows; the MD5 count is written after each task.
    count_file = Path(os.environ["BENCH_MD5_COUNT_FILE"])
    deadline = time.monotonic() + 60
    while not count_file.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    hashed = json.loads(count_file.read_text())["bytes"]
    return {
        "bench": "video_upload",
        "mb": args.mb,
        "seconds": round(seconds, 1),
        "mb_per_s": round(args.mb / seconds, 1),
        "browser_to_disk_seconds": round(upload_seconds, 1),
        "peak_rss_over_idle_mb": round((peak["kb"] - idle_kb) / 1024, 1),
        "md5_passes": round(hashed / size, 2),
        "tiktok_video_id": creative.tiktok_video_id,
    }


if __name__ == "__main__":
    main()
