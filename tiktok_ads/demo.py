"""Demo data: connect the demo tenant's advertisers without a browser.

The connection goes through the same services as the Connect button and the callback
(``business_oauth_start`` for the state, ``business_oauth_complete`` with an auth code), with a
code handed over by whatever serves the Business API during ``manage.py demo`` (the sandbox's
demo account when it is enabled). Without a code nothing is connected: advertisers are connected
from the Advertisers page.
"""

from __future__ import annotations

import json
import logging
import shutil
import struct
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from django.conf import settings

from core.tenancy import tenant_scope
from tiktok_ads import selectors
from tiktok_ads.models import Advertiser, LaunchKind, Platform
from tiktok_ads.services import (
    action_execute,
    ad_account_create,
    business_oauth_complete,
    business_oauth_start,
    creative_update_locked,
    direction_create,
    instant_pages_for,
    launch_run,
    launch_start,
    lead_events_handoff,
    lead_payload_parse,
    leads_store,
    upload_append,
    upload_create,
    upload_send,
)

logger = logging.getLogger(__name__)

DEMO_TENANT_SLUG = "demo"


def demo_connect(tenant, *, auth_code: Callable[[], str | None] | None = None) -> bool:
    """Connect ``tenant`` (the demo tenant only) once, with the code ``auth_code()`` returns;
    True when it connected now. The code is asked for only when a connection is made."""
    if tenant.slug != DEMO_TENANT_SLUG or Advertiser.objects.for_tenant(tenant).exists():
        return False
    code = auth_code() if auth_code is not None else None
    if not code:
        logger.info(
            "No demo authorization for the Business API at %s: connect advertisers from the Advertisers page.",
            settings.TIKTOK_BUSINESS_API_BASE,
        )
        return False
    with tenant_scope(tenant):
        state = parse_qs(urlsplit(business_oauth_start(tenant=tenant)).query)["state"][0]
        business_oauth_complete(tenant=tenant, state=state, auth_code=code)
    return True


# --- Ads management: an ad account with directions, a creative, a launch, leads, an action ----

DEMO_AD_ACCOUNT = "Almaty English School"
DEMO_LEADS = (
    ("Aigerim S.", "+77011234567", "aigerim@example.com"),
    ("Daniyar K.", "+77017654321", "daniyar@example.com"),
    ("Madina T.", "+77019876543", "madina@example.com"),
    ("Yerlan B.", "+77015550123", "yerlan@example.com"),
)


