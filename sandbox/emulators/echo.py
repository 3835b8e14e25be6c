"""A platform-neutral upstream for testing HTTP client behaviour (retries, timeouts, breakers,
rate limiting) without depending on any one platform's shapes.

Any method, any path under ``/sandbox/echo/``: answers 200 with what it received (headers are
left out: they carry credentials; the request record has them masked).
"""

from __future__ import annotations

from sandbox.framework import Emulator, json_response, register


class EchoEmulator(Emulator):
    name = "echo"
    title = "Echo (generic upstream)"
    record_requests = True


echo = register(EchoEmulator())


@echo.route(r"^(?P<subpath>.*)$", methods=None, regex=True, name="echo")
def echo_view(request, subpath: str):
    body = request.body.decode("utf-8", errors="replace")
    return json_response(
        {
            "method": request.method,
            "path": subpath,
            "query": {key: request.GET.getlist(key) for key in request.GET},
            "content_type": request.content_type,
            "body": body,
        }
    )
