"""One error body for the whole API: ``{"error": {"code", "message", "fields"}}``.

An upstream failure (``core.http.UpstreamError``) that reaches a view is mapped by
``core.upstream``: 502 for a broken answer, 503 with ``retry_after`` (and ``Retry-After``) when the
platform is down, throttling us or behind an open circuit.
"""

from __future__ import annotations

import math

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from core.errors import CoreError
from core.exceptions import ApplicationError, error_body
from core.http import UpstreamError
from core.upstream import upstream_failure

_CODES = {
    exceptions.ParseError: CoreError.MALFORMED_REQUEST,
    exceptions.AuthenticationFailed: CoreError.AUTHENTICATION_FAILED,
    exceptions.NotAuthenticated: CoreError.NOT_AUTHENTICATED,
    exceptions.PermissionDenied: CoreError.PERMISSION_DENIED,
    exceptions.NotFound: CoreError.NOT_FOUND,
    exceptions.MethodNotAllowed: CoreError.METHOD_NOT_ALLOWED,
    exceptions.NotAcceptable: CoreError.NOT_ACCEPTABLE,
    exceptions.UnsupportedMediaType: CoreError.UNSUPPORTED_MEDIA_TYPE,
    exceptions.Throttled: CoreError.RATE_LIMITED,
    exceptions.ValidationError: CoreError.INVALID,
}




def _flatten(detail) -> dict:
    if isinstance(detail, dict):
        return {key: [str(item) for item in (value if isinstance(value, list) else [value])] for key, value in detail.items()}
    return {"non_field_errors": [str(item) for item in (detail if isinstance(detail, list) else [detail])]}


def api_exception_handler(exc, context):
    if isinstance(exc, UpstreamError):
        exc = upstream_failure(exc)
    if isinstance(exc, ApplicationError):
        set_rollback()  # a refused request writes nothing, even under ATOMIC_REQUESTS
        extra = dict(exc.extra)
        fields = extra.pop("fields", {})
        response = Response(error_body(exc.code, exc.message, fields, **extra), status=exc.status)
        if extra.get("retry_after") is not None:
            response["Retry-After"] = str(extra["retry_after"])
        return response
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None
    code = next((c for cls, c in _CODES.items() if isinstance(exc, cls)), CoreError.ERROR)
    extra = {}
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        message = "Some fields are invalid: " + ", ".join(sorted(fields)) if fields else "Invalid input."
    else:
        fields = {}
        message = str(exc.detail) if hasattr(exc, "detail") else str(exc)
        if isinstance(exc, exceptions.ParseError):
            message = f"Malformed request body: {message}"
        elif isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            extra["retry_after"] = max(1, math.ceil(exc.wait))  # DRF sets the Retry-After header itself
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = "Bearer"
    response.data = error_body(code, message, fields, **extra)
    return response
