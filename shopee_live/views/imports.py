"""CSV import of historical sessions: ``/live/sessions/import/`` (pick studio and account, upload)
→ ``/live/sessions/import/<pk>/`` (the preview: counts, per-row errors; "Confirm import" writes).
Nothing is written before the confirmation; a confirmed import can't be confirmed again."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import TemplateView

from core.models import Role
from core.tables import Column, Table
from core.web import FormRefusalMixin, TenantRequiredMixin
from shopee_live import selectors, services
from shopee_live.models import SessionImport
from shopee_live.services.imports import COLUMNS, IMPORT_MAX_ROWS, size_text

# What the upload page documents, column by column.
COLUMN_NOTES = {
    "session_id": "Required. Shopee's session id: a re-import updates the session, never duplicates it.",
    "session_name": "The session's title.",
    "started_at": "Required. 2025-11-01 19:00 or 2025-11-01T12:00:00Z; without an offset, in the account's time zone.",
    "ended_at": "Optional, same format, not before started_at.",
    "streamer_name": "The host, matched by name in the studio (added if new).",
    "streamer_id": "The host's id, when known.",
    "viewers": "Unique viewers, a whole number.",
    "peak_viewers": "A whole number.",
    "orders": "A whole number.",
    "revenue": "In the account's currency, '.' as the decimal point, no thousands separators.",
    "likes": "A whole number.",
    "comments": "A whole number.",
    "shares": "A whole number.",
    "campaign_spent": "In the account's currency.",
}


class SessionImportForm(forms.Form):
    studio = forms.ModelChoiceField(queryset=None, empty_label=None)
    account = forms.ModelChoiceField(queryset=None, empty_label=None, label="Shopee account")
    file = forms.FileField(
        label="CSV file",
        help_text=f"UTF-8, comma-separated, a header row; up to {size_text(services.IMPORT_MAX_BYTES)} and {IMPORT_MAX_ROWS:,} sessions.",
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["studio"].queryset = selectors.studios_for_tenant(tenant)
        self.fields["account"].queryset = selectors.accounts_for_tenant(tenant)
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv"


class SessionImportView(FormRefusalMixin, TenantRequiredMixin, TemplateView):
    template_name = "shopee_live/session_import.html"
    min_role = Role.ANALYST

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", SessionImportForm(tenant=self.tenant))
        context.update(
            columns=[(column, names[1:], COLUMN_NOTES[column]) for column, names in COLUMNS.items()],
            recent=SessionImport.objects.for_tenant(self.tenant).select_related("account")[:10],
            has_accounts=selectors.accounts_for_tenant(self.tenant).exists(),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = SessionImportForm(request.POST, request.FILES, tenant=self.tenant)
        self.bound_form = form
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        data = form.cleaned_data
        preview = services.session_import_preview(self.tenant, request.user, data["studio"], data["account"], data["file"])
        return redirect("shopee_live:session-import-detail", pk=preview.pk)


PREVIEW_TABLE = Table(
    "import-rows",
    [
        Column("line", "Line", numeric=True),
        Column("session_id", "Session ID"),
        Column("session_name", "Session"),
        Column("started_at", "Started"),
        Column("viewers", "Viewers", numeric=True),
        Column("orders", "Orders", numeric=True),
        Column("revenue", "Revenue", numeric=True, sort=None),
        Column("action", "Will be"),
    ],
    default_sort="line",
    per_page=100,
)


class SessionImportDetailView(TenantRequiredMixin, TemplateView):
    """GET: the preview (or the result). POST: confirm."""

    template_name = "shopee_live/session_import_detail.html"
    min_role = Role.ANALYST
    error_redirect = None

    def get_import(self, pk: int) -> SessionImport:
        try:
            return SessionImport.objects.for_tenant(self.tenant).select_related("studio", "account").get(pk=pk)
        except SessionImport.DoesNotExist:
            raise Http404("No such import.") from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        session_import = self.get_import(kwargs["pk"])
        errors_by_line: dict[int, list[str]] = {}
        for error in session_import.errors:
            errors_by_line.setdefault(error["line"], []).append(error["message"])
        rows = [
            {
                **row,
                "messages": errors_by_line.get(row["line"], []),
                "started": datetime.fromisoformat(row["started_at"]) if row.get("started_at") else None,
            }
            for row in session_import.rows
        ]
        only_errors = self.request.GET.get("errors") == "1"
        if only_errors:
            rows = [row for row in rows if row["messages"]]
        context.update(
            session_import=session_import,
            account=session_import.account,
            counts=services.session_import_counts(session_import),
            table=PREVIEW_TABLE.bind(self.request, rows),
            only_errors=only_errors,
        )
        return context

    def post(self, request, *args, **kwargs):
        session_import = self.get_import(kwargs["pk"])
        done = services.session_import_confirm(self.tenant, session_import)
        messages.success(request, f"Imported {done.created_count} new and updated {done.updated_count} sessions from {done.filename}.")
        return redirect("shopee_live:session-import-detail", pk=done.pk)

    def handle_application_error(self, exc):
        if self.request.method == "POST":
            messages.error(self.request, exc.message)
            response = self.render_to_response(self.get_context_data(pk=self.kwargs["pk"]), status=exc.status)
            return response
        return super().handle_application_error(exc)
