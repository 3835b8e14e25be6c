"""Google Ads API offline click conversions at the real REST path:
``POST /sandbox/google-ads/v{N}/customers/{customer_id}:uploadClickConversions``.

``GOOGLE_ADS_API_BASE`` is ``https://googleads.googleapis.com`` in production (reference:
shared/reference/shopee-google-meta-telegram-apis.md §2). Headers ``Authorization: Bearer`` (a
token from the ``google-oauth`` emulator), ``developer-token``, optional ``login-customer-id``.

- Request-level problems are Google's REST error envelope ``{"error": {code, message, status,
  details: [GoogleAdsFailure]}}``: 401 UNAUTHENTICATED (bad, expired or revoked token; no
  developer token), 403 PERMISSION_DENIED (developer token revoked, option ``revoked_tokens``),
  400 INVALID_ARGUMENT (customer id, ``partialFailure`` not true, more than option
  ``max_conversions``), 429 RESOURCE_EXHAUSTED with ``Retry-After`` (option ``qps``).
- Row problems are partial failures: HTTP 200, ``{}`` at the row's index in ``results`` and a
  ``partialFailureError`` (code 3) listing GoogleAdsFailure errors located at
  ``conversions[index].<field>``. Unknown conversion actions (option
  ``unknown_conversion_actions``, resource names or bare ids) are NO_CONVERSION_ACTION_FOUND.
- An ``orderId`` accepted before is ORDER_ID_ALREADY_IN_USE (a click + time without orderId:
  CLICK_CONVERSION_ALREADY_EXISTS), as Google dedupes; option ``reject_reused_order_ids`` turns
  that off. Those refusals are counted in ``receipts/summary`` as ``duplicates_rejected``.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import datetime

from django.http import HttpRequest, HttpResponse

from sandbox.emulators.google_ads.oauth import access_token_problem
from sandbox.emulators.tiktok_events.receipts import (
    ConversionDestination,
    counter_add,
    is_currency_code,
    is_number,
    is_sha256_hex,
    option_set,
    qps_exceeded,
    receipts_already_received,
    receipts_record,
    register_conversion_controls,
)
from sandbox.framework import json_response, register

CUSTOMER_ID = re.compile(r"\d{10}")
CONVERSION_ACTION = re.compile(r"customers/(\d+)/conversionActions/(\d+)")
CONVERSION_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?[+-]\d{2}:\d{2}")
CLICK_ID = re.compile(r"[A-Za-z0-9_\-.]+")
CAMEL_HUMP = re.compile(r"(?<=[a-z])(?=[A-Z])")
CLICK_ID_FIELDS = ("gclid", "gbraid", "wbraid")
USER_IDENTIFIER_FIELDS = ("hashedEmail", "hashedPhoneNumber")
MAX_USER_IDENTIFIERS = 5
DEFAULT_VERSION = "v22"
DUPLICATES_REJECTED = "duplicates_rejected"
JOB_ID_RANGE = (2**31, 2**63 - 1)


def new_request_id() -> str:
    return secrets.token_urlsafe(16)[:22]


def failure_type(version: str) -> str:
    return f"type.googleapis.com/google.ads.googleads.{version}.errors.GoogleAdsFailure"


def google_error(
    status: int, grpc_status: str, message: str, *, version: str = DEFAULT_VERSION, errors: list[dict] | None = None, headers=None
) -> HttpResponse:
    """Google's REST error envelope; ``errors`` are GoogleAdsFailure errors."""
    request_id = new_request_id()
    error: dict = {"code": status, "message": message, "status": grpc_status}
    if errors:
        error["details"] = [{"@type": failure_type(version), "errors": errors, "requestId": request_id}]
    return json_response({"error": error}, status=status, headers={"request-id": request_id, **(headers or {})})


def ads_error(family: str, code: str, message: str) -> dict:
    return {"errorCode": {family: code}, "message": message}


def unauthenticated(code: str, message: str, version: str = DEFAULT_VERSION) -> HttpResponse:
    return google_error(
        401,
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid "
        "authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
        version=version,
        errors=[ads_error("authenticationError", code, message)],
    )


def invalid_argument(family: str, code: str, message: str, version: str) -> HttpResponse:
    return google_error(
        400, "INVALID_ARGUMENT", "Request contains an invalid argument.", version=version, errors=[ads_error(family, code, message)]
    )


def resource_exhausted(retry_after: int, version: str = DEFAULT_VERSION) -> HttpResponse:
    return google_error(
        429,
        "RESOURCE_EXHAUSTED",
        "Too many requests. Retry in a few seconds.",
        version=version,
        errors=[ads_error("quotaError", "RESOURCE_TEMPORARILY_EXHAUSTED", "Too many requests. Retry in a few seconds.")],
        headers={"Retry-After": str(retry_after)},
    )


