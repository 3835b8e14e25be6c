"""Forms of the TikTok Shop pages: they validate input; the services decide and write."""

from __future__ import annotations

from django import forms

from shop_sync.brands import BRAND_MAX_LENGTH


class BrandRuleForm(forms.Form):
    name = forms.CharField(
        max_length=BRAND_MAX_LENGTH, strip=True, label="Brand", widget=forms.TextInput(attrs={"placeholder": "as it should read, e.g. Skintific"})
    )
    keywords = forms.CharField(
        required=False,
        max_length=1000,
        label="Other spellings",
        widget=forms.TextInput(attrs={"placeholder": "comma-separated, e.g. SKNTFC, Skin tific"}),
        help_text="Other spellings in product names, comma-separated (e.g. “SKNTFC, Skin tific”). Whole words, any case.",
    )
    is_active = forms.BooleanField(required=False, initial=True, label="Active")

    def clean_keywords(self) -> list[str]:
        return [word.strip() for word in self.cleaned_data["keywords"].split(",") if word.strip()]


class BrandSuggestionForm(forms.Form):
    name = forms.CharField(max_length=BRAND_MAX_LENGTH, strip=True)
