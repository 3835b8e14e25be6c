from __future__ import annotations

from rest_framework import authentication, exceptions

from core.selectors import api_key_authenticate
from core.services import api_key_touch
from core.tenancy import set_current_tenant


class ApiKeyUser:
    """The principal of an API-key request: authenticated, tenant-bound, not a Django user."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False

    def __init__(self, api_key):
        self.api_key = api_key
        self.pk = None
        self.id = None
        self.username = f"api-key:{api_key.prefix}"

    def __str__(self) -> str:
        return self.username


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer cap_<prefix>_<secret>``. Sets ``request.tenant`` to the key's
    tenant and puts it in context; the middleware resets the context when the request ends."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _, raw_key = header.partition(" ")
        if scheme.lower() != self.keyword.lower():
            return None
        raw_key = raw_key.strip()
        if not raw_key:
            raise exceptions.AuthenticationFailed("Missing API key after 'Bearer'.")
        api_key = api_key_authenticate(raw_key)
        if api_key is None:
            raise exceptions.AuthenticationFailed("Unknown or revoked API key.")
        api_key_touch(api_key=api_key)
        django_request = request._request
        django_request.tenant = api_key.tenant
        django_request.role = api_key.role
        django_request.membership = None
        set_current_tenant(api_key.tenant)
        return ApiKeyUser(api_key), api_key

    def authenticate_header(self, request):
        return self.keyword


class TenantSessionAuthentication(authentication.SessionAuthentication):
    """Session auth (with CSRF); the tenant comes from ``TenantMiddleware``."""
