"""Creatives API and the tus upload protocol; the transfer's retries and idempotency; optimistic
locking; transcription (real ffmpeg on tiny generated videos)."""

from __future__ import annotations

import base64
import hashlib
import uuid

import pytest

from core.http import Upstream5xx
from core.models import Role
from tests.tiktok_ads.factories import make_advertiser
from tiktok_ads import services
from tiktok_ads.models import AdAccount, Creative, Direction, Platform, UploadState, VideoUpload
from tiktok_ads.services.video_uploads import upload_path

pytestmark = pytest.mark.django_db

TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}
UPLOADS = "/api/creatives/uploads/"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.fixture(autouse=True)
def _upload_dir(settings, tmp_path):
    settings.VIDEO_UPLOAD_DIR = str(tmp_path / "uploads")


@pytest.fixture
def account(tenant_a):
    return AdAccount.objects.create(tenant=tenant_a, name="Main", advertiser=make_advertiser(tenant_a))


@pytest.fixture
def tiktok_direction(tenant_a, account):
    return Direction.objects.create(tenant=tenant_a, ad_account=account, name="Leads KZ", platform=Platform.TIKTOK)


@pytest.fixture
def api(api_client_for, tenant_a):
    return api_client_for(tenant_a, Role.ADMIN)


class FakeBusinessApi:
    """Stands in for the wire client: fails ``failures`` times with ``error``, then answers."""

    def __init__(self, failures=0, error=None):
        self.failures = failures
        self.error = error
        self.calls = []

    def video_upload_file(self, advertiser_id, path, *, file_name, timeout, on_progress=None):
        self.calls.append({"advertiser_id": advertiser_id, "path": path, "file_name": file_name, "timeout": timeout})
        if len(self.calls) <= self.failures:
            raise self.error
        digest = hashlib.md5(path.read_bytes()).hexdigest()  # noqa: S324 (the platform's signature)
        return {"video_id": "v10033g5test", "signature": digest, "size": path.stat().st_size}


def create_upload(api, account, size, **metadata):
    meta = ",".join(f"{key} {b64(str(value))}" for key, value in {"filename": "clip.mp4", "ad_account_id": account.pk, **metadata}.items())
    return api.post(UPLOADS, HTTP_UPLOAD_LENGTH=str(size), HTTP_UPLOAD_METADATA=meta, **TUS)


def patch(api, location, offset, data):
    return api.generic("PATCH", location, data, content_type="application/offset+octet-stream", HTTP_UPLOAD_OFFSET=str(offset), **TUS)


# --- creatives API ---


