"""Google Ads API error names (``GoogleAdsFailure.errors[].errorCode``) and what they mean for
an offline click-conversion upload (reference: shared/reference/shopee-google-meta-telegram-apis.md §2)."""

from __future__ import annotations

# The account or conversion action is wrong, or the caller may not use it: nothing uploads
# until someone fixes the setup.
MISCONFIGURED_ERRORS = frozenset(
    {
        "NO_CONVERSION_ACTION_FOUND",
        "INVALID_CONVERSION_ACTION_TYPE",
        "UNAUTHORIZED_CUSTOMER",
        "CUSTOMER_NOT_ACCEPTED_CUSTOMER_DATA_TERMS",
        "CUSTOMER_NOT_ENABLED_ENHANCED_CONVERSIONS_FOR_LEADS",
        "USER_PERMISSION_DENIED",
        "CUSTOMER_NOT_ENABLED",
        "DEVELOPER_TOKEN_NOT_APPROVED",
        "DEVELOPER_TOKEN_PROHIBITED",
        "CUSTOMER_NOT_FOUND",
    }
)
# Already recorded by an earlier send of the same conversion: the upload did its job.
ALREADY_RECORDED_ERRORS = frozenset({"ORDER_ID_ALREADY_IN_USE", "CLICK_CONVERSION_ALREADY_EXISTS"})
# Google isn't ready for this conversion yet (a click or action created moments ago).
RETRY_LATER_ERRORS = frozenset({"TOO_RECENT_EVENT", "TOO_RECENT_CONVERSION_ACTION"})


def google_error_codes(details: list) -> list[str]:
    """Every error code name in a GoogleAdsFailure ``details`` list."""
    names = []
    for detail in details:
        for error in (detail or {}).get("errors") or []:
            names.extend(str(value) for value in (error.get("errorCode") or {}).values())
    return names


def row_index(error: dict) -> int | None:
    """Which conversion of the request a partial-failure error is about."""
    for element in (error.get("location") or {}).get("fieldPathElements") or []:
        if element.get("fieldName") == "conversions" and element.get("index") is not None:
            return int(element["index"])
    return None
