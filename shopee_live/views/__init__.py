"""Shopee Live pages: live now, sessions (history, detail, CSV import), analytics, promotions.
Thin views: filters validated against the tenant's own rows, selectors read, services write."""
