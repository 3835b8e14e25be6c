"""``manage.py sandbox_serve --port 8100``: the sandbox alone, threaded, for benchmarks and for
running the product against upstreams in another process.

It serves only the sandbox urlconf (``/sandbox/...``, no product pages, no session or tenant
middleware) with Django's threaded WSGI server, and prints its base URL, the value to give
``SANDBOX_BASE_URL``. Faults and records live in the configured database, shared with the
product's processes. ``--port 0`` picks a free port (printed).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.management.base import BaseCommand, CommandError
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler, run
from django.db import DatabaseError

from sandbox.framework import emulators


class SandboxRequestHandler(WSGIRequestHandler):
    # Headers and body leave in separate writes: with Nagle's algorithm on, a keep-alive client's
    # delayed ACK holds every answer back by about 40 ms.
    disable_nagle_algorithm = True


class SandboxWSGIServer(ThreadedWSGIServer):
    """Django's threaded server (closes each thread's DB connections after its request) with a
    listen backlog sized for concurrent benchmark clients, answering without Nagle delays."""

    request_queue_size = 128

    def __init__(self, server_address, _handler_class, *args, **kwargs):
        super().__init__(server_address, SandboxRequestHandler, *args, **kwargs)


class Command(BaseCommand):
    help = "Serve only the sandbox emulators (threaded), e.g. for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8100, help="Port to listen on; 0 picks a free one.")
        parser.add_argument("--host", default="127.0.0.1", help="Address to bind (default 127.0.0.1).")
        parser.add_argument("--quiet", action="store_true", help="Don't log each request.")

    def handle(self, *args, port: int, host: str, quiet: bool, **options):
        self._check_tables()
        if quiet:
            logging.getLogger("django.server").setLevel(logging.WARNING)
        # This process serves the sandbox only: its own urlconf, and none of the product's
        # session/auth/tenant middleware (emulators authenticate the platform's way).
        settings.ROOT_URLCONF = "sandbox.serve_urls"
        settings.MIDDLEWARE = []
        handler = WSGIHandler()
        names = ", ".join(e.name for e in emulators())
        ipv6 = ":" in host

        def on_bind(bound_port: int) -> None:
            shown = f"[{host}]" if ipv6 else host
            self.stdout.write(f"Sandbox serving at http://{shown}:{bound_port}/sandbox (emulators: {names})")
            self.stdout.flush()

        try:
            # threading=False only because the server class is threaded already (one thread
            # per request); run() would otherwise mix ThreadingMixIn in a second time.
            run(host, port, handler, ipv6=ipv6, threading=False, on_bind=on_bind, server_cls=SandboxWSGIServer)
        except OSError as exc:
            raise CommandError(f"Can't listen on {host}:{port}: {exc}")
        except KeyboardInterrupt:
            pass

    def _check_tables(self) -> None:
        from sandbox.models import EmulatorConfig

        try:
            EmulatorConfig.objects.exists()
        except DatabaseError as exc:
            raise CommandError(f"The sandbox tables aren't there ({exc}); run `manage.py migrate` first.")
