"""What every Shopee Live page shares: the studio / account / host filters, validated against
the tenant's own rows (an id that isn't the tenant's is a 400 naming the field, never another
tenant's data), and the page's context (choices, export rights)."""

from __future__ import annotations

from urllib.parse import urlencode

from core.models import Role
from core.web import InvalidQuery, TenantPageView
from shopee_live import selectors


def query_without(request, *names: str) -> str:
    """The current query string minus ``names`` (page numbers, formats)."""
    return urlencode([(key, value) for key, value in request.GET.items() if key not in names and value])


def _id_param(request, name: str, choices) -> int | None:
    raw = (request.GET.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) not in {choice.pk for choice in choices}:
        raise InvalidQuery({name: [f"Unknown {name}: pick one from the list."]})
    return int(raw)


class LivePageView(TenantPageView):
    """A Shopee Live page with studio and account filters; an invalid filter renders the page
    with the message and a 400 instead of data."""

    def read_filters(self) -> None:
        self.studios = list(selectors.studios_for_tenant(self.tenant))
        self.accounts = list(selectors.accounts_for_tenant(self.tenant))
        self.studio_id = _id_param(self.request, "studio", self.studios)
        self.account_id = _id_param(self.request, "account", self.accounts)

    def read_host(self) -> int | None:
        self.hosts = list(selectors.hosts_for_tenant(self.tenant))
        return _id_param(self.request, "host", self.hosts)

    def handle_application_error(self, exc):
        if isinstance(exc, InvalidQuery) and hasattr(self, "studios"):
            return self.render_to_response(self.base_context(query_errors=exc.fields), status=exc.status)
        return super().handle_application_error(exc)

    def base_context(self, **extra) -> dict:
        context = super().get_context_data()
        context.update(
            studios=self.studios,
            accounts=self.accounts,
            hosts=getattr(self, "hosts", []),
            query=self.request.GET,
            can_export=Role.allows(self.request.role, Role.ANALYST),
            can_edit=Role.allows(self.request.role, Role.ANALYST),
            **extra,
        )
        return context
