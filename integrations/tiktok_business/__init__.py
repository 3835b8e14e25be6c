"""TikTok Business API v1.3 and the Events API 2.0: the envelope, the one return-code table,
OAuth token exchange, advertisers, GMV Max, event/track. Tenant-aware wrappers:
``tiktok_ads.client`` (and gmvmax through it), ``conversions.clients``."""

from integrations.tiktok_business.client import (
    ACCESS_TOKEN_PATH,
    ADVERTISER_INFO_BATCH,
    ADVERTISER_INFO_PATH,
    ADVERTISERS_PATH,
    API_PREFIX,
    CAMPAIGN_PAGE_SIZE,
    GMV_MAX_CAMPAIGNS_PATH,
    GMV_MAX_REPORT_PATH,
    GMV_MAX_STORES_PATH,
    PROMOTION_TYPES,
    REPORT_MAX_DAYS,
    REPORT_PAGE_SIZE_MAX,
    BusinessApiClient,
    json_param,
)
from integrations.tiktok_business.codes import (
    MISCONFIGURED_CODES,
    RATE_LIMIT_CODES,
    SERVER_ERROR_RANGE,
    TOKEN_CODES,
    code_of,
    error_class_for,
)
from integrations.tiktok_business.envelope import BusinessEnvelopeMixin, data_of
from integrations.tiktok_business.events import TikTokEventsClient

__all__ = [
    "ACCESS_TOKEN_PATH",
    "ADVERTISERS_PATH",
    "ADVERTISER_INFO_BATCH",
    "ADVERTISER_INFO_PATH",
    "API_PREFIX",
    "CAMPAIGN_PAGE_SIZE",
    "GMV_MAX_CAMPAIGNS_PATH",
    "GMV_MAX_REPORT_PATH",
    "GMV_MAX_STORES_PATH",
    "MISCONFIGURED_CODES",
    "PROMOTION_TYPES",
    "RATE_LIMIT_CODES",
    "REPORT_MAX_DAYS",
    "REPORT_PAGE_SIZE_MAX",
    "SERVER_ERROR_RANGE",
    "TOKEN_CODES",
    "BusinessApiClient",
    "BusinessEnvelopeMixin",
    "TikTokEventsClient",
    "code_of",
    "data_of",
    "error_class_for",
    "json_param",
]
