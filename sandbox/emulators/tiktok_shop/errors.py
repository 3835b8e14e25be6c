"""The platform's error codes and messages (reference: shared/reference/tiktok-apis.md §1.9)."""

from __future__ import annotations


class PlatformError(Exception):
    """An error the platform answers in its envelope: HTTP 200 with a non-zero ``code`` unless
    the platform is documented to use another status."""

    def __init__(self, code: int, message: str, *, status: int = 200, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.code, self.message, self.status, self.headers = code, message, status, headers or {}


def invalid_app_key() -> PlatformError:
    return PlatformError(36009004, "Invalid credentials. Invalid `app_key` query parameter.", status=400)


def missing_sign() -> PlatformError:
    return PlatformError(36009004, "Missing credentials. The request does not include a required signature in the query.")


def invalid_sign() -> PlatformError:
    return PlatformError(106001, "Invalid credentials. The `sign` query parameter is invalid.")


def timestamp_too_old() -> PlatformError:
    return PlatformError(
        36009004, "Invalid timestamp. The `timestamp` query parameter must not be earlier than 5 minutes before the current time."
    )


def timestamp_in_future() -> PlatformError:
    return PlatformError(
        36009004, "Invalid timestamp. The `timestamp` query parameter must not exceed the current time by more than 30 seconds."
    )


def invalid_access_token() -> PlatformError:
    return PlatformError(36009004, "Invalid credentials. The `x-tts-access-token` header is invalid.")


def expired_access_token() -> PlatformError:
    return PlatformError(105002, "Expired credentials. The `access_token` or `x-tts-access-token` header has expired.")


def missing_shop_cipher() -> PlatformError:
    return PlatformError(106013, "Missing identifier. The `shop_cipher` query parameter is required to identify the target shop.")


def unexpected_shop_cipher() -> PlatformError:
    return PlatformError(36009004, "Unexpected identifier. The `shop_cipher` query parameter is not required for this request.")


def invalid_shop_cipher() -> PlatformError:
    return PlatformError(36009004, "Invalid identifier. The `shop_cipher` query parameter is invalid.")


def invalid_parameter(message: str) -> PlatformError:
    return PlatformError(36009004, f"Invalid parameter. {message}")


def too_many_requests(retry_after: int) -> PlatformError:
    return PlatformError(
        36009002,
        "Too many requests. You've made too many requests in a short period of time.",
        status=429,
        headers={"Retry-After": str(retry_after)},
    )


def invalid_auth_code() -> PlatformError:
    return PlatformError(36004004, "Invalid auth code.")


def unknown_refresh_token() -> PlatformError:
    # Observed from the live token endpoint for an unknown, expired or revoked refresh token.
    return PlatformError(36004005, "can not find related auth record")


def orders_not_found() -> PlatformError:
    return PlatformError(21008111, "The order or package does not belong to the current seller.")


def too_many_seller_skus() -> PlatformError:
    return PlatformError(12019027, 'The maximum count of "seller_skus" in the search filter is 10.')


INVALID_PATH = (36009009, "Invalid path. The specified path does not match any available endpoint.")
INVALID_METHOD = (36009010, "Invalid method.")
INTERNAL_ERROR = (36009003, "Internal error. Please try again.")
INVALID_REQUEST_FORMAT = (36009022, "Invalid request format. body must be application/json or multipart/form-data")
