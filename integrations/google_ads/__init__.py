"""Google Ads API: OAuth refresh, click-conversion upload, the error names. Tenant-aware
wrapper: ``conversions.clients.GoogleAdsClient``."""

from integrations.google_ads.client import UPLOAD_ENDPOINT, GoogleAdsClient, GoogleCredentials, GoogleOAuthCredentials
from integrations.google_ads.errors import (
    ALREADY_RECORDED_ERRORS,
    MISCONFIGURED_ERRORS,
    RETRY_LATER_ERRORS,
    google_error_codes,
    row_index,
)

__all__ = [
    "ALREADY_RECORDED_ERRORS",
    "MISCONFIGURED_ERRORS",
    "RETRY_LATER_ERRORS",
    "UPLOAD_ENDPOINT",
    "GoogleAdsClient",
    "GoogleCredentials",
    "GoogleOAuthCredentials",
    "google_error_codes",
    "row_index",
]
