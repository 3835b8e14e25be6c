"""Forms of the alert and notification pages: validation only; services save."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from autopilot.models import AlertKind, AlertRule, Comparison, Kpi, NotificationSettings
from autopilot.services.alerts import RULE_FIELDS
from core.fields import mask_secret

KPI_KINDS = (AlertKind.KPI_THRESHOLD, AlertKind.KPI_CHANGE)
# The fields each kind uses (the page shows only these; the others keep their defaults).
KIND_FIELDS = {
    "kpi": KPI_KINDS,
    "comparison": KPI_KINDS,
    "threshold": KPI_KINDS,
    "window_days": (*KPI_KINDS, AlertKind.SYNC_FAILING),
    "slow_days": (AlertKind.SLOW_MOVERS,),
}


class AlertRuleForm(forms.ModelForm):
    class Meta:
        model = AlertRule
        fields = list(RULE_FIELDS)
        labels = {
            "kpi": "KPI",
            "threshold": "Threshold (or % change)",
            "window_days": "Period (days)",
            "slow_days": "No sales for (days)",
            "notify_telegram": "Send to Telegram",
            "notify_email": "Send by email",
            "quiet_minutes": "Quiet period (minutes)",
            "digest": "Only in the daily digest",
            "is_active": "Active",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = AlertKind.choices  # no blank: the first kind is preselected
        self.fields["kpi"].choices = [("", "—"), *Kpi.choices]
        self.fields["comparison"].choices = Comparison.choices
        for name, kinds in KIND_FIELDS.items():
            self.fields[name].widget.attrs["data-kinds"] = " ".join(kinds)
        self.fields["kind"].widget.attrs["data-kind-select"] = "1"

    def clean_window_days(self):
        value = self.cleaned_data["window_days"]
        if not 1 <= value <= 90:
            raise ValidationError("Pick a period of 1 to 90 days.")
        return value

    def clean_slow_days(self):
        value = self.cleaned_data["slow_days"]
        if not 1 <= value <= 365:
            raise ValidationError("Pick 1 to 365 days.")
        return value

    def clean_quiet_minutes(self):
        value = self.cleaned_data["quiet_minutes"]
        if not 5 <= value <= 10080:
            raise ValidationError("Pick 5 minutes to 7 days (10080 minutes).")
        return value

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in KPI_KINDS:
            if not data.get("kpi"):
                self.add_error("kpi", "Pick the KPI this rule watches.")
            threshold = data.get("threshold")
            if threshold is None:
                self.add_error(
                    "threshold", "Give the threshold." if kind == AlertKind.KPI_THRESHOLD else "Give the % change that fires it."
                )
            elif threshold < 0 or (kind == AlertKind.KPI_CHANGE and not Decimal(0) < threshold <= 1000):
                self.add_error(
                    "threshold", "Give a positive number." if kind == AlertKind.KPI_THRESHOLD else "Give a % change between 0 and 1000."
                )
        else:
            data["kpi"] = ""
            data["threshold"] = None
        if not data.get("notify_telegram") and not data.get("notify_email"):
            self.add_error("notify_telegram", "Send it somewhere: Telegram, email or both.")
        return data


def emails_parse(raw: str) -> list[str]:
    """Addresses separated by commas, spaces or lines; ``ValidationError`` naming the bad ones."""
    addresses = [part.strip() for part in raw.replace(",", " ").replace(";", " ").split() if part.strip()]
    bad = []
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            bad.append(address)
    if bad:
        raise ValidationError(f"Not an email address: {', '.join(bad)}.")
    if len(addresses) > 20:
        raise ValidationError("At most 20 addresses.")
    return list(dict.fromkeys(address.lower() for address in addresses))


class NotificationSettingsForm(forms.Form):
    telegram_bot_token = forms.CharField(
        label="Telegram bot token", required=False, widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"})
    )
    clear_bot_token = forms.BooleanField(label="Remove the stored bot token", required=False)
    telegram_chat_id = forms.CharField(
        label="Telegram chat id", required=False, max_length=64, help_text="A number (groups start with -100) or @channelname."
    )
    emails = forms.CharField(
        label="Email addresses", required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="Separated by commas or lines."
    )
    digest_hour = forms.IntegerField(
        label="Daily digest hour", min_value=0, max_value=23, help_text="Local hour in the workspace's time zone."
    )

    def __init__(self, *args, current: NotificationSettings | None = None, **kwargs):
        if current is not None and not args and "initial" not in kwargs:
            kwargs["initial"] = {
                "telegram_chat_id": current.telegram_chat_id,
                "emails": ", ".join(current.emails or []),
                "digest_hour": current.digest_hour,
            }
        kwargs.setdefault("initial", {"digest_hour": 9})
        super().__init__(*args, **kwargs)
        stored = current.telegram_bot_token if current is not None else ""
        self.fields["telegram_bot_token"].help_text = (
            f"Stored: {mask_secret(stored)}. Leave blank to keep it." if stored else "From @BotFather. Encrypted, never shown again."
        )

    def clean_telegram_bot_token(self):
        token = self.cleaned_data["telegram_bot_token"].strip()
        if token and (":" not in token or not token.split(":", 1)[0].isdigit()):
            raise ValidationError("A bot token looks like 123456789:AA… (from @BotFather).")
        return token

    def clean_telegram_chat_id(self):
        chat = self.cleaned_data["telegram_chat_id"].strip()
        if chat and not (chat.lstrip("-").isdigit() or (chat.startswith("@") and len(chat) > 1)):
            raise ValidationError("A chat id is a number (e.g. -1001234567890) or @channelname.")
        return chat

    def clean_emails(self):
        return emails_parse(self.cleaned_data["emails"])
