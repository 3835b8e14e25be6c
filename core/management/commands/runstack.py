"""Run the whole product in the foreground: web (gunicorn), Celery worker and Celery beat.

Used by ``make run``. Ctrl-C (or SIGTERM) stops all three; if one of them dies, the others are
stopped too so nothing is left half-running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from core.management.commands.demo import DEMO_PASSWORD, DEMO_USERNAME
from core.queues import QUEUE_NAMES


class Command(BaseCommand):
    help = "Serve web + worker + beat until interrupted."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--web-workers", type=int, default=2)
        parser.add_argument("--concurrency", type=int, default=2, help="Celery worker processes.")

    def handle(self, *args, host, port, web_workers, concurrency, **options):
        env = {**os.environ, "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", f"http://{host}:{port}")}
        commands = stack_commands(host=host, port=port, web_workers=web_workers, concurrency=concurrency)
        # Each in its own process group, so stopping one also stops its children (the worker's pool).
        processes = {name: subprocess.Popen(cmd, env=env, cwd=settings.BASE_DIR, start_new_session=True) for name, cmd in commands.items()}

        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)

        self.stdout.write(self.style.SUCCESS(f"\nServing on http://{host}:{port}/  (API docs: /api/docs/, admin: /admin/, health: /healthz)"))
        self.stdout.write(self.style.SUCCESS(f"Log in as {DEMO_USERNAME!r} / {DEMO_PASSWORD!r}. Ctrl-C stops web, worker and beat.\n"))
        exit_code = 0
        try:
            while not stopping:
                for name, proc in processes.items():
                    if proc.poll() is not None:
                        self.stderr.write(f"{name} exited with {proc.returncode}; stopping the others.")
                        exit_code = proc.returncode or 1
                        stopping = True
                        break
                time.sleep(0.5)
        finally:
            self._stop_all(processes)
        if exit_code:
            sys.exit(exit_code)

    def _stop_all(self, processes):
        for proc in processes.values():
            if proc.poll() is None:
                _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in processes.values():
            try:
                proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                pass
            # Whatever is left of the group (a pool child whose parent died) goes too.
            _signal_group(proc, signal.SIGKILL)
        self.stdout.write("Stopped.")


def stack_commands(*, host: str, port: int, web_workers: int, concurrency: int) -> dict[str, list[str]]:
    """The command lines of web, worker (every queue of ``core.queues``) and beat."""
    bin_dir = os.path.dirname(sys.executable)
    return {
        "web": [os.path.join(bin_dir, "gunicorn"), "config.wsgi:application", "--bind", f"{host}:{port}",
                "--workers", str(web_workers), "--threads", "8", "--timeout", "120", "--access-logfile", "-"],
        "worker": [os.path.join(bin_dir, "celery"), "-A", "config", "worker", "-Q", ",".join(QUEUE_NAMES), "-c", str(concurrency),
                   "--loglevel", "INFO", "-n", f"worker-{os.getpid()}@%h"],
        "beat": [os.path.join(bin_dir, "celery"), "-A", "config", "beat", "--loglevel", "INFO",
                 "--schedule", str(settings.VAR_DIR / "celerybeat-schedule")],
    }


def _signal_group(proc, signum):
    try:
        os.killpg(proc.pid, signum)
    except ProcessLookupError:  # already gone
        pass