def _demo_video(directory: Path) -> Path:
    """A 3-second clip with a tone (ffmpeg, when installed, so it can be transcribed), else a
    minimal MP4 whose header says its size and length."""
    path = directory / "trial-lesson.mp4"
    ffmpeg = shutil.which(settings.FFMPEG_BINARY)
    if ffmpeg:
        command = [ffmpeg, "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=3:size=360x640:rate=15"]
        command += ["-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-shortest", "-pix_fmt", "yuv420p", str(path)]
        if subprocess.run(command, check=False, timeout=60).returncode == 0:
            return path

    def box(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", 8 + len(payload)) + kind + payload

    ftyp = box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41")
    path.write_bytes(ftyp + box(b"mdat", bytes(range(256)) * 64))
    return path


def demo_ads_management(tenant, *, auth_code: Callable[[], str | None] | None = None) -> bool:
    """The demo tenant's lead-generation client: connect the Business API's KZT account, then an
    ad account with an Instagram + TikTok direction and a TikTok traffic one, a video uploaded to
    TikTok, a launch (campaign → ad group → ad), four leads handed to conversions and an audited
    action, all through the services the pages and the API use. Once per tenant; True when seeded now."""
    if tenant.slug != DEMO_TENANT_SLUG or selectors.ad_account_by_name(tenant, DEMO_AD_ACCOUNT) is not None:
        return False
    code = auth_code() if auth_code is not None else None
    if not code:
        return False
    with tenant_scope(tenant):
        state = parse_qs(urlsplit(business_oauth_start(tenant=tenant)).query)["state"][0]
        connection = business_oauth_complete(tenant=tenant, state=state, auth_code=code)
        advertiser = selectors.advertisers_of_connection(connection)[0]
        account = ad_account_create(
            tenant=tenant, data={"name": DEMO_AD_ACCOUNT, "tiktok_business_id": advertiser.advertiser_id}, actor="demo"
        )
        form = next(page for page in instant_pages_for(tenant, ad_account_id=str(account.pk)) if page.get("status") == "PUBLISHED")
        created = direction_create(
            tenant=tenant,
            actor="demo",
            data={
                "ad_account_id": account.pk,
                "name": "Trial lessons",
                "platform": "both",
                "tiktok_objective": "lead_generation",
                "tiktok_daily_budget": "5000",
                "tiktok_target_cpl_kzt": "1500",
                "tiktok_adgroup_mode": "create_new",
                "tiktok_page_id": form["page_id"],
                "default_settings": {"age_groups": ["AGE_18_24", "AGE_25_34"], "location": "KZ"},
            },
        )
        trial = next(direction for direction in created if direction.platform == Platform.TIKTOK)
        direction_create(
            tenant=tenant,
            actor="demo",
            data={
                "ad_account_id": account.pk,
                "name": "Summer intensive",
                "platform": "tiktok",
                "tiktok_objective": "traffic",
                "tiktok_daily_budget": "3000",
                "tiktok_adgroup_mode": "use_existing",
            },
        )
        with tempfile.TemporaryDirectory() as directory:
            video = _demo_video(Path(directory))
            upload = upload_create(
                tenant=tenant,
                size=video.stat().st_size,
                filename=video.name,
                ad_account_id=account.pk,
                title="Trial lesson teaser",
                direction_id=trial.pk,
                created_by="demo",
            )
            with video.open("rb") as stream:
                upload = upload_append(upload=upload, offset=0, stream=stream, length=video.stat().st_size)
            upload_send(upload=upload)
        creative = selectors.creative_of_upload(upload)
        creative = creative_update_locked(creative=creative, ad_text="Book a free trial English lesson")
        launch = launch_start(
            tenant=tenant,
            kind=LaunchKind.MANUAL,
            ad_account=account,
            direction=trial,
            params={"creative_ids": [creative.pk], "daily_budget": "5000", "objective": "lead_generation"},
            idempotency_key="demo-trial-lessons-1",
            requested_by="demo",
        )
        launch = launch_run(tenant_id=tenant.pk, launch_id=launch.pk) or launch
        _demo_leads(tenant, advertiser, launch)
        campaign_id = (launch.result or {}).get("campaign_id")
        if campaign_id:
            params = {"ad_account_id": account.pk, "campaign_id": campaign_id}
            action_execute(tenant=tenant, action="TikTok.GetCampaignStatus", params=params, request_id="demo-status-1", actor="demo")
    return True


def _demo_leads(tenant, advertiser, launch) -> None:
    """Leads as the platform's callbacks carry them, through the webhook's own parsing and storage."""
    result = launch.result or {}
    now = int(time.time())
    entries = [
        {
            "id": f"75{tenant.pk:04d}{index:013d}",
            "lead_source": "INSTANT_FORM",
            "advertiser_id": advertiser.advertiser_id,
            "campaign_id": str(result.get("campaign_id", "")),
            "adgroup_id": str(result.get("adgroup_id", "")),
            "ad_id": str((result.get("ad_ids") or [""])[0]),
            "create_time": now - 3600 * (index + 1),
            "changes": [{"field": "name", "value": name}, {"field": "phone_number", "value": phone}, {"field": "email", "value": email}],
        }
        for index, (name, phone, email) in enumerate(DEMO_LEADS)
    ]
    _payload, parsed = lead_payload_parse(json.dumps({"object": 1, "time": now, "entry": entries}).encode())
    leads_store(tenant=tenant, items=[(entry, advertiser.pk) for entry in parsed])
    lead_events_handoff(tenant=tenant)
