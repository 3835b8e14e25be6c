"""Conversions pages: the events list (a status chip per destination, filters, rows that expand
into their deliveries), an event's detail (each delivery's request and response, identifiers
masked), destination health with deliveries per day, and the admin's replay/resume actions.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from conversions import selectors, services
from conversions.forms import DestinationForm
from conversions.models import DeliveryStatus, DestinationState, Platform
from conversions.serializers import EventFilterSerializer, delivery_request_body
from core.charts import Chart, Series
from core.dateranges import InvalidDateRange, date_range_context, date_range_for_request, date_range_resolve
from core.exports import export_response
from core.formatting import current_zone
from core.models import Role
from core.pii import mask_email, mask_ip, mask_phone
from core.registry import label
from core.tables import Column, Table
from core.web import FormRefusalMixin, InvalidQuery, TenantPageView, TenantRequiredMixin, is_htmx, validated_query


def _query_without(request, *names: str) -> str:
    return urlencode([(key, value) for key, value in request.GET.items() if key not in names and value])


# The events list's own date parameters (and the API's) keep working as the range's aliases.
RANGE_ALIASES = ("date_from", "date_to")


def _event_filters(request) -> selectors.EventFilters:
    """The list's filters, validated (``InvalidQuery``, 400, names the fields)."""
    return selectors.EventFilters.from_validated(validated_query(request, EventFilterSerializer).validated_data)


EVENTS = Table(
    "events-table",
    [
        Column("event_id", "Event id"),
        Column("name", "Event"),
        Column("event_time", "Event time"),
        Column("value", "Value", numeric=True),
        Column("source", "Source", optional=True),
        Column("received_at", "Received", optional=True, hidden=True),
        Column("worst_status", "Deliveries", help="Sorts failed first, then retrying, queued or held, sending, skipped, sent"),
    ],
    default_sort="-event_time",
)


def _with_states(deliveries, destinations) -> list[tuple]:
    """(destination, delivery or None, its state) for every destination of the tenant."""
    by_destination = {delivery.destination_id: delivery for delivery in deliveries}
    now = timezone.now()
    chips = []
    for destination in destinations:
        delivery = by_destination.get(destination.pk)
        state = selectors.delivery_state(delivery, destination_state=destination.state, now=now) if delivery else None
        chips.append((destination, delivery, state))
    return chips


class EventListView(TenantPageView):
    template_name = "conversions/events.html"

    def page_context(self, **extra) -> dict:
        request = self.request
        return self.get_context_data(
            destinations=self.destinations,
            query=request.GET,
            status_choices=DeliveryStatus.values,
            platform_choices=Platform.values,
            name_choices=selectors.event_names(self.tenant),
            can_export=Role.allows(request.role, Role.ANALYST),
            export_query=_query_without(request, "page", "per_page", "sort"),
            **extra,
        )

    def get(self, request, *args, **kwargs):
        self.destinations = list(selectors.destinations_for_tenant(self.tenant))
        filters = _event_filters(request)
        date_range = date_range_for_request(request, zone=current_zone(), aliases=RANGE_ALIASES)
        self.range_context = date_range_context(date_range)
        events = selectors.events_in_range(self.tenant, filters, start=date_range.start, end=date_range.end)
        table = EVENTS.bind(request, events)
        rows = [{"event": event, "chips": _with_states(event.deliveries.all(), self.destinations)} for event in table.rows]
        return self.render_to_response(self.page_context(table=table, rows=rows, **self.range_context))

    def handle_application_error(self, exc):
        # Invalid filters re-render the list with their messages instead of rows.
        if isinstance(exc, InvalidQuery | InvalidDateRange) and hasattr(self, "destinations"):
            fallback = date_range_context(date_range_resolve({}, zone=current_zone()))
            return self.render_to_response(self.page_context(query_errors=exc.fields, **getattr(self, "range_context", fallback)), status=exc.status)
        return super().handle_application_error(exc)


class EventExportView(TenantPageView):
    min_role = Role.ANALYST

    def get(self, request, *args, export_format: str, **kwargs):
        filters = _event_filters(request)
        date_range = date_range_for_request(request, zone=current_zone(), aliases=RANGE_ALIASES)
        filters.date_from, filters.date_to = date_range.start, date_range.end
        header, rows = selectors.events_export_rows(self.tenant, filters)
        return export_response(
            export_format, basename=f"conversion-events-{self.tenant.slug}", header=header, rows=rows, sheet_title="Events"
        )


