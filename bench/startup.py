"""Time from `make run` in a fresh clone to a page being served, as one JSON line.

Clones the current commit into a temporary folder (so the venv, database and broker start
empty), runs `make run` on a free port, polls /login/ until it answers 200, then stops the stack
with SIGINT, the way a person would with Ctrl-C.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_SECONDS = 600


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serving(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def main() -> None:
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "app"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "VAR_DIR"}}
        started = time.monotonic()
        proc = subprocess.Popen(["make", "run", f"PORT={port}"], cwd=clone, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        served_after = None
        try:
            while time.monotonic() - started < TIMEOUT_SECONDS and proc.poll() is None:
                if serving(f"http://127.0.0.1:{port}/login/"):
                    served_after = time.monotonic() - started
                    break
                time.sleep(0.5)
            health = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read()) if served_after else None
        finally:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    print(json.dumps({
        "bench": "make_run_to_serving_page",
        "seconds": round(served_after, 1) if served_after else None,
        "healthy": bool(health and health["status"] == "ok"),
        "fresh_clone": True,
    }))
    if served_after is None:
        sys.exit(1)


if __name__ == "__main__":
    main()