class GoogleAdsEmulator(ConversionDestination):
    name = "google-ads"
    title = "Google Ads API (ConversionUploadService.uploadClickConversions)"
    secret_headers = ("developer-token",)

    def default_options(self):
        return {"max_conversions": 2000, "revoked_tokens": [], "unknown_conversion_actions": [], "reject_reused_order_ids": True, "qps": 0}

    def expired_token_response(self, request):
        return unauthenticated("OAUTH_TOKEN_EXPIRED", "The OAuth access token has expired.")

    def rate_limited_response(self, request, *, retry_after):
        return resource_exhausted(retry_after)

    def server_error_response(self, request, *, status):
        if status in (502, 503, 504):
            return super().server_error_response(request, status=status)
        return google_error(status, "INTERNAL", "Internal error encountered.")


google_ads = register(GoogleAdsEmulator())
register_conversion_controls(google_ads, unknown_option="unknown_conversion_actions", counters=(DUPLICATES_REJECTED,))


@google_ads.route(r"^(?P<version>v\d{1,3})/customers/(?P<customer_id>[^/:]+):uploadClickConversions$", methods=("POST",), regex=True)
def upload_click_conversions(request: HttpRequest, version: str, customer_id: str) -> HttpResponse:
    authorization = request.headers.get("Authorization", "")
    scheme, _, bearer = authorization.partition(" ")
    if scheme.lower() != "bearer" or not bearer.strip():
        return unauthenticated("OAUTH_TOKEN_INVALID", "The OAuth access token is missing or invalid.", version)
    problem = access_token_problem(bearer.strip())
    if problem is not None:
        message = {
            "OAUTH_TOKEN_INVALID": "The OAuth access token is invalid.",
            "OAUTH_TOKEN_EXPIRED": "The OAuth access token has expired.",
            "OAUTH_TOKEN_REVOKED": "The OAuth access token has been revoked.",
        }[problem]
        return unauthenticated(problem, message, version)
    developer_token = request.headers.get("developer-token", "").strip()
    if not developer_token:
        return unauthenticated("DEVELOPER_TOKEN_PARAMETER_MISSING", "The developer token is missing from the request.", version)
    options = google_ads.options()
    if developer_token in option_set(options, "revoked_tokens"):
        return google_error(
            403,
            "PERMISSION_DENIED",
            "The caller does not have permission",
            version=version,
            errors=[
                ads_error(
                    "authorizationError",
                    "DEVELOPER_TOKEN_PROHIBITED",
                    "Developer token is not allowed with the project sent in the request.",
                )
            ],
        )
    if qps_exceeded(emulator=google_ads.name, token=developer_token, qps=options.get("qps")):
        return resource_exhausted(1, version)
    if not CUSTOMER_ID.fullmatch(customer_id):
        return invalid_argument("requestError", "INVALID_CUSTOMER_ID", "Invalid customer ID: use 10 digits without dashes.", version)
    login_customer_id = request.headers.get("login-customer-id")
    if login_customer_id is not None and not CUSTOMER_ID.fullmatch(login_customer_id.strip()):
        return invalid_argument(
            "authenticationError",
            "LOGIN_CUSTOMER_ID_PARAMETER_INVALID",
            "The login-customer-id header must be 10 digits without dashes.",
            version,
        )
    try:
        body = json_body(request)
    except ValueError:
        return invalid_argument("requestError", "INVALID_INPUT", "The request body must be a JSON object.", version)
    if body.get("partialFailure") is not True:
        return invalid_argument(
            "partialFailureError", "PARTIAL_FAILURE_MODE_REQUIRED", "The partial failure field must be true for this request.", version
        )
    conversions = body.get("conversions")
    if not isinstance(conversions, list) or not conversions:
        return invalid_argument("requestError", "REQUIRED_FIELD_MISSING", "conversions: at least one conversion is required.", version)
    max_conversions = int(options.get("max_conversions") or 2000)
    if len(conversions) > max_conversions:
        return invalid_argument(
            "conversionUploadError",
            "TOO_MANY_CONVERSIONS_IN_REQUEST",
            f"Upload fewer than {max_conversions + 1} events in a single request.",
            version,
        )
    job_id = body.get("jobId")
    if job_id is not None and (isinstance(job_id, bool) or not isinstance(job_id, int) or not 0 <= job_id < 2**31):
        return invalid_argument("conversionUploadError", "INVALID_JOB_ID", "The job ID must be an integer in [0, 2^31).", version)
    validate_only = body.get("validateOnly") is True

    request_id = new_request_id()
    errors: list[dict] = []
    accepted: list[tuple[int, dict, str]] = []  # (index, conversion, event id)
    unknown_actions = option_set(options, "unknown_conversion_actions")
    keys_seen: set[tuple[str, str]] = set()  # (conversion action, dedupe key) in this request
    for index, conversion in enumerate(conversions):
        row_error = conversion_problem(conversion, unknown_actions)
        if row_error is None:
            event_id = conversion_event_id(conversion)
            key = (conversion["conversionAction"], event_id)
            if key in keys_seen:
                row_error = (
                    ("orderId", ads_error("conversionUploadError", "DUPLICATE_ORDER_ID", "Duplicate order IDs in a single request."))
                    if conversion.get("orderId")
                    else (
                        "conversionDateTime",
                        ads_error(
                            "conversionUploadError",
                            "DUPLICATE_CLICK_CONVERSION_IN_REQUEST",
                            "The request holds this click conversion (same click and time) twice.",
                        ),
                    )
                )
            keys_seen.add(key)
        if row_error is not None:
            field, error = row_error
            errors.append(located(error, index, field))
            continue
        accepted.append((index, conversion, event_id))

    if accepted and options.get("reject_reused_order_ids", True):
        # Google dedupes per conversion action: the same order sent to two actions is two conversions.
        seen_before = receipts_already_received(
            emulator=google_ads.name, keys=((conversion["conversionAction"], event_id) for _, conversion, event_id in accepted)
        )
        if seen_before:
            still: list[tuple[int, dict, str]] = []
            for index, conversion, event_id in accepted:
                if (conversion["conversionAction"], event_id) not in seen_before:
                    still.append((index, conversion, event_id))
                    continue
                if conversion.get("orderId"):
                    field, error = (
                        "orderId",
                        ads_error(
                            "conversionUploadError", "ORDER_ID_ALREADY_IN_USE", "The order ID was already used by another conversion."
                        ),
                    )
                else:
                    field, error = (
                        "conversionDateTime",
                        ads_error(
                            "conversionUploadError",
                            "CLICK_CONVERSION_ALREADY_EXISTS",
                            "A conversion for this click and time was already uploaded.",
                        ),
                    )
                errors.append(located(error, index, field))
            if not validate_only:
                counter_add(emulator=google_ads.name, key=DUPLICATES_REJECTED, amount=len(accepted) - len(still))
            accepted = still
            errors.sort(key=lambda error: error["location"]["fieldPathElements"][0]["index"])

    response: dict = {}
    if not validate_only:
        results: list[dict] = [{} for _ in conversions]
        for index, conversion, _ in accepted:
            results[index] = conversion_result(conversion)
        response["results"] = results
        if accepted:
            receipts_record(
                emulator=google_ads.name,
                request_id=request_id,
                rows=((conversion["conversionAction"], event_id, "", "") for _, conversion, event_id in accepted),
            )
    if errors:
        response["partialFailureError"] = {
            "code": 3,
            "message": ", ".join(
                f"{error['message']}, at conversions[{location_index(error)}].{location_field(error)}" for error in errors
            ),
            "details": [{"@type": failure_type(version), "errors": errors, "requestId": request_id}],
        }
    if not validate_only:
        response["jobId"] = str(job_id if job_id is not None else secrets.randbelow(JOB_ID_RANGE[1] - JOB_ID_RANGE[0]) + JOB_ID_RANGE[0])
    return json_response(response, headers={"request-id": request_id})


