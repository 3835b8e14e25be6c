"""``manage.py sandbox_serve`` as a real process: it starts, prints its URL, serves the sandbox only."""

import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
START_TIMEOUT = 60


def _environment(tmp_path) -> dict:
    env = {**os.environ, "VAR_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1", "SANDBOX_SEED": "20260101"}
    if connection.vendor == "postgresql":
        # The test database already has the tables; the server only reads and writes its own rows.
        db = connection.settings_dict
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        env["DATABASE_URL"] = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    else:
        env.pop("DATABASE_URL", None)  # a fresh SQLite file under VAR_DIR, migrated below
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=180)
    return env


def _first_line(stream, timeout: float) -> str:
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        return ""


# transaction=True: the server commits its records into the test database; the flush after a
# transactional test removes them, so later tests don't see them.
@pytest.mark.django_db(transaction=True)
def test_sandbox_serve_starts_on_a_free_port_and_serves_only_the_sandbox(tmp_path):
    env = _environment(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "sandbox_serve", "--port", "0", "--quiet"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = _first_line(process.stdout, START_TIMEOUT)
        if not line.startswith("Sandbox serving at http://127.0.0.1:"):
            process.kill()
            pytest.fail(f"sandbox_serve did not start: {line!r} {process.communicate(timeout=10)[1][-2000:]}")
        base_url = line.split()[3]
        assert base_url.endswith("/sandbox") and "(emulators: echo, google-ads, google-oauth, meta-graph, openai, shopee, shopee-web, telegram, tiktok-business, tiktok-events, tiktok-shop, tiktok-shop-auth)" in line

        me = requests.get(f"{base_url}/telegram/bot{TOKEN}/getMe", timeout=10)
        assert me.status_code == 200
        assert me.json()["result"]["username"] == "orchid_533_bot"
        limited = requests.get(f"{base_url}/echo/x", headers={"X-Sandbox-Fault": "status=429;retry_after=4"}, timeout=10)
        assert (limited.status_code, limited.headers["Retry-After"]) == (429, "4")
        assert requests.get(f"{base_url}/_control/telegram/", timeout=10).json()["emulator"] == "telegram"
        # Only the sandbox: the product's pages and admin are not served here.
        root = base_url.removesuffix("/sandbox")
        assert requests.get(f"{root}/admin/", timeout=10).status_code == 404
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        process.stdout.close()
        process.stderr.close()


def test_sandbox_serve_refuses_to_start_without_tables(tmp_path):
    env = {**os.environ, "VAR_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "sandbox_serve", "--port", "0"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "run `manage.py migrate` first" in done.stderr