def test_tiktok_direction_refuses_image_and_carousel(api, account, tiktok_direction):
    for media_type in ("image", "carousel"):
        response = api.post(
            "/api/creatives/",
            {"ad_account_id": account.pk, "direction_id": tiktok_direction.pk, "title": "Banner", "media_type": media_type},
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "tiktok_video_only"
        assert response.json()["error"]["message"].startswith("TikTok runs video creatives only")
    assert Creative.all_tenants.count() == 0


def test_video_with_tiktok_video_id_is_reused_and_ready(api, account, tiktok_direction):
    response = api.post(
        "/api/creatives/",
        {"ad_account_id": account.pk, "direction_id": tiktok_direction.pk, "title": "Known", "tiktok_video_id": "v10033g5abc"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["tiktok_video_id"], body["status"], body["media_type"], body["transcription_status"]) == (
        "v10033g5abc",
        "ready",
        "video",
        "skipped",
    )
    assert api.get(f"/api/creatives/{body['id']}/").json()["title"] == "Known"


def test_media_url_is_accepted_and_image_runs_elsewhere(api, account, tenant_a):
    facebook = Direction.objects.create(tenant=tenant_a, ad_account=account, name="FB", platform=Platform.FACEBOOK)
    by_url = api.post(
        "/api/creatives/", {"ad_account_id": account.pk, "title": "By URL", "media_url": "https://cdn.example.com/v.mp4"}, format="json"
    )
    image = api.post(
        "/api/creatives/", {"ad_account_id": account.pk, "direction_id": facebook.pk, "title": "Img", "media_type": "image"}, format="json"
    )
    assert (by_url.status_code, by_url.json()["status"], by_url.json()["media_url"]) == (201, "ready", "https://cdn.example.com/v.mp4")
    assert image.status_code == 201
    assert [row["title"] for row in api.get("/api/creatives/").json()["results"]] == ["Img", "By URL"]


def test_other_tenants_account_and_creative_are_not_found(api, api_client_for, tenant_b, account):
    other = AdAccount.objects.create(tenant=tenant_b, name="Theirs")
    response = api.post("/api/creatives/", {"ad_account_id": other.pk, "title": "x"}, format="json")
    assert (response.status_code, response.json()["error"]["code"]) == (400, "invalid_ad_account_id")
    creative = services.creative_create(tenant=account.tenant, ad_account_id=account.pk, title="Mine", tiktok_video_id="v1")
    assert api_client_for(tenant_b).get(f"/api/creatives/{creative.pk}/").status_code == 404


# --- tus protocol ---


def test_tus_upload_in_chunks_then_sent_once(api, account, monkeypatch, django_capture_on_commit_callbacks):
    fake = FakeBusinessApi()
    monkeypatch.setattr("tiktok_ads.services.video_uploads.BusinessApiClient.for_advertiser", lambda advertiser: fake)
    monkeypatch.setattr("tiktok_ads.tasks.services.creative_transcribe", lambda **kwargs: "done")
    data = bytes(range(256)) * 40  # 10,240 bytes
    options = api.options(UPLOADS)
    assert (options.status_code, options["Tus-Version"], options["Tus-Extension"]) == (204, "1.0.0", "creation")

    created = create_upload(api, account, len(data), title="Spring promo")
    assert created.status_code == 201, created.content
    location = created["Location"]
    upload = VideoUpload.all_tenants.get()
    assert location.endswith(f"/api/creatives/uploads/{upload.upload_id}")
    assert (upload.creative.title, upload.creative.status, upload.size) == ("Spring promo", "uploading", 10240)

    first = patch(api, location, 0, data[:4000])
    assert (first.status_code, first["Upload-Offset"], first["Tus-Resumable"]) == (204, "4000", "1.0.0")
    head = api.head(location, **TUS)
    assert (head.status_code, head["Upload-Offset"], head["Upload-Length"]) == (200, "4000", "10240")
    mismatch = patch(api, location, 3000, data[3000:5000])
    assert (mismatch.status_code, mismatch.json()["error"]["code"]) == (409, "offset_mismatch")
    with django_capture_on_commit_callbacks(execute=True):
        last = patch(api, location, 4000, data[4000:])
    assert (last.status_code, last["Upload-Offset"]) == (204, "10240")

    upload.refresh_from_db()
    creative = upload.creative
    assert (upload.state, upload.md5, upload.attempts) == (UploadState.DONE, hashlib.md5(data).hexdigest(), 1)  # noqa: S324
    assert (creative.status, creative.tiktok_video_id, creative.file_size, creative.version) == ("ready", "v10033g5test", 10240, 2)
    assert (
        len(fake.calls) == 1 and fake.calls[0]["timeout"] == 300 and fake.calls[0]["file_name"] == f"clip-{str(upload.upload_id)[:8]}.mp4"
    )
    assert upload_path(upload).read_bytes() == data

    # Processing it again (a repeated message) uploads nothing.
    assert services.upload_send(upload=upload, client=fake) is False
    VideoUpload.all_tenants.filter(pk=upload.pk).update(state=UploadState.RECEIVED)
    upload.refresh_from_db()
    assert services.upload_send(upload=upload, client=fake) is True  # only an upload put back to RECEIVED goes again
    assert len(fake.calls) == 2
    assert api.get(location, **TUS).json()["state"] == "done"
    assert patch(api, location, 10240, b"x").status_code == 409


def test_tus_refusals(api, api_client_for, tenant_b, account, settings):
    settings.VIDEO_UPLOAD_MAX_BYTES = 1000
    too_big = create_upload(api, account, 1001)
    assert (too_big.status_code, too_big.json()["error"]["code"]) == (413, "upload_too_large")
    no_version = api.post(UPLOADS, HTTP_UPLOAD_LENGTH="10", HTTP_UPLOAD_METADATA=f"ad_account_id {b64(str(account.pk))}")
    assert no_version.status_code == 412
    created = create_upload(api, account, 100)
    location = created["Location"]
    over = patch(api, location, 0, b"x" * 101)
    assert (over.status_code, over.json()["error"]["code"]) == (413, "upload_too_large")
    wrong_type = api.generic("PATCH", location, b"x", content_type="application/octet-stream", HTTP_UPLOAD_OFFSET="0", **TUS)
    assert wrong_type.status_code == 415
    for bad in ("not-a-uuid", "..%2F..%2Fetc%2Fpasswd", "%2E%2E"):
        response = api.head(f"{UPLOADS}{bad}", **TUS)
        assert response.status_code in (400, 404)
        assert api.get(f"{UPLOADS}{bad}", **TUS).status_code in (400, 404)
    assert api.get(f"{UPLOADS}not-a-uuid", **TUS).json()["error"]["code"] == "invalid_upload_id"
    assert api.get(f"{UPLOADS}{uuid.uuid4()}", **TUS).status_code == 404
    assert api_client_for(tenant_b).head(location, **TUS).status_code == 404
    assert patch(api_client_for(tenant_b), location, 0, b"abc").status_code == 404
    assert VideoUpload.all_tenants.get().offset == 0


def test_session_upload_needs_csrf(session_api_client_for, tenant_a, account):
    client, _user = session_api_client_for(tenant_a, Role.ADMIN)
    meta = f"filename {b64('a.mp4')},ad_account_id {b64(str(account.pk))}"
    assert client.post(UPLOADS, HTTP_UPLOAD_LENGTH="5", HTTP_UPLOAD_METADATA=meta, **TUS).status_code == 403
    created = client.post(UPLOADS, HTTP_UPLOAD_LENGTH="5", HTTP_UPLOAD_METADATA=meta, **TUS, **client.csrf_headers)
    assert created.status_code == 201


def test_viewer_cannot_upload(api_client_for, tenant_a, account):
    assert create_upload(api_client_for(tenant_a, Role.VIEWER), account, 10).status_code == 403


# --- transfer: retries, failure, optimistic locking ---


def received_upload(tenant, account, data=b"0123456789"):
    upload = services.upload_create(tenant=tenant, size=len(data), filename="a.mp4", ad_account_id=account.pk)
    upload_path(upload).write_bytes(data)
    VideoUpload.all_tenants.filter(pk=upload.pk).update(offset=len(data), state=UploadState.RECEIVED)
    upload.refresh_from_db()
    return upload


def test_transfer_retries_after_2_5_10_seconds_then_fails(tenant_a, account):
    fake = FakeBusinessApi(failures=4, error=Upstream5xx("TikTok is down", provider="tiktok_business"))
    slept = []
    upload = received_upload(tenant_a, account)
    assert services.upload_send(upload=upload, client=fake, sleep=slept.append) is False
    upload.refresh_from_db()
    assert (slept, len(fake.calls), upload.state, upload.attempts) == ([2.0, 5.0, 10.0], 4, UploadState.FAILED, 4)
    assert upload.creative.status == "failed" and "TikTok is down" in upload.creative.status_reason


def test_transfer_succeeds_on_third_attempt(tenant_a, account):
    fake = FakeBusinessApi(failures=2, error=Upstream5xx("busy", provider="tiktok_business"))
    slept = []
    upload = received_upload(tenant_a, account)
    assert services.upload_send(upload=upload, client=fake, sleep=slept.append) is True
    assert slept == [2.0, 5.0]
    assert Creative.all_tenants.get().status == "ready"


def test_transfer_timeout_scales_with_size():
    assert services.transfer_timeout(10 * 1024 * 1024) == 300
    assert services.transfer_timeout(500 * 1024 * 1024) == 5000


def test_optimistic_lock_retries_then_forces(tenant_a, account, caplog, monkeypatch):
    creative = services.creative_create(tenant=tenant_a, ad_account_id=account.pk, title="c", tiktok_video_id="v1")
    stale = Creative.all_tenants.get(pk=creative.pk)
    Creative.all_tenants.filter(pk=creative.pk).update(version=5)
    services.creative_update_locked(creative=stale, title="re-read")
    assert (Creative.all_tenants.get(pk=creative.pk).title, Creative.all_tenants.get(pk=creative.pk).version) == ("re-read", 6)

    original = Creative.refresh_from_db

    def racing_refresh(self, *args, **kwargs):
        original(self, *args, **kwargs)
        Creative.all_tenants.filter(pk=self.pk).update(version=self.version + 100)  # someone always writes first

    monkeypatch.setattr(Creative, "refresh_from_db", racing_refresh)
    racing = Creative.all_tenants.get(pk=creative.pk)
    racing.version = 0
    services.creative_update_locked(creative=racing, title="forced")
    monkeypatch.undo()
    assert Creative.all_tenants.get(pk=creative.pk).title == "forced"
    assert "force-updated" in caplog.text


# --- transcription ---


def sent_upload(tenant, account, video):
    upload = received_upload(tenant, account, video.read_bytes())
    VideoUpload.all_tenants.filter(pk=upload.pk).update(state=UploadState.DONE)
    Creative.all_tenants.filter(pk=upload.creative_id).update(status="ready", tiktok_video_id="v1")
    upload.refresh_from_db()
    return upload


def test_transcription_done_and_file_removed(tenant_a, account, video_with_audio, monkeypatch):
    seen = {}

    def fake_transcribe(audio, tenant):
        seen["head"] = audio.read_bytes()[4:8]
        return "hello from the sandbox"

    monkeypatch.setattr("tiktok_ads.services.transcription._transcribe_file", fake_transcribe)
    upload = sent_upload(tenant_a, account, video_with_audio)
    assert services.creative_transcribe(creative=upload.creative, upload=upload) == "done"
    creative = Creative.all_tenants.get()
    assert (creative.transcript, creative.transcription_status, creative.transcription_attempts) == ("hello from the sandbox", "done", 1)
    assert seen["head"] == b"ftyp"  # an m4a file
    assert not upload_path(upload).exists()


def test_video_without_audio_is_skipped(tenant_a, account, video_without_audio, monkeypatch):
    monkeypatch.setattr("tiktok_ads.services.transcription._transcribe_file", lambda audio, tenant: pytest.fail("nothing to transcribe"))
    upload = sent_upload(tenant_a, account, video_without_audio)
    assert services.creative_transcribe(creative=upload.creative, upload=upload) == "skipped"
    assert Creative.all_tenants.get().transcription_status == "skipped"


def test_failed_transcription_is_marked_and_retried_later(
    tenant_a, account, video_with_audio, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(audio, tenant):
        raise Upstream5xx("transcription endpoint down", provider="openai")

    monkeypatch.setattr("tiktok_ads.services.transcription._transcribe_file", broken)
    sent = []
    monkeypatch.setattr("tiktok_ads.services.transcription.enqueue", lambda name, **kwargs: sent.append((name, kwargs)))
    upload = sent_upload(tenant_a, account, video_with_audio)
    assert services.creative_transcribe(creative=upload.creative, upload=upload) == "failed"
    creative = Creative.all_tenants.get()
    assert (creative.status, creative.transcription_status, creative.transcription_attempts) == ("ready", "failed", 1)
    assert creative.transcription_error == "transcription endpoint down"
    assert sent == [
        (
            "tiktok_ads.tasks.creative_transcribe_task",
            {"countdown": 600, "tenant_id": tenant_a.pk, "creative_id": creative.pk, "upload_id": upload.pk},
        )
    ]
    assert upload_path(upload).exists()  # kept for the retry

    from tiktok_ads.selectors import transcriptions_retry_due

    assert transcriptions_retry_due() == [upload]


# --- through the sandbox ---


def test_upload_to_sandbox_and_transcribe(sandbox, api, tenant_a, video_with_audio, django_capture_on_commit_callbacks):
    from core.tenancy import tenant_scope
    from tests.tiktok_ads.helpers import connect_business

    with tenant_scope(tenant_a):
        connection = connect_business(tenant_a, fixture="demo")
        account = AdAccount.objects.create(tenant=tenant_a, name="Sandbox", advertiser=connection.advertisers.order_by("pk").first())
    data = video_with_audio.read_bytes()
    location = create_upload(api, account, len(data), title="Real one")["Location"]
    assert patch(api, location, 0, data[:1000]).status_code == 204
    with django_capture_on_commit_callbacks(execute=True):
        assert patch(api, location, 1000, data[1000:]).status_code == 204
    upload = VideoUpload.all_tenants.get()
    creative = Creative.all_tenants.get()
    assert (upload.state, upload.md5, upload.attempts) == (UploadState.DONE, hashlib.md5(data).hexdigest(), 1)  # noqa: S324
    assert creative.status == "ready" and creative.tiktok_video_id.startswith("v10033g5") and creative.md5 == upload.md5
    assert (creative.transcription_status, creative.transcription_attempts) == ("done", 1)
    assert creative.transcript  # the emulator's fixed sentences for this audio
    assert not upload_path(upload).exists()
    # The same upload processed again: nothing is sent twice.
    assert services.upload_send(upload=upload) is False


# --- the page ---


def test_creatives_page(web_client_for, tenant_a, tenant_b, account):
    services.creative_create(tenant=tenant_a, ad_account_id=account.pk, title="Known video", tiktok_video_id="v10033g5known")
    sending = services.creative_create(tenant=tenant_a, ad_account_id=account.pk, title="On its way", status="processing")
    other = AdAccount.objects.create(tenant=tenant_b, name="Theirs")
    services.creative_create(tenant=tenant_b, ad_account_id=other.pk, title="Not mine", tiktok_video_id="v2")

    admin, _ = web_client_for(tenant_a, Role.ADMIN)
    html = admin.get("/ads/creatives/").content.decode()
    assert 'id="creative-upload-form"' in html and "<progress" in html and "js/creative_upload.js" in html
    assert "Known video" in html and "v10033g5known" in html and "Not mine" not in html
    assert 'hx-trigger="every 2s, creatives-refresh from:body"' in html  # one creative is being sent to TikTok
    assert ">Sending to TikTok<" in html and ">Ready<" in html
    assert 'href="/ads/creatives/"' in html  # the nav entry

    partial = admin.get("/ads/creatives/", HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<section class="card" id="creatives-live"') and "<h1>" not in partial

    Creative.all_tenants.filter(pk=sending.pk).update(status="ready", tiktok_video_id="v3")
    assert 'hx-trigger="creatives-refresh from:body"' in admin.get("/ads/creatives/", HTTP_HX_REQUEST="true").content.decode()

    viewer, _ = web_client_for(tenant_a, Role.VIEWER)
    viewer_html = viewer.get("/ads/creatives/").content.decode()
    assert "Known video" in viewer_html and 'id="creative-upload-form"' not in viewer_html
