from __future__ import annotations

import zoneinfo

from django.utils import timezone

from core.correlation import clean_correlation_id, reset_correlation_id, set_correlation_id
from core.selectors import membership_active_for_user
from core.tenancy import reset_current_tenant, set_current_tenant
from core.timezones import zone_or_utc

CORRELATION_HEADER = "X-Correlation-ID"

class CorrelationIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(CORRELATION_HEADER) or request.headers.get("X-Request-ID")
        request.correlation_id = clean_correlation_id(incoming)
        token = set_correlation_id(request.correlation_id)
        try:
            response = self.get_response(request)
        finally:
            reset_correlation_id(token)
        response[CORRELATION_HEADER] = request.correlation_id
        return response

class TenantMiddleware:
    """Sets ``request.tenant`` and ``request.membership`` from the session (the member's active
    tenant) and puts the tenant in context for the whole request. API-key requests get theirs
    from ``ApiKeyAuthentication``. The context is reset when the request ends, whatever set it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenant = None
        request.membership = None
        request.role = None
        if request.user.is_authenticated:
            membership = membership_active_for_user(request.user, request.session.get("active_tenant_id"))
            if membership is not None:
                request.membership = membership
                request.tenant = membership.tenant
                request.role = membership.role
        token = set_current_tenant(request.tenant)
        if request.tenant is not None:
            # Pages show times in the tenant's zone; storage stays UTC.
            timezone.activate(tenant_zone(request.tenant))
        try:
            return self.get_response(request)
        finally:
            reset_current_tenant(token)
            timezone.deactivate()


def tenant_zone(tenant) -> zoneinfo.ZoneInfo:
    return zone_or_utc(tenant.time_zone)
