"""One error type for business failures, turned into one response body by the API handler."""

from __future__ import annotations

from core.errors import CoreError


class ApplicationError(Exception):
    """A business rule said no. ``code`` is stable per app (clients switch on it); ``status``
    is the HTTP status the API answers with; ``extra`` goes into the body as is."""

    status = 400
    code = CoreError.INVALID

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.extra = extra or {}


class Conflict(ApplicationError):
    status = 409
    code = CoreError.CONFLICT


class NotFound(ApplicationError):
    status = 404
    code = CoreError.NOT_FOUND


def error_body(code: str, message: str, fields: dict | None = None, **extra) -> dict:
    """The one error body of the API, the pages' JSON answers and the webhooks."""
    return {"error": {"code": code, "message": message, "fields": fields or {}, **extra}}
