"""The destination settings form, one shape per platform: what that platform needs, secrets
write-only (shown masked, blank keeps the stored one), and the destination's event mapping."""

from __future__ import annotations

import re

from django import forms

from conversions import mapping
from conversions.models import Destination, DestinationMode, Platform
from conversions.services import PLATFORM_FIELDS, SECRET_FIELDS
from core.fields import mask_secret

LABELS = {
    Platform.TIKTOK: {"pixel_id": "Pixel code", "access_token": "Events API access token"},
    Platform.META: {"pixel_id": "Pixel (dataset) id", "access_token": "Conversions API access token"},
    Platform.GOOGLE_ADS: {
        "customer_id": "Customer id",
        "login_customer_id": "Manager account id",
        "conversion_action_id": "Conversion action id",
        "developer_token": "Developer token",
        "oauth_client_id": "OAuth client id",
        "oauth_client_secret": "OAuth client secret",
        "refresh_token": "OAuth refresh token",
    },
}
HELP = {
    "pixel_id": "TikTok Ads Manager → Tools → Events → your pixel → Settings.",
    "customer_id": "10 digits, without dashes.",
    "login_customer_id": "Only when the account is reached through a manager account.",
    "conversion_action_id": "The conversion action events go to unless the mapping names another.",
}
REQUIRED = {
    Platform.TIKTOK: ("pixel_id", "access_token"),
    Platform.META: ("pixel_id", "access_token"),
    Platform.GOOGLE_ADS: ("customer_id", "conversion_action_id", "developer_token", "oauth_client_id", "oauth_client_secret", "refresh_token"),
}
MAPPING_PREFIX = "map_"


class DestinationForm(forms.Form):
    name = forms.CharField(max_length=100, strip=True)
    mode = forms.ChoiceField(choices=DestinationMode.choices, initial=DestinationMode.LIVE, help_text="Mock: events are marked skipped, nothing is sent.")
    test_event_code = forms.CharField(max_length=64, required=False, help_text="Sent with every event while set: the platform shows them as test events only.")
    phone_country_code = forms.CharField(max_length=4, required=False, label="Default calling code", help_text="For phones without one, e.g. 62; empty: the workspace default.")
    batch_size = forms.IntegerField(
        required=False, min_value=1, max_value=2000, widget=forms.TextInput(attrs={"inputmode": "numeric"}), help_text="Events per request; empty: the platform's default."
    )

    def __init__(self, *args, platform: str, destination: Destination | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.platform = platform
        self.destination = destination
        for name in PLATFORM_FIELDS[platform]:
            model_field = Destination._meta.get_field(name)
            field = forms.CharField(max_length=model_field.max_length or 4000, required=False, strip=True, label=LABELS[platform][name], help_text=HELP.get(name, ""))
            if name in SECRET_FIELDS:
                stored = getattr(destination, name, "") if destination else ""
                field.widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"})
                field.help_text = f"Stored: {mask_secret(stored)}. Leave blank to keep it." if stored else "Write-only: it is encrypted and never shown again."
            self.fields[name] = field
        defaults = mapping.mapping_for(platform)
        # The destination's own keys too (a custom canonical event), so saving keeps them.
        for event_name in {**defaults, **(destination.event_mapping if destination else {})}:
            default = defaults.get(event_name)
            target = "the conversion action above" if default == mapping.DEFAULT_ACTION else (default or "not sent")
            self.fields[MAPPING_PREFIX + event_name] = forms.CharField(
                max_length=100, required=False, label=event_name, help_text=f"Empty: {target}. “-” sends nothing."
            )
        if destination is not None and not self.is_bound:
            for name in ("name", "mode", "test_event_code", "phone_country_code", "batch_size", *PLATFORM_FIELDS[platform]):
                if name not in SECRET_FIELDS:
                    self.initial[name] = getattr(destination, name)
            for event_name, target in (destination.event_mapping or {}).items():
                self.initial[MAPPING_PREFIX + event_name] = target if target else "-"

    @property
    def credential_fields(self):
        return [self[name] for name in PLATFORM_FIELDS[self.platform]]

    @property
    def settings_fields(self):
        return [self[name] for name in ("name", "mode", "test_event_code", "phone_country_code", "batch_size")]

    @property
    def mapping_fields(self):
        return [self[name] for name in self.fields if name.startswith(MAPPING_PREFIX)]

    def clean(self):
        cleaned = super().clean()
        for name in REQUIRED[self.platform]:
            stored = getattr(self.destination, name, "") if self.destination else ""
            if not cleaned.get(name) and not (name in SECRET_FIELDS and stored):
                self.add_error(name, "Required for this platform.")
        for name in ("customer_id", "login_customer_id"):
            value = (cleaned.get(name) or "").replace("-", "")
            if name in cleaned:
                if value and not re.fullmatch(r"\d{10}", value):
                    self.add_error(name, "Enter the 10-digit id, e.g. 123-456-7890.")
                cleaned[name] = value
        code = cleaned.get("phone_country_code") or ""
        if code and not re.fullmatch(r"\+?\d{1,3}", code):
            self.add_error("phone_country_code", "Enter a calling code of 1 to 3 digits, e.g. 62.")
        cleaned["phone_country_code"] = code.lstrip("+")
        cleaned["event_mapping"] = {
            name.removeprefix(MAPPING_PREFIX): ("" if value.strip() == "-" else value.strip())
            for name, value in cleaned.items()
            if name.startswith(MAPPING_PREFIX) and value and value.strip()
        }
        return cleaned
