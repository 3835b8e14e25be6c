"""OpenAPI descriptions of the API's authentication classes (imported by ``core.api.urls``)."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "core.api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        scheme = build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Bearer")
        scheme["description"] = "A tenant API key: `Authorization: Bearer cap_<prefix>_<secret>`."
        return scheme


class TenantSessionScheme(OpenApiAuthenticationExtension):
    target_class = "core.api.authentication.TenantSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "The web session (writes also need the X-CSRFToken header); the tenant is the member's active one.",
        }
