"""Base classes for tenant-scoped pages.

Pages get their querysets from ``get_queryset``, which scopes by ``request.tenant``: another
tenant's object is a 404, the same as a missing one. ``min_role`` gates the page (viewer reads,
analyst exports, admin manages connections and secrets, owner manages members).

Errors take one path: a page validates its query with ``validated_query`` (``InvalidQuery``, 400,
with the fields' messages), and any ``ApplicationError`` or ``UpstreamError`` a page view raises
becomes a response in ``handle_application_error``: a POST action that names ``error_redirect``
flashes the message and redirects there; an htmx request gets a small error fragment; anything
else the product's error page. The status is the error's (502/503 for upstream failures, with
``Retry-After``).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.generic import DetailView, TemplateView
from rest_framework.views import set_rollback

from core.errors import CoreError
from core.exceptions import ApplicationError
from core.forms import form_add_application_error
from core.http import UpstreamError
from core.models import Role
from core.upstream import as_application_error

# Error pages by status; other statuses share the generic one.
ERROR_TEMPLATES = {403: "403.html", 404: "404.html"}
ERROR_PAGE = "error.html"
ERROR_FRAGMENT = "core/partials/error.html"
# Marks an error response htmx should swap in like a partial (see static/js/app.js).
ERROR_FRAGMENT_HEADER = "X-Error-Fragment"


class InvalidQuery(ApplicationError):
    """The page's query string failed validation; ``fields`` maps each field to its messages."""

    status = 400
    code = CoreError.INVALID

    def __init__(self, fields: dict[str, list[str]]):
        super().__init__("Some filters are invalid: " + ", ".join(sorted(fields)), extra={"fields": fields})
        self.fields = fields


def _messages(errors) -> dict[str, list[str]]:
    return {name: [str(message) for message in (found if isinstance(found, list | tuple) else [found])] for name, found in errors.items()}


def validated_query(request, query_class, **kwargs):
    """``request.GET`` validated by ``query_class`` (a DRF serializer or a Django form); the bound
    instance, or ``InvalidQuery`` with the messages per field."""
    if issubclass(query_class, forms.BaseForm):
        query = query_class(request.GET, **kwargs)
    else:
        query = query_class(data=request.GET, **kwargs)
    if not query.is_valid():
        raise InvalidQuery(_messages(query.errors))
    return query


def application_error_response(request, exc: ApplicationError | UpstreamError, *, template: str | None = None, context: dict | None = None):
    """The response to a refused page request (see the module docstring)."""
    exc = as_application_error(exc)
    set_rollback()  # a refused request writes nothing, even under ATOMIC_REQUESTS
    context = {"error": exc, "message": exc.message, "status": exc.status, **(context or {})}
    if is_htmx(request):
        response = render(request, ERROR_FRAGMENT, context, status=exc.status)
        response[ERROR_FRAGMENT_HEADER] = "1"
    else:
        response = render(request, template or ERROR_TEMPLATES.get(exc.status, ERROR_PAGE), context, status=exc.status)
    retry_after = exc.extra.get("retry_after")
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


class TenantRequiredMixin(AccessMixin):
    min_role: str = Role.VIEWER
    # A POST action that answers with a redirect names its page (a URL name) here: a refusal then
    # shows as an error message on that page instead of an error page.
    error_redirect: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if getattr(request, "tenant", None) is None:
            return render(request, "core/no_tenant.html", status=403)
        if not Role.allows(request.role, self.required_role(request)):
            raise PermissionDenied("Your role does not allow this.")
        try:
            return super().dispatch(request, *args, **kwargs)
        except (ApplicationError, UpstreamError) as exc:
            return self.handle_application_error(as_application_error(exc))

    def required_role(self, request) -> str:
        return self.min_role if request.method in ("GET", "HEAD", "OPTIONS") else getattr(self, "write_role", self.min_role)

    def handle_application_error(self, exc: ApplicationError):
        """Subclasses that can show the error on their own page (a form, the filters) override this."""
        if self.request.method == "POST" and self.error_redirect and not is_htmx(self.request):
            set_rollback()
            messages.error(self.request, exc.message)
            return redirect(self.error_redirect)
        return application_error_response(self.request, exc)

    @property
    def tenant(self):
        return self.request.tenant


class FormRefusalMixin:
    """For a page whose POST validates a form (kept in ``bound_form``): a service's refusal shows on
    that form, per-field messages next to their fields; without one, as a message on the page. The
    page re-renders with the error's status."""

    bound_form = None

    def handle_application_error(self, exc: ApplicationError):
        set_rollback()
        if self.bound_form is not None:
            form_add_application_error(self.bound_form, exc)
            return self.render_to_response(self.get_context_data(form=self.bound_form), status=exc.status)
        messages.error(self.request, exc.message)
        return self.render_to_response(self.get_context_data(), status=exc.status)


class TenantScopedQuerysetMixin(TenantRequiredMixin):
    model = None

    def get_base_queryset(self):
        return self.model.objects.for_tenant(self.request.tenant)

    def get_queryset(self):
        return self.get_base_queryset()


class TenantPageView(TenantRequiredMixin, TemplateView):
    pass


class TenantScopedDetailView(TenantScopedQuerysetMixin, DetailView):
    pass


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"
