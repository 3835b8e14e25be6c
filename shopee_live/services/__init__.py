"""Every write and workflow of Shopee Live."""

from shopee_live.services.imports import (  # noqa: F401  (the CSV import of historical sessions)
    IMPORT_MAX_BYTES,
    ImportRefused,
    daily_analytics_refresh,
    session_import_confirm,
    session_import_counts,
    session_import_preview,
)