def json_body(request: HttpRequest) -> dict:
    data = json.loads(request.body or b"null")
    if not isinstance(data, dict):
        raise ValueError("not an object")
    return data


def located(error: dict, index: int, field: str) -> dict:
    """The error placed at ``conversions[index].<field>``. Locations name proto fields, in
    snake_case (``conversion_date_time``), while the JSON body uses camelCase."""
    proto_field = CAMEL_HUMP.sub("_", field).lower()
    return {**error, "location": {"fieldPathElements": [{"fieldName": "conversions", "index": index}, {"fieldName": proto_field}]}}


def location_index(error: dict) -> int:
    return error["location"]["fieldPathElements"][0]["index"]


def location_field(error: dict) -> str:
    return error["location"]["fieldPathElements"][1]["fieldName"]


def conversion_event_id(conversion: dict) -> str:
    """The dedupe key Google uses: the order id, else the click and the conversion time."""
    if conversion.get("orderId"):
        return str(conversion["orderId"])
    click = next((conversion[field] for field in CLICK_ID_FIELDS if conversion.get(field)), "")
    if not click:
        click = ",".join(
            sorted(identifier.get("hashedEmail") or identifier.get("hashedPhoneNumber") for identifier in conversion["userIdentifiers"])
        )
    return f"{click}|{conversion['conversionDateTime']}"


def conversion_result(conversion: dict) -> dict:
    result = {field: conversion[field] for field in CLICK_ID_FIELDS if conversion.get(field)}
    if not result:
        result["userIdentifiers"] = conversion["userIdentifiers"]
    result["conversionAction"] = conversion["conversionAction"]
    result["conversionDateTime"] = conversion["conversionDateTime"]
    return result


