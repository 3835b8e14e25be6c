"""End to end against the sandbox: an advertiser subscribed through the product's service, then the
emulator's control route creates leads and delivers them, signed, at least once (every callback
twice here) to the product's webhook: each lead is stored once, with its event."""

from __future__ import annotations

import requests
import responses
from django.test import TestCase

from conversions.models import Event
from tests.tiktok_ads.helpers import connect_business
from tiktok_ads.models import Advertiser, Lead, LeadSubscription
from tiktok_ads.services import lead_subscription_ensure

CALLBACK = "https://product.example.com/tiktok/webhook"
SIGNATURE_HEADERS = ("tiktok-signature", "x-tiktok-signature")


def test_sandbox_callbacks_are_stored_once(sandbox, settings, tenant_a, client):
    settings.TIKTOK_LEAD_CALLBACK_URL = CALLBACK
    answers = []

    def forward(request):
        headers = {name: value for name, value in request.headers.items() if name.lower() in SIGNATURE_HEADERS}
        with TestCase.captureOnCommitCallbacks(execute=True):  # the hand-off to conversions (eager)
            response = client.post("/tiktok/webhook", data=request.body, content_type="application/json", headers=headers)
        answers.append(response.json())
        return response.status_code, {}, response.content

    sandbox.mock.add_callback(responses.POST, CALLBACK, callback=forward)
    connect_business(tenant_a)
    advertiser = Advertiser.objects.for_tenant(tenant_a).order_by("advertiser_id").first()
    subscription = lead_subscription_ensure(advertiser=advertiser)
    sandbox.set_options("tiktok-business", duplicate_rate=1)

    created = requests.post(
        f"{settings.SANDBOX_BASE_URL}/_control/tiktok-business/leads",
        json={"advertiser_id": advertiser.advertiser_id, "count": 3, "fields": {"name": "Aigerim S.", "phone_number": "+77011234567"}},
        timeout=30,
    ).json()["leads"]

    assert LeadSubscription.objects.for_tenant(tenant_a).get() == subscription
    assert len(answers) == 6 and sum(a["stored"] for a in answers) == 3 and sum(a["duplicates"] for a in answers) == 3
    sent = sorted(lead["lead_id"] for lead in created)
    assert sorted(Lead.objects.for_tenant(tenant_a).values_list("lead_id", flat=True)) == sent
    assert sorted(Event.objects.for_tenant(tenant_a).values_list("event_id", flat=True)) == [f"tiktok-lead-{lead_id}" for lead_id in sent]
    assert set(Lead.objects.for_tenant(tenant_a).values_list("phone", "name")) == {("+77011234567", "Aigerim S.")}
