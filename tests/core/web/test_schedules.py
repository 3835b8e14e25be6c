"""Settings → Schedules: the jobs the apps declare, a tenant's choice (on/off, how often), who may
change it, and that the beat fan-outs enqueue exactly the tenants whose choice is due."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.db import IntegrityError

import core.selectors
from core.models import Role, TenantSchedule
from core.registry import schedule_option, schedule_options
from core.selectors import schedule_due, schedule_due_tenant_ids, schedules_for_tenant
from core.services import schedule_set
from tests.fixtures.html import messages, parse

pytestmark = pytest.mark.django_db

ORDER_SYNC = "shop_sync.incremental"
# Beat ticks: minute 0 of an hour, and 20 past it (not a quarter-hour boundary).
ON_THE_HOUR = datetime(2026, 12, 4, 10, 0, 20, tzinfo=UTC)
TWENTY_PAST = datetime(2026, 12, 4, 10, 20, 20, tzinfo=UTC)


def test_the_apps_declare_their_beat_jobs():
    declared = {option.key: (option.label, option.every_minutes, option.frequencies) for option in schedule_options()}
    assert declared == {
        "shop_sync.incremental": ("Order sync", 5, (5, 15, 30, 60)),
        "gmvmax.recent_days": ("GMV Max recent days sync", 30, (30, 60, 180, 360)),
        "tiktok_ads.advertisers_refresh": ("Ad accounts refresh", 1440, (1440, 10080)),
        "shopee_live.live": ("Live sessions", 5, (5, 15, 30)),
        "shopee_live.ended": ("Ended sessions", 60, (60, 180)),
    }


def test_the_choice_is_unique_per_tenant_and_key(tenant_a, tenant_b):
    TenantSchedule.objects.create(tenant=tenant_a, key=ORDER_SYNC, every_minutes=15)
    TenantSchedule.objects.create(tenant=tenant_b, key=ORDER_SYNC, every_minutes=30)
    with pytest.raises(IntegrityError):
        TenantSchedule.objects.create(tenant=tenant_a, key=ORDER_SYNC, every_minutes=60)


def test_schedule_due_follows_the_tenants_choice(tenant_a):
    # No choice: the default (every 5 minutes) is due on every tick.
    assert schedule_due(tenant_a, ORDER_SYNC, ON_THE_HOUR) and schedule_due(tenant_a, ORDER_SYNC, TWENTY_PAST)
    schedule_set(tenant=tenant_a, key=ORDER_SYNC, enabled=True, every_minutes=15)
    assert [schedule_due(tenant_a, ORDER_SYNC, datetime(2026, 12, 4, 10, minute, 5, tzinfo=UTC)) for minute in range(0, 60, 5)] == [
        True, False, False, True, False, False, True, False, False, True, False, False,
    ]  # fmt: skip
    schedule_set(tenant=tenant_a, key=ORDER_SYNC, enabled=True, every_minutes=60)
    assert [schedule_due(tenant_a, ORDER_SYNC, datetime(2026, 12, 4, 10, minute, 5, tzinfo=UTC)) for minute in range(0, 60, 5)] == [True] + [False] * 11
    schedule_set(tenant=tenant_a, key=ORDER_SYNC, enabled=False, every_minutes=5)
    assert not schedule_due(tenant_a, ORDER_SYNC, ON_THE_HOUR)


def test_gmvmax_ticks_at_7_and_37_run_hourly_once_an_hour(tenant_a):
    schedule_set(tenant=tenant_a, key="gmvmax.recent_days", enabled=True, every_minutes=60)
    ticks = [datetime(2026, 12, 4, hour, minute, 1, tzinfo=UTC) for hour in (10, 11) for minute in (7, 37)]
    assert [schedule_due(tenant_a, "gmvmax.recent_days", tick) for tick in ticks] == [True, False, True, False]


def test_the_service_refuses_unknown_keys_and_frequencies(tenant_a):
    from core.exceptions import ApplicationError

    with pytest.raises(ApplicationError) as unknown:
        schedule_set(tenant=tenant_a, key="nope", enabled=True, every_minutes=5)
    assert unknown.value.extra["fields"] == {"key": ["Unknown schedule."]}
    with pytest.raises(ApplicationError) as odd:
        schedule_set(tenant=tenant_a, key=ORDER_SYNC, enabled=True, every_minutes=7)
    assert odd.value.extra["fields"] == {"every_minutes": ["Choose one of 5, 15, 30, 60."]}
    assert not TenantSchedule.objects.for_tenant(tenant_a).exists()


# --- The page ---------------------------------------------------------------------------


def schedule_rows(page):
    return [
        (item.find("h2").text, item.find(cls="schedule-now").text)
        for item in page.find(id="schedules").find_all("li", cls="schedule")
    ]


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ANALYST])
def test_viewers_and_analysts_read_but_cannot_change(web_client_for, tenant_a, role):
    client, _ = web_client_for(tenant_a, role)

    response = client.get("/settings/schedules/")

    assert response.status_code == 200
    page = parse(response.content)
    assert schedule_rows(page) == [
        ("Order sync On", "Runs every 5 minutes · the default"),
        ("Ad accounts refresh On", "Runs daily · the default"),
        ("GMV Max recent days sync On", "Runs every 30 minutes · the default"),
        ("Live sessions On", "Runs every 5 minutes · the default"),
        ("Ended sessions On", "Runs every hour · the default"),
    ]
    assert page.find_all("form", cls="schedule-form") == []
    assert client.post("/settings/schedules/", {"key": ORDER_SYNC, "enabled": "0", "every_minutes": "5"}).status_code == 403
    assert not TenantSchedule.objects.for_tenant(tenant_a).exists()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OWNER])
def test_admins_turn_a_job_off_and_change_its_frequency(web_client_for, tenant_a, tenant_b, role):
    client, user = web_client_for(tenant_a, role)
    schedule_set(tenant=tenant_b, key=ORDER_SYNC, enabled=True, every_minutes=60)

    slower = client.post("/settings/schedules/", {"key": ORDER_SYNC, "enabled": "1", "every_minutes": "30"})
    off = client.post("/settings/schedules/", {"key": "gmvmax.recent_days", "enabled": "0", "every_minutes": "30"})

    assert (slower.status_code, slower["Location"], off.status_code) == (302, "/settings/schedules/", 302)
    page = parse(client.get("/settings/schedules/").content)
    rows = schedule_rows(page)
    assert rows[0][0] == "Order sync On" and rows[0][1].startswith(f"Runs every 30 minutes · changed by {user.username} ")
    assert rows[2][0] == "GMV Max recent days sync Off" and rows[2][1].startswith("Does not run · changed by")
    selected = [option.attrs["value"] for option in page.find(id="every-1").find_all("option") if "selected" in option.attrs]
    assert selected == ["30"]
    assert {(s.key, s.enabled, s.every_minutes) for s in TenantSchedule.objects.for_tenant(tenant_a)} == {(ORDER_SYNC, True, 30), ("gmvmax.recent_days", False, 30)}
    assert [(s.enabled, s.every_minutes) for s in TenantSchedule.objects.for_tenant(tenant_b)] == [(True, 60)]  # B's untouched


def test_the_success_message_says_what_changed(web_client_for, tenant_a):
    client, _ = web_client_for(tenant_a, Role.ADMIN)
    response = client.post("/settings/schedules/", {"key": ORDER_SYNC, "enabled": "1", "every_minutes": "60"}, follow=True)
    assert messages(response.content) == ["Order sync runs every hour."]
    response = client.post("/settings/schedules/", {"key": ORDER_SYNC, "enabled": "0", "every_minutes": "60"}, follow=True)
    assert messages(response.content) == ["Order sync is off: it won't run until it is turned back on."]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"key": "nope", "enabled": "1", "every_minutes": "5"}, "Nothing was changed. key: there is no such schedule."),
        ({"key": ORDER_SYNC, "enabled": "1", "every_minutes": "7"}, "Nothing was changed. every_minutes: Select a valid choice. 7 is not one of the available choices."),
        ({"key": ORDER_SYNC, "enabled": "maybe", "every_minutes": "5"}, "Nothing was changed. enabled: Select a valid choice. maybe is not one of the available choices."),
    ],
)
def test_bad_input_is_a_400_naming_the_field(web_client_for, tenant_a, data, message):
    client, _ = web_client_for(tenant_a, Role.ADMIN)

    response = client.post("/settings/schedules/", data)

    assert response.status_code == 400
    assert messages(response.content) == [message]
    assert not TenantSchedule.objects.for_tenant(tenant_a).exists()


def test_the_page_shows_only_the_tenants_own_choice(web_client_for, tenant_a, tenant_b):
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    schedule_set(tenant=tenant_b, key=ORDER_SYNC, enabled=False, every_minutes=5)

    assert schedule_rows(parse(client.get("/settings/schedules/").content))[0] == ("Order sync On", "Runs every 5 minutes · the default")
    assert [s.enabled for s in schedules_for_tenant(tenant_a)] == [True] * 5


def test_the_page_is_in_the_settings_menu(web_client_for, tenant_a):
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    page = parse(client.get("/settings/schedules/").content)
    active = page.find("nav").find("a", cls="active")
    assert (active.text, active.attrs["href"]) == ("Schedules How often data syncs", "/settings/schedules/")


# --- The fan-outs read the choice -------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    def set_now(moment):
        monkeypatch.setattr(core.selectors, "timezone", SimpleNamespace(now=lambda: moment))

    return set_now


@pytest.fixture
def three_tenants(tenant_a, tenant_b):
    from core.services import tenant_create
    from tests.conftest import make_user

    tenant_c = tenant_create(name="Tenant C", slug="tenant-c", owner=make_user("carol"))
    return tenant_a, tenant_b, tenant_c


def record_delay(monkeypatch, task):
    calls = []
    monkeypatch.setattr(task, "delay", lambda **kwargs: calls.append(kwargs))
    return calls


def test_order_sync_fan_out_enqueues_only_due_tenants(monkeypatch, clock, three_tenants):
    from shop_sync import selectors as shop_selectors
    from shop_sync import tasks

    a, b, c = three_tenants
    monkeypatch.setattr(shop_selectors, "tenant_ids_with_synced_shops", lambda: [a.pk, b.pk, c.pk])
    calls = record_delay(monkeypatch, tasks.orders_incremental_sync_tenant_task)
    schedule_set(tenant=b, key=ORDER_SYNC, enabled=False, every_minutes=5)
    schedule_set(tenant=c, key=ORDER_SYNC, enabled=True, every_minutes=60)

    clock(ON_THE_HOUR)
    assert tasks.orders_incremental_sync_all_task() == 2
    clock(TWENTY_PAST)
    assert tasks.orders_incremental_sync_all_task() == 1

    assert calls == [{"tenant_id": a.pk}, {"tenant_id": c.pk}, {"tenant_id": a.pk}]


def test_gmvmax_fan_out_enqueues_only_due_tenants(monkeypatch, clock, three_tenants):
    from gmvmax import tasks

    a, b, c = three_tenants
    monkeypatch.setattr(tasks, "tenant_ids_with_active_advertisers", lambda: [a.pk, b.pk, c.pk])
    calls = record_delay(monkeypatch, tasks.recent_days_sync_tenant_task)
    schedule_set(tenant=a, key="gmvmax.recent_days", enabled=True, every_minutes=360)
    schedule_set(tenant=b, key="gmvmax.recent_days", enabled=False, every_minutes=30)

    clock(datetime(2026, 12, 4, 12, 7, 3, tzinfo=UTC))  # a 6-hour boundary: A is due
    tasks.recent_days_sync_all_task()
    clock(datetime(2026, 12, 4, 12, 37, 3, tzinfo=UTC))
    tasks.recent_days_sync_all_task()

    assert calls == [{"tenant_id": a.pk}, {"tenant_id": c.pk}, {"tenant_id": c.pk}]


def test_advertisers_refresh_fan_out_skips_tenants_that_turned_it_off(monkeypatch, clock, three_tenants):
    from tests.tiktok_ads.factories import make_connection
    from tiktok_ads import tasks

    a, b, c = three_tenants
    first_a, second_a = make_connection(a), make_connection(a)
    make_connection(b)
    only_c = make_connection(c)
    calls = record_delay(monkeypatch, tasks.advertisers_refresh_task)
    schedule_set(tenant=b, key="tiktok_ads.advertisers_refresh", enabled=False, every_minutes=1440)
    schedule_set(tenant=c, key="tiktok_ads.advertisers_refresh", enabled=True, every_minutes=10080)

    clock(datetime(2026, 12, 3, 2, 41, 5, tzinfo=UTC))  # a Thursday: the weekly boundary (Unix weeks start on Thursday)
    assert tasks.advertisers_refresh_all_task() == 3
    clock(datetime(2026, 12, 4, 2, 41, 5, tzinfo=UTC))
    assert tasks.advertisers_refresh_all_task() == 2

    assert calls == [
        {"tenant_id": a.pk, "connection_id": first_a.pk},
        {"tenant_id": a.pk, "connection_id": second_a.pk},
        {"tenant_id": c.pk, "connection_id": only_c.pk},
        {"tenant_id": a.pk, "connection_id": first_a.pk},
        {"tenant_id": a.pk, "connection_id": second_a.pk},
    ]


def test_an_unknown_key_filters_nothing(tenant_a):
    assert schedule_option("nope") is None
    assert schedule_due_tenant_ids("nope", [tenant_a.pk]) == [tenant_a.pk]
