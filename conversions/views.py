"""Conversions pages: the events list (a status chip per destination, filters, rows that expand
into their deliveries), an event's detail (each delivery's request and response, identifiers
masked), destination health with deliveries per day, and the admin's replay/resume actions.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views import View

from conversions import selectors, services
from conversions.models import DeliveryStatus, Platform
from conversions.serializers import EventFilterSerializer, delivery_request_body
from core.exports import export_response
from core.models import Role
from core.pii import mask_email, mask_ip, mask_phone
from core.web import InvalidQuery, TenantPageView, TenantRequiredMixin, validated_query


def _query_without(request, *names: str) -> str:
    return urlencode([(key, value) for key, value in request.GET.items() if key not in names and value])


def _event_filters(request) -> selectors.EventFilters:
    """The list's filters, validated (``InvalidQuery``, 400, names the fields)."""
    return selectors.EventFilters.from_validated(validated_query(request, EventFilterSerializer).validated_data)


class EventListView(TenantPageView):
    template_name = "conversions/events.html"

    def page_context(self, **extra) -> dict:
        request = self.request
        return self.get_context_data(
            destinations=self.destinations,
            query=request.GET,
            status_choices=DeliveryStatus.values,
            platform_choices=Platform.choices,
            name_choices=selectors.event_names(self.tenant),
            can_export=Role.allows(request.role, Role.ANALYST),
            export_query=_query_without(request, "page"),
            **extra,
        )

    def get(self, request, *args, **kwargs):
        self.destinations = list(selectors.destinations_for_tenant(self.tenant))
        filters = _event_filters(request)
        context = self.page_context()
        page = Paginator(selectors.events_list(self.tenant, filters), selectors.EVENTS_PAGE_SIZE).get_page(request.GET.get("page"))
        rows = []
        for event in page.object_list:
            by_destination = {delivery.destination_id: delivery for delivery in event.deliveries.all()}
            rows.append({"event": event, "chips": [(destination, by_destination.get(destination.pk)) for destination in self.destinations]})
        context.update(page_obj=page, paginator=page.paginator, is_paginated=page.has_other_pages(), rows=rows)
        return self.render_to_response(context)

    def handle_application_error(self, exc):
        # Invalid filters re-render the list with their messages instead of rows.
        if isinstance(exc, InvalidQuery) and hasattr(self, "destinations"):
            return self.render_to_response(self.page_context(query_errors=exc.fields), status=exc.status)
        return super().handle_application_error(exc)


class EventExportView(TenantPageView):
    min_role = Role.ANALYST

    def get(self, request, *args, export_format: str, **kwargs):
        header, rows = selectors.events_export_rows(self.tenant, _event_filters(request))
        return export_response(
            export_format, basename=f"conversion-events-{self.tenant.slug}", header=header, rows=rows, sheet_title="Events"
        )


def _delivery_views(event) -> list[dict]:
    views = []
    for delivery in event.deliveries.all():
        body = delivery_request_body(delivery)
        views.append(
            {
                "delivery": delivery,
                "request_body": body,
                "request_json": json.dumps(body, indent=2) if body else "",
                "response_body": delivery.batch.response_body if delivery.batch_id else "",
            }
        )
    return views


def _masked_identifiers(event) -> list[tuple[str, str]]:
    pairs = [
        ("Email", mask_email(event.email)),
        ("Phone", mask_phone(event.phone)),
        ("External id", "•••" if event.external_id else ""),
        ("ttclid", event.ttclid),
        ("ttp", event.ttp),
        ("gclid", event.gclid),
        ("gbraid", event.gbraid),
        ("wbraid", event.wbraid),
        ("fbc", event.fbc),
        ("fbp", event.fbp),
        ("IP", mask_ip(event.ip)),
        ("Page", event.page_url),
        ("Referrer", event.page_referrer),
    ]
    return [(label, value) for label, value in pairs if value]


class EventDeliveriesView(TenantPageView):
    """The htmx partial shown when an event's row is expanded."""

    template_name = "conversions/partials/event_deliveries.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = selectors.event_get(self.tenant, pk=kwargs["pk"])
        if event is None:
            raise Http404("No such event.")
        context.update(event=event, deliveries=_delivery_views(event), identifiers=_masked_identifiers(event))
        context["can_manage"] = Role.allows(self.request.role, Role.ADMIN)
        return context


class EventDetailView(EventDeliveriesView):
    template_name = "conversions/event_detail.html"


class HealthView(TenantPageView):
    template_name = "conversions/health.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            health=selectors.destination_health(self.tenant),
            chart_data=selectors.delivery_counts_per_day(self.tenant),
            statuses=DeliveryStatus.values,
            can_manage=Role.allows(self.request.role, Role.ADMIN),
        )
        return context


class _AdminAction(TenantRequiredMixin, View):
    min_role = Role.ADMIN
    http_method_names = ["post"]


class DestinationResumeView(_AdminAction):
    def post(self, request, pk: int):
        destination = get_object_or_404(selectors.destinations_for_tenant(self.tenant), pk=pk)
        count = services.destination_resume(destination=destination)
        messages.success(request, f"{destination.name} is active again; {count} held deliveries are being sent.")
        return redirect("conversions:health")


class DestinationReplayView(_AdminAction):
    def post(self, request, pk: int):
        destination = get_object_or_404(selectors.destinations_for_tenant(self.tenant), pk=pk)
        count = services.deliveries_replay(tenant=self.tenant, destination=destination)
        messages.success(request, f"Replaying {count} dead or held deliveries to {destination.name}.")
        return redirect("conversions:health")


class DeliveryReplayView(_AdminAction):
    def post(self, request, pk: int):
        delivery = get_object_or_404(selectors.replayable_deliveries(self.tenant), pk=pk)
        services.deliveries_replay(tenant=self.tenant, deliveries=[delivery])
        messages.success(request, f"Delivery of {delivery.platform_event_id} to {delivery.platform} queued again.")
        return redirect("conversions:event-detail", pk=delivery.event_id)