def _delivery_views(event) -> list[dict]:
    views = []
    now = timezone.now()
    for delivery in event.deliveries.all():
        body = delivery_request_body(delivery)
        views.append(
            {
                "delivery": delivery,
                "state": selectors.delivery_state(delivery, now=now),
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


HEALTH = Table(
    "destinations-table",
    [
        Column("name", "Destination"),
        Column("state", "State"),
        Column("breaker", "Circuit breaker", optional=True, hidden=True),
        Column("sent", "Sent", numeric=True),
        Column("retrying", "Retrying", numeric=True, optional=True),
        Column("held", "Held", numeric=True),
        Column("failed", "Failed", numeric=True),
        Column("skipped", "Skipped", numeric=True, optional=True, hidden=True),
        Column("success_rate", "Success rate", numeric=True, help="Sent ÷ (sent + failed for good), every delivery so far"),
        Column("last_error_at", "Last error"),
    ],
    default_sort="name",
    zero_field="total",
)


def _health_rows(health) -> list[dict]:
    rows = []
    for item in health:
        counts = item.counts
        decided = counts[DeliveryStatus.SENT] + counts[DeliveryStatus.DEAD]
        rows.append(
            {
                "item": item,
                "destination": item.destination,
                "name": item.destination.name,
                "state": item.destination.state,
                "breaker": item.breaker_state,
                "sent": counts[DeliveryStatus.SENT],
                "retrying": counts[DeliveryStatus.FAILED],
                "held": item.held,
                "failed": counts[DeliveryStatus.DEAD],
                "skipped": counts[DeliveryStatus.SKIPPED],
                "total": sum(counts.values()),
                "success_rate": round(counts[DeliveryStatus.SENT] * 100 / decided, 1) if decided else None,
                "last_error_at": item.destination.last_error_at if item.has_current_error else None,
                # Resume a destination that isn't sending; replay what failed or is held.
                "needs_action": item.destination.state != DestinationState.ACTIVE or bool(counts[DeliveryStatus.DEAD] or item.held),
            }
        )
    return rows


class HealthView(TenantPageView):
    """Destination health; an htmx poll of the same URL gets the table alone, every few seconds."""

    template_name = "conversions/health.html"
    partial_template = "conversions/partials/health_table.html"

    def get_template_names(self):
        return [self.partial_template] if is_htmx(self.request) else [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        health = selectors.destination_health(self.tenant)
        rows = _health_rows(health)
        can_manage = Role.allows(self.request.role, Role.ADMIN)
        context.update(
            health=health,
            table=HEALTH.bind(self.request, rows),
            can_manage=can_manage,
            # The actions column shows only when a row has an action (an empty pinned column hides figures on a phone).
            show_actions=can_manage and any(row["needs_action"] for row in rows),
            checked_at=timezone.now(),
        )
        if is_htmx(self.request):
            return context
        date_range = date_range_for_request(self.request, zone=current_zone())
        context.update(date_range_context(date_range))
        days, rates = selectors.success_rates(self.tenant, date_range.start, date_range.end)
        labels = [day.isoformat() for day in days]
        context["success_chart"] = Chart(
            id="chart-success",
            title="Delivery success rate per day",
            labels=labels,
            series=[Series(name, values) for name, values in rates.items()],
            kind="line",
            y_format="percent",
        )
        per_day = selectors.delivery_counts_per_day(self.tenant, start=date_range.start, end=date_range.end)
        context["chart_data"] = per_day
        context["deliveries_chart"] = Chart(
            id="chart-deliveries",
            title="Deliveries per day, by where they stand now",
            labels=per_day["labels"],
            series=[Series(label(status, "delivery_status"), values) for status, values in per_day["series"].items()],
            kind="stacked",
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
        return redirect("conversions:destination-list" if request.POST.get("next") == "settings" else "conversions:health")


class DestinationReplayView(_AdminAction):
    def post(self, request, pk: int):
        destination = get_object_or_404(selectors.destinations_for_tenant(self.tenant), pk=pk)
        count = services.deliveries_replay(tenant=self.tenant, destination=destination)
        messages.success(request, f"Replaying {count} failed or held deliveries to {destination.name}.")
        return redirect("conversions:health")


class DeliveryReplayView(_AdminAction):
    def post(self, request, pk: int):
        delivery = get_object_or_404(selectors.replayable_deliveries(self.tenant), pk=pk)
        services.deliveries_replay(tenant=self.tenant, deliveries=[delivery])
        messages.success(request, f"Delivery of {delivery.platform_event_id} to {delivery.platform} queued again.")
        return redirect("conversions:event-detail", pk=delivery.event_id)


# --- Destination settings ------------------------------------------------------------------

DESTINATIONS = Table(
    "destination-settings",
    [
        Column("name", "Destination"),
        Column("platform", "Platform"),
        Column("state", "State"),
        Column("mode", "Mode"),
        Column("last_success_at", "Last sent"),
    ],
    default_sort="name",
)


def _destination(view, pk: int):
    return get_object_or_404(selectors.destinations_for_tenant(view.tenant), pk=pk)


class DestinationListView(TenantPageView):
    """Destinations with their credentials masked, and the event mapping; viewers read, admins edit."""

    template_name = "conversions/destination_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        names, mapping_rows = selectors.event_mapping_table(self.tenant)
        context.update(
            table=DESTINATIONS.bind(self.request, selectors.destinations_for_tenant(self.tenant)),
            can_manage=Role.allows(self.request.role, Role.ADMIN),
            platforms=Platform.values,
            mapping_destinations=[destination for destination, _ in mapping_rows],
            mapping_matrix=[(name, [cells[name] for _, cells in mapping_rows]) for name in names],
        )
        return context


class _DestinationFormView(FormRefusalMixin, TenantPageView):
    min_role = Role.ADMIN
    template_name = "conversions/destination_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "form" not in context:
            context["form"] = self.make_form()
        context.update(platform=self.platform, destination=self.destination)
        return context

    def make_form(self, data=None):
        return DestinationForm(data, platform=self.platform, destination=self.destination)

    def post(self, request, *args, **kwargs):
        self.bound_form = form = self.make_form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        destination = services.destination_save(tenant=self.tenant, data=form.cleaned_data, destination=self.destination, platform=self.platform)
        messages.success(request, f"Saved {destination.name}. Send a test event to check the credentials.")
        return redirect("conversions:destination-edit", pk=destination.pk)


class DestinationCreateView(_DestinationFormView):
    def dispatch(self, request, *args, **kwargs):
        self.destination = None
        self.platform = request.GET.get("platform") or request.POST.get("platform") or ""
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.platform not in Platform.values:
            if self.platform:
                raise InvalidQuery({"platform": [f"Pick one of: {', '.join(Platform.values)}."]})
            return self.render_to_response(self.get_context_data(form=None, choose_platform=True, platforms=Platform.values))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.platform not in Platform.values:
            raise InvalidQuery({"platform": [f"Pick one of: {', '.join(Platform.values)}."]})
        return super().post(request, *args, **kwargs)

    def handle_application_error(self, exc):
        if self.platform not in Platform.values:  # no form to show the error on
            return TenantRequiredMixin.handle_application_error(self, exc)
        return super().handle_application_error(exc)


class DestinationEditView(_DestinationFormView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and getattr(request, "tenant", None) is not None:
            self.destination = _destination(self, kwargs["pk"])
            self.platform = self.destination.platform
        return super().dispatch(request, *args, **kwargs)

    def required_role(self, request) -> str:
        # Viewers may read a destination's settings (secrets stay masked); only admins save.
        return Role.VIEWER if request.method in ("GET", "HEAD") else Role.ADMIN

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = Role.allows(self.request.role, Role.ADMIN)
        return context


class DestinationPauseView(_AdminAction):
    def post(self, request, pk: int):
        destination = _destination(self, pk)
        waiting = services.destination_pause(destination=destination)
        messages.success(request, f"{destination.name} is paused; {waiting} open deliveries wait until it is resumed.")
        return redirect("conversions:destination-list" if request.POST.get("next") == "settings" else "conversions:health")


class DestinationDeleteView(_AdminAction):
    def post(self, request, pk: int):
        destination = _destination(self, pk)
        count = services.destination_delete(destination=destination)
        messages.success(request, f"Deleted {destination.name} and its {count} deliveries; the events stay.")
        return redirect("conversions:destination-list")


class DestinationTestView(_AdminAction):
    """Sends one test event and shows the platform's answer (an htmx fragment, or the edit page)."""

    def post(self, request, pk: int):
        destination = _destination(self, pk)
        answer = services.destination_test_send(destination=destination)
        context = {"answer": answer, "destination": destination, "answer_json": _pretty(answer.get("body")), "request_json": _pretty(answer.get("requestBody"))}
        if is_htmx(request):
            return render(request, "conversions/partials/test_answer.html", context)
        # Without htmx: the answer as a message on the destination's page.
        if answer.get("skipped"):
            messages.warning(request, f"Test event not sent: {answer['reason']}")
        else:
            report = messages.success if answer["ok"] else messages.error
            report(request, f"Test event {answer['event_id']}: HTTP {answer['status']} {answer['body'][:500]}")
        return redirect("conversions:destination-edit", pk=pk)


def _pretty(text: str | None) -> str:
    if not text:
        return ""
    try:
        return json.dumps(json.loads(text), indent=2)
    except ValueError:
        return text
