"""The Leads page: TikTok instant-form leads with phone and email masked, filtered by date range,
direction, campaign and form; CSV/XLSX exports; "Subscribe to leads" per advertiser.

Exports are for analysts: analysts and up get phone and email in full (they call the leads back
or load them into a CRM); a viewer's page and exports show them masked. The page itself always
masks them."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views import View

from core.dateranges import InvalidDateRange, date_range_context, date_range_for_request, date_range_resolve
from core.exports import export_response
from core.formatting import current_zone
from core.models import Role
from core.pii import mask_email, mask_phone
from core.tables import Column, Table
from core.web import InvalidQuery, TenantPageView, TenantRequiredMixin, validated_query
from tiktok_ads import selectors, services
from tiktok_ads.serializers import LeadFilterSerializer
from tiktok_ads.views.directions import require_tiktok_ui

LEADS_PAGE = "tiktok_ads:leads"

LEADS = Table(
    "leads-table",
    [
        Column("received_at", "Received"),
        Column("name", "Name"),
        Column("phone", "Phone", sort=None),
        Column("email", "Email", sort=None),
        Column("direction", "Direction", sort="direction__name"),
        Column("campaign_name", "Campaign"),
        Column("page_name", "Form"),
        Column("lead_id", "Lead id", optional=True),
        Column("event_id", "Conversion event", optional=True, hidden=True),
    ],
    default_sort="-received_at",
)


def _filters(request) -> tuple[selectors.LeadFilters, object]:
    data = validated_query(request, LeadFilterSerializer).validated_data
    date_range = date_range_for_request(request, zone=current_zone())
    filters = selectors.LeadFilters(
        date_from=date_range.start,
        date_to=date_range.end,
        direction=data.get("direction"),
        campaign_id=data.get("campaign") or "",
        page_id=data.get("form") or "",
    )
    return filters, date_range


def _row(lead) -> dict:
    return {
        "pk": lead.pk,
        "received_at": lead.received_at,
        "name": lead.name,
        "phone": mask_phone(lead.phone),
        "email": mask_email(lead.email),
        "direction": lead.direction.name if lead.direction else "",
        "campaign_name": lead.campaign_name or lead.campaign_id,
        "page_name": lead.page_name or lead.page_id,
        "lead_id": lead.lead_id,
        "event_id": lead.event_id,
    }


class LeadListView(TenantPageView):
    template_name = "tiktok_ads/leads.html"

    def page_context(self, **extra) -> dict:
        require_tiktok_ui(self.tenant)
        request = self.request
        return self.get_context_data(
            query=request.GET,
            choices=selectors.lead_filter_choices(self.tenant),
            advertisers=selectors.lead_advertisers(self.tenant),
            can_manage=Role.allows(request.role, Role.ADMIN),
            export_query=urlencode([(k, v) for k, v in request.GET.items() if k not in ("page", "per_page", "sort") and v]),
            **extra,
        )

    def get(self, request, *args, **kwargs):
        self.range_context = date_range_context(date_range_resolve({}, zone=current_zone()))
        filters, date_range = _filters(request)
        self.range_context = date_range_context(date_range)
        table = LEADS.bind(request, selectors.leads_filtered(self.tenant, filters))
        rows = [_row(lead) for lead in table.rows]
        return self.render_to_response(self.page_context(table=table, rows=rows, **self.range_context))

    def handle_application_error(self, exc):
        if isinstance(exc, InvalidQuery | InvalidDateRange) and hasattr(self, "range_context"):
            return self.render_to_response(self.page_context(query_errors=exc.fields, **self.range_context), status=exc.status)
        return super().handle_application_error(exc)


class LeadExportView(TenantPageView):
    def get(self, request, *args, export_format: str, **kwargs):
        require_tiktok_ui(self.tenant)
        filters, _ = _filters(request)
        masked = not Role.allows(request.role, Role.ANALYST)
        header, rows = selectors.leads_export_rows(self.tenant, filters, masked=masked)
        return export_response(export_format, basename=f"tiktok-leads-{self.tenant.slug}", header=header, rows=rows, sheet_title="Leads")


class LeadSubscribeView(TenantRequiredMixin, View):
    """POST: subscribe the product's callback URL to one advertiser's leads (admins)."""

    min_role = Role.ADMIN
    error_redirect = LEADS_PAGE

    def post(self, request, pk: int):
        advertiser = selectors.advertiser_get(self.tenant, pk)
        if advertiser is None:
            raise Http404
        subscription = services.lead_subscription_ensure(advertiser=advertiser)
        messages.success(request, f"{advertiser.name}: leads are sent to this workspace (subscription {subscription.subscription_id}).")
        return redirect(LEADS_PAGE)
