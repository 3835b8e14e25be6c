"""Forms of the platform's pages: they validate input; the services decide and write."""

from __future__ import annotations

from django import forms

from core.exceptions import ApplicationError
from core.models import Role, SyncState

API_KEY_ROLES = [(Role.VIEWER, "Viewer"), (Role.ANALYST, "Analyst"), (Role.ADMIN, "Admin")]


def form_add_application_error(form: forms.Form, exc: ApplicationError) -> None:
    """Show a service's refusal on the form: per-field messages from ``extra["fields"]`` next to
    their fields, anything else as a form-wide error."""
    fields = exc.extra.get("fields") or {}
    placed = False
    for name, errors in fields.items():
        if name in form.fields:
            form.add_error(name, errors)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


class _FilterForm(forms.Form):
    """GET filters: an empty value means "all"; choices are what the tenant actually has."""

    def __init__(self, data=None, *, choices: dict[str, list] | None = None):
        super().__init__(data)
        for name, values in (choices or {}).items():
            # A value alone, or (value, the words the page shows for it).
            self.fields[name].choices = [("", "All")] + [value if isinstance(value, tuple) else (value, value) for value in values]

    def cleaned_filters(self) -> dict[str, str | None]:
        if not self.is_valid():
            return {name: None for name in self.fields}
        return {name: value or None for name, value in self.cleaned_data.items()}


class SyncRunFilterForm(_FilterForm):
    kind = forms.ChoiceField(required=False, choices=[("", "All")], label="Sync")
    state = forms.ChoiceField(required=False, choices=[("", "All"), *SyncState.choices], label="Status")


class ApiCallFilterForm(_FilterForm):
    provider = forms.ChoiceField(required=False, choices=[("", "All")], label="Platform")
    outcome = forms.ChoiceField(required=False, choices=[("", "All")])
    correlation_id = forms.CharField(required=False, max_length=64, label="Correlation id", widget=forms.TextInput(attrs={"placeholder": "Paste an id", "autocomplete": "off"}))


class ApiKeyCreateForm(forms.Form):
    name = forms.CharField(max_length=100, strip=True, help_text="Who or what uses it, e.g. “BI warehouse”.")
    role = forms.ChoiceField(choices=API_KEY_ROLES, initial=Role.ANALYST)


class MemberAddForm(forms.Form):
    user = forms.CharField(label="Username or email", max_length=254, strip=True)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class ScheduleForm(forms.Form):
    """One job's choice; the service checks the key and that the frequency is one it offers."""

    key = forms.CharField(max_length=100)
    enabled = forms.TypedChoiceField(choices=[("1", "On"), ("0", "Off")], coerce=lambda value: value == "1", label="Runs")
    every_minutes = forms.TypedChoiceField(choices=[], coerce=int, label="Every", required=False)

    def __init__(self, data=None, *, frequencies=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["every_minutes"].choices = [(str(minutes), str(minutes)) for minutes in frequencies]
