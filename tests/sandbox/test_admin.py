import pytest
from django.contrib.auth import get_user_model

from sandbox.models import EmulatorConfig, ReceivedRequest


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_user("staffer", password="pass-word-123", is_staff=True)
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_superusers_see_the_sandbox_screens(admin_client):
    ReceivedRequest.objects.create(emulator="echo", method="GET", path="/sandbox/echo/x", status=200)
    assert admin_client.get("/admin/sandbox/emulatorconfig/").status_code == 200
    page = admin_client.get("/admin/sandbox/receivedrequest/")
    assert page.status_code == 200 and b"/sandbox/echo/x" in page.content
    assert admin_client.get("/admin/sandbox/receivedrequest/add/").status_code == 403


@pytest.mark.django_db
def test_staff_who_are_not_superusers_do_not(staff_client):
    assert staff_client.get("/admin/sandbox/emulatorconfig/").status_code == 403
    assert staff_client.get("/admin/sandbox/receivedrequest/").status_code == 403
    assert b"Sandbox upstreams" not in staff_client.get("/admin/").content


@pytest.mark.django_db
def test_faults_edited_in_admin_apply_at_once(admin_client, client, settings):
    settings.SANDBOX_CONFIG_CACHE_SECONDS = 60
    assert client.get("/sandbox/echo/x").status_code == 200  # primes the cache
    form = {"name": "echo", "faults": '{"status": 502}', "remaining": "1", "latency_ms": "0", "options": "{}"}
    assert admin_client.post("/admin/sandbox/emulatorconfig/add/", form).status_code == 302
    assert client.get("/sandbox/echo/x").status_code == 502
    assert client.get("/sandbox/echo/x").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "faults,error",
    [
        ('{"status": 404}', "status must be 429 or 5xx, not 404."),
        ('{"status": 503, "times": 2}', "Put the count in"),
        ("[1]", "Give the faults as a JSON object"),
    ],
)
def test_admin_validates_faults(admin_client, faults, error):
    form = {"name": "echo", "faults": faults, "latency_ms": "0", "options": "{}"}
    response = admin_client.post("/admin/sandbox/emulatorconfig/add/", form)
    assert response.status_code == 200 and error in response.content.decode()
    assert not EmulatorConfig.objects.exists()


@pytest.mark.django_db
def test_admin_reset_action(admin_client):
    config = EmulatorConfig.objects.create(name="echo", faults={"status": 503})
    ReceivedRequest.objects.create(emulator="echo", method="GET", path="/sandbox/echo/x", status=503)
    response = admin_client.post("/admin/sandbox/emulatorconfig/", {"action": "reset", "_selected_action": [config.pk]})
    assert response.status_code == 302
    assert not EmulatorConfig.objects.exists() and not ReceivedRequest.objects.exists()