def _required(field: str) -> tuple[str, dict]:
    return field, ads_error("fieldError", "REQUIRED", f"The required field {field} was not present.")


def conversion_problem(conversion, unknown_actions: set[str]) -> tuple[str, dict] | None:
    """(field, GoogleAdsFailure error) for the first problem of a row, or None."""
    if not isinstance(conversion, dict):
        return "conversions", ads_error("requestError", "INVALID_INPUT", "A conversion must be an object.")
    action = conversion.get("conversionAction")
    if not action:
        return _required("conversionAction")
    match = CONVERSION_ACTION.fullmatch(action) if isinstance(action, str) else None
    if match is None:
        return "conversionAction", ads_error("requestError", "INVALID_RESOURCE_NAME", "The conversion action resource name is malformed.")
    if action in unknown_actions or match.group(2) in unknown_actions:
        return "conversionAction", ads_error("conversionUploadError", "NO_CONVERSION_ACTION_FOUND", "The conversion action can't be found.")
    date_time = conversion.get("conversionDateTime")
    if not date_time:
        return _required("conversionDateTime")
    if not (isinstance(date_time, str) and CONVERSION_DATE_TIME.fullmatch(date_time) and _parses(date_time)):
        return "conversionDateTime", ads_error(
            "dateError",
            "INVALID_STRING_DATE_TIME_SECONDS_WITH_OFFSET",
            "The string date time is not in the format yyyy-mm-dd hh:mm:ss+|-hh:mm.",
        )
    clicks = [field for field in CLICK_ID_FIELDS if conversion.get(field) not in (None, "")]
    if "gbraid" in clicks and "wbraid" in clicks:
        return "wbraid", ads_error("conversionUploadError", "GBRAID_WBRAID_BOTH_SET", "Both gbraid and wbraid are set; set only one.")
    if len(clicks) > 1:
        return clicks[1], ads_error("fieldError", "VALUE_MUST_BE_UNSET", f"{clicks[1]} must not be set together with {clicks[0]}.")
    for field in clicks:
        if not (isinstance(conversion[field], str) and CLICK_ID.fullmatch(conversion[field])):
            code = {"gclid": "UNPARSEABLE_GCLID", "gbraid": "UNPARSEABLE_GBRAID", "wbraid": "UNPARSEABLE_WBRAID"}[field]
            return field, ads_error("conversionUploadError", code, f"The {field} could not be decoded.")
    identifiers = conversion.get("userIdentifiers")
    if identifiers is not None:
        problem = user_identifiers_problem(identifiers)
        if problem is not None:
            return problem
    if not clicks and not identifiers:
        return _required("gclid")
    value = conversion.get("conversionValue")
    if value is not None and not is_number(value):
        return "conversionValue", ads_error("fieldError", "INVALID_VALUE", "conversionValue must be a number.")
    currency = conversion.get("currencyCode")
    if currency is not None and not (is_currency_code(currency) and currency.isupper()):
        return "currencyCode", ads_error("fieldError", "INVALID_VALUE", "currencyCode must be an ISO 4217 code such as USD.")
    order_id = conversion.get("orderId")
    if order_id is not None and not isinstance(order_id, str):
        return "orderId", ads_error("fieldError", "INVALID_VALUE", "orderId must be a string.")
    return None


def user_identifiers_problem(identifiers) -> tuple[str, dict] | None:
    if not isinstance(identifiers, list):
        return "userIdentifiers", ads_error("requestError", "INVALID_INPUT", "userIdentifiers must be a list.")
    if len(identifiers) > MAX_USER_IDENTIFIERS:
        return "userIdentifiers", ads_error(
            "collectionSizeError", "TOO_MANY", f"At most {MAX_USER_IDENTIFIERS} user identifiers per conversion."
        )
    for identifier in identifiers:
        keys = set(identifier) if isinstance(identifier, dict) else set()
        # userIdentifierSource is metadata, not an identifier.
        keys.discard("userIdentifierSource")
        if len(keys) != 1 or not keys <= set(USER_IDENTIFIER_FIELDS):
            return "userIdentifiers", ads_error(
                "conversionUploadError",
                "UNSUPPORTED_USER_IDENTIFIER",
                "Only hashedEmail and hashedPhoneNumber are supported for conversion uploads.",
            )
        if not is_sha256_hex(identifier[next(iter(keys))]):
            return "userIdentifiers", ads_error(
                "conversionUploadError",
                "INVALID_USER_IDENTIFIER",
                "The user identifier must be a SHA-256 hex digest (64 lowercase hex characters) of the normalized value.",
            )
    return None


def _parses(date_time: str) -> bool:
    try:
        datetime.fromisoformat(date_time)
    except ValueError:
        return False
    return True
