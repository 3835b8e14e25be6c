"""Sync run pages: list with filters, detail with parts, admin resume/cancel, the progress
partial (htmx and JSON), and tenant isolation on every one of them."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Role, SyncRun, SyncRunPart, SyncState
from core.services import sync_register_runner
from tests.fixtures.html import messages, parse

pytestmark = pytest.mark.django_db


class RecordingRunner:
    """Stands in for a Celery task: records what ``sync_run_dispatch`` enqueues."""

    def __init__(self):
        self.calls = []

    def delay(self, **kwargs):
        self.calls.append(kwargs)


@pytest.fixture
def runner():
    recorder = RecordingRunner()
    sync_register_runner("web.test", recorder)
    return recorder


def test_list_shows_the_tenants_runs_with_progress(web_client_for, tenant_a, tenant_b, sync_run_factory):
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    done = sync_run_factory(tenant_a, target="shop:1", state=SyncState.SUCCEEDED, items_done=300, items_total=300)
    running = sync_run_factory(tenant_a, kind="gmvmax.report", target="advertiser:7", items_done=10, items_total=40, label="GMV Max report")
    sync_run_factory(tenant_b, kind="shopee.sessions", target="account:9")

    page = parse(client.get("/sync-runs/").content)

    rows = page.find("table").rows()
    assert [row[:4] for row in rows] == [
        [str(running.pk), "GMV Max report Report", "Ad account #7", "Running 10 / 40 items 25%"],
        [str(done.pk), "Orders", "Shop #1", "Done 300 / 300 items 100%"],
    ]
    assert rows[1][5] != "–" and rows[0][5] == "–"
    kinds = [(o.attrs["value"], o.text) for o in page.find("select", id="id_kind").find_all("option")]
    assert kinds == [("", "All"), ("gmvmax.report", "Report"), ("shop.orders", "Orders")]  # tenant B's kind is not offered


def test_list_filters_by_kind_and_state(web_client_for, tenant_a, sync_run_factory):
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    sync_run_factory(tenant_a, target="shop:1", state=SyncState.FAILED)
    sync_run_factory(tenant_a, target="shop:2", state=SyncState.SUCCEEDED)
    sync_run_factory(tenant_a, kind="gmvmax.report", target="adv:1", state=SyncState.FAILED)

    def targets(query):
        return [row[2] for row in parse(client.get(f"/sync-runs/?{query}").content).find("table").rows()]

    assert targets("kind=shop.orders") == ["Shop #2", "Shop #1"]
    assert targets("state=failed") == ["Adv #1", "Shop #1"]
    assert targets("kind=shop.orders&state=failed") == ["Shop #1"]
    empty = parse(client.get("/sync-runs/?kind=gmvmax.report&state=succeeded").content)
    assert empty.find(cls="empty").find("h2").text == "No sync runs match these filters"


def test_list_refuses_an_unknown_filter_value_and_shows_all(web_client_for, tenant_a, sync_run_factory):
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    sync_run_factory(tenant_a, target="shop:1", state=SyncState.FAILED)
    sync_run_factory(tenant_a, target="shop:2", state=SyncState.SUCCEEDED)

    response = client.get("/sync-runs/?state=exploded")
    page = parse(response.content)

    assert response.status_code == 400
    assert page.find(cls="has-error").find(cls="errorlist").text == "Select a valid choice. exploded is not one of the available choices."
    assert len(page.find("table").rows()) == 2


def test_list_paginates_and_keeps_the_filters(web_client_for, tenant_a, sync_run_factory):
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    for i in range(27):
        sync_run_factory(tenant_a, target=f"shop:{i}", state=SyncState.SUCCEEDED)
    sync_run_factory(tenant_a, target="shop:x", state=SyncState.FAILED)

    first = parse(client.get("/sync-runs/?state=succeeded").content)
    second = parse(client.get("/sync-runs/?state=succeeded&page=2").content)

    assert len(first.find("table").rows()) == 25
    controls = first.find(id="sync-runs-controls")
    assert controls.text.startswith("1–25 of 27 rows")
    assert controls.find("a", cls=None).attrs["href"] == "/sync-runs/?state=succeeded&page=2"
    assert [row[2] for row in second.find("table").rows()] == ["Shop #1", "Shop #0"]


def test_list_empty_state(web_client_for, tenant_a):
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    assert parse(client.get("/sync-runs/").content).find(cls="empty").find("h2").text == "No sync has run for this tenant yet"


def test_detail_shows_progress_and_parts(web_client_for, tenant_a, sync_run_factory):
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    run = sync_run_factory(
        tenant_a,
        items_done=1500,
        items_total=4000,
        pages_done=15,
        parts_done=1,
        parts=[("2024-01", SyncState.SUCCEEDED, 1000), ("2024-02", SyncState.RUNNING, 500), ("2024-03", SyncState.PENDING, 0)],
        counters={"created": 1200, "updated": 300},
        label="Full order sync",
    )

    response = client.get(f"/sync-runs/{run.pk}/")

    assert response.status_code == 200
    page = parse(response.content)
    assert page.find("h1").text == "Full order sync Shop #1"
    progress = page.find(id=f"sync-run-{run.pk}-progress")
    assert progress.find(cls="progress-items").text == "1,500 / 4,000 items"
    assert progress.find(cls="progress-percent").text == "37.5%"
    assert progress.find("div", cls="progress").attrs["aria-valuenow"] == "37.5"
    assert "15 pages" in progress.text and "parts 1/3" in progress.text
    parts = page.find_all("section", cls="card")[-1].rows()
    assert [row[:4] for row in parts] == [
        ["2024-01", "Done", "1,000", "1"],
        ["2024-02", "Running", "500", "1"],
        ["2024-03", "Queued", "0", "0"],
    ]
    counters = [
        row
        for section in page.find_all("section", cls="card")
        if [h.text for h in section.find_all("h2")] == ["Counters"]
        for row in section.rows()
    ]
    assert counters == [["Created", "1,200"], ["Updated", "300"]]
    assert page.find_all("div", cls="actions") == []  # viewers get no buttons


@pytest.mark.parametrize(
    ("state", "buttons"),
    [(SyncState.RUNNING, ["Resume", "Cancel"]), (SyncState.FAILED, ["Resume"]), (SyncState.SUCCEEDED, []), (SyncState.CANCELLED, [])],
)
def test_detail_offers_resume_and_cancel_to_admins(web_client_for, tenant_a, sync_run_factory, state, buttons):
    client, _ = web_client_for(tenant_a, Role.ADMIN)
    run = sync_run_factory(tenant_a, state=state)

    page = parse(client.get(f"/sync-runs/{run.pk}/").content)

    assert [b.text for b in page.find_all("button") if b.text in ("Resume", "Cancel")] == buttons


def test_admin_resumes_a_failed_run_from_its_parts(web_client_for, tenant_a, sync_run_factory, runner, django_capture_on_commit_callbacks):
    client, _ = web_client_for(tenant_a, Role.ADMIN)
    run = sync_run_factory(
        tenant_a,
        kind="web.test",
        state=SyncState.FAILED,
        error="502 from upstream",
        parts=[("w1", SyncState.SUCCEEDED, 10), ("w2", SyncState.FAILED, 4)],
    )
    failed_part = SyncRunPart.all_tenants.get(run=run, key="w2")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/sync-runs/{run.pk}/resume/")

    assert (response.status_code, response["Location"]) == (302, f"/sync-runs/{run.pk}/")
    run.refresh_from_db()
    assert (run.state, run.attempts, run.error, run.finished_at) == (SyncState.RUNNING, 2, "", None)
    assert runner.calls == [{"tenant_id": tenant_a.pk, "part_id": failed_part.pk}]
    assert messages(client.get(f"/sync-runs/{run.pk}/").content) == ["Sync resumed from its last checkpoint."]


def test_resume_refused_is_shown_and_changes_nothing(web_client_for, tenant_a, sync_run_factory):
    client, _ = web_client_for(tenant_a, Role.ADMIN)
    run = sync_run_factory(tenant_a, state=SyncState.SUCCEEDED)

    response = client.post(f"/sync-runs/{run.pk}/resume/")

    assert response.status_code == 409
    assert messages(response.content) == ["A succeeded sync can't be resumed."]
    run.refresh_from_db()
    assert (run.state, run.attempts) == (SyncState.SUCCEEDED, 1)


def test_admin_cancels_a_running_run(web_client_for, tenant_a, sync_run_factory):
    client, _ = web_client_for(tenant_a, Role.ADMIN)
    run = sync_run_factory(tenant_a, parts=[("a", SyncState.SUCCEEDED, 5), ("b", SyncState.RUNNING, 2)])

    response = client.post(f"/sync-runs/{run.pk}/cancel/", follow=True)

    assert messages(response.content) == ["Sync cancelled."]
    run.refresh_from_db()
    assert run.state == SyncState.CANCELLED and run.finished_at is not None
    assert dict(SyncRunPart.all_tenants.filter(run=run).values_list("key", "state")) == {"a": "succeeded", "b": "cancelled"}


def test_cancelling_a_finished_run_is_refused(web_client_for, tenant_a, sync_run_factory):
    client, _ = web_client_for(tenant_a, Role.ADMIN)
    run = sync_run_factory(tenant_a, state=SyncState.FAILED)

    response = client.post(f"/sync-runs/{run.pk}/cancel/")

    assert response.status_code == 409
    assert messages(response.content) == ["This sync already failed; there is nothing to cancel."]
    assert SyncRun.all_tenants.get(pk=run.pk).state == SyncState.FAILED


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ANALYST])
@pytest.mark.parametrize("action", ["resume", "cancel"])
def test_only_admins_resume_or_cancel(web_client_for, tenant_a, sync_run_factory, role, action):
    client, _ = web_client_for(tenant_a, role)
    run = sync_run_factory(tenant_a, state=SyncState.RUNNING)

    response = client.post(f"/sync-runs/{run.pk}/{action}/")

    assert response.status_code == 403
    assert SyncRun.all_tenants.get(pk=run.pk).state == SyncState.RUNNING


def test_actions_are_post_only(web_client_for, tenant_a, sync_run_factory):
    client, _ = web_client_for(tenant_a, Role.ADMIN)
    run = sync_run_factory(tenant_a)
    assert client.get(f"/sync-runs/{run.pk}/resume/").status_code == 405
    assert client.get(f"/sync-runs/{run.pk}/cancel/").status_code == 405


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/sync-runs/{pk}/"),
        ("get", "/sync-runs/{pk}/progress/"),
        ("post", "/sync-runs/{pk}/resume/"),
        ("post", "/sync-runs/{pk}/cancel/"),
    ],
)
def test_another_tenants_run_is_404(web_client_for, tenant_a, tenant_b, sync_run_factory, method, path):
    client, _ = web_client_for(tenant_a, Role.OWNER)
    run_b = sync_run_factory(tenant_b, state=SyncState.FAILED)

    response = getattr(client, method)(path.format(pk=run_b.pk))

    assert response.status_code == 404
    assert parse(response.content).find("h1").text == "Nothing here"
    run_b.refresh_from_db()
    assert (run_b.state, run_b.attempts) == (SyncState.FAILED, 1)


def test_progress_json_for_another_tenant_is_404(web_client_for, tenant_a, tenant_b, sync_run_factory):
    client, _ = web_client_for(tenant_a, Role.OWNER)
    run_b = sync_run_factory(tenant_b)
    assert client.get(f"/sync-runs/{run_b.pk}/progress/", HTTP_ACCEPT="application/json").status_code == 404


def test_progress_partial_polls_while_active_then_stops(web_client_for, tenant_a, sync_run_factory):
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    run = sync_run_factory(tenant_a, items_done=250, items_total=1000)

    response = client.get(f"/sync-runs/{run.pk}/progress/", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert b"<html" not in response.content
    root = parse(response.content).find(id=f"sync-run-{run.pk}-progress")
    assert (root.attrs["hx-get"], root.attrs["hx-trigger"], root.attrs["hx-swap"]) == (
        f"/sync-runs/{run.pk}/progress/",
        "every 1s",
        "outerHTML",
    )
    assert root.find(cls="progress-items").text == "250 / 1,000 items"

    SyncRun.all_tenants.filter(pk=run.pk).update(state=SyncState.SUCCEEDED, items_done=1000)
    finished = parse(client.get(f"/sync-runs/{run.pk}/progress/", HTTP_HX_REQUEST="true").content).find(id=f"sync-run-{run.pk}-progress")

    assert "hx-get" not in finished.attrs and "hx-trigger" not in finished.attrs
    assert finished.find(cls="progress-percent").text == "100%"
    assert finished.find(cls="progress-state").text == "Done"
    assert finished.find(cls="progress-state").classes == {"chip", "chip-ok", "progress-state"}


def test_compact_progress_partial_keeps_its_variant_when_polled(web_client_for, tenant_a, sync_run_factory):
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    run = sync_run_factory(tenant_a, items_done=5, items_total=10)

    root = parse(client.get(f"/sync-runs/{run.pk}/progress/?compact=1", HTTP_HX_REQUEST="true").content).find(cls="sync-progress")

    assert root.attrs["id"] == f"sync-run-{run.pk}-progress-compact"
    assert root.attrs["hx-get"] == f"/sync-runs/{run.pk}/progress/?compact=1"
    assert root.find(cls="progress-figures").text == "Running 5 / 10 items 50%"


def test_progress_as_json(web_client_for, tenant_a, sync_run_factory):
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    run = sync_run_factory(tenant_a, items_done=250, items_total=1000, pages_done=3)

    response = client.get(f"/sync-runs/{run.pk}/progress/", HTTP_ACCEPT="application/json")

    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert {k: body[k] for k in ("id", "state", "is_active", "items_done", "items_total", "pages_done", "percent")} == {
        "id": run.pk,
        "state": "running",
        "is_active": True,
        "items_done": 250,
        "items_total": 1000,
        "pages_done": 3,
        "percent": 25.0,
    }


def test_a_poll_after_logout_redirects_the_page_to_login(client, tenant_a, sync_run_factory):
    run = sync_run_factory(tenant_a)

    response = client.get(
        f"/sync-runs/{run.pk}/progress/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://testserver/sync-runs/{run.pk}/"
    )

    assert response.status_code == 286  # htmx: stop polling
    assert response["HX-Redirect"] == f"/login/?next=/sync-runs/{run.pk}/"
    assert response.content == b""


def test_list_and_overview_queries_do_not_grow_with_rows(web_client_for, tenant_a, sync_run_factory, api_call_factory):
    client, _ = web_client_for(tenant_a, Role.VIEWER)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for i in range(2):
        sync_run_factory(tenant_a, target=f"shop:{i}", state=SyncState.SUCCEEDED)
        api_call_factory(tenant_a)
    few = {url: queries(url) for url in ("/", "/sync-runs/", "/api-calls/")}
    for i in range(2, 20):
        sync_run_factory(tenant_a, target=f"shop:{i}", state=SyncState.SUCCEEDED)
        api_call_factory(tenant_a)
    many = {url: queries(url) for url in ("/", "/sync-runs/", "/api-calls/")}

    assert many == few


# --- The table: sort, labels, zone ------------------------------------------------------


@pytest.fixture
def three_runs(tenant_a, sync_run_factory):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    small = sync_run_factory(tenant_a, target="shop:3", state=SyncState.SUCCEEDED, items_done=40, now=now - timedelta(hours=3), label="Incremental order sync of Glow MY")
    big = sync_run_factory(tenant_a, kind="gmvmax.room_fetch", target="campaign:34:2026-01-12..2026-03-31", items_done=900, now=now - timedelta(hours=1))
    middle = sync_run_factory(tenant_a, target="advertisers:3,4,9:2026-01-12..2026-03-31", state=SyncState.FAILED, items_done=300, now=now - timedelta(hours=2))
    return small, big, middle


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["big", "middle", "small"]),  # newest first by default
        ("created_at", ["small", "middle", "big"]),
        ("-items_done", ["big", "middle", "small"]),
        ("items_done", ["small", "middle", "big"]),
        ("kind", ["big", "small", "middle"]),  # gmvmax.room_fetch < shop.orders; ties in id order
        ("pk", ["small", "big", "middle"]),
        ("bogus", ["big", "middle", "small"]),  # an unknown sort falls back to the default
    ],
)
def test_list_sorts_by_the_column_in_the_url(web_client_for, tenant_a, three_runs, sort, expected):
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    names = dict(zip(("small", "big", "middle"), three_runs, strict=True))

    page = parse(client.get(f"/sync-runs/?sort={sort}").content)

    assert [row[0] for row in page.find("table").rows()] == [str(names[name].pk) for name in expected]


def test_sort_links_keep_the_filters_and_mark_the_active_column(web_client_for, tenant_a, three_runs):
    client, _ = web_client_for(tenant_a, Role.VIEWER)

    page = parse(client.get("/sync-runs/?state=succeeded&sort=-items_done").content)

    headers = {th.attrs["data-col"]: th for th in page.find("table").find("thead").find_all("th")}
    assert headers["items_done"].attrs["aria-sort"] == "descending"
    assert headers["items_done"].find("a").attrs["href"] == "/sync-runs/?state=succeeded&sort=items_done"
    assert headers["created_at"].find("a").attrs["href"] == "/sync-runs/?state=succeeded&sort=created_at"
    assert [o.attrs["value"] for o in page.find("form", cls="filters").find_all("input") if o.attrs.get("type") == "hidden"] == ["-items_done"]


def test_list_reads_in_words_and_in_the_tenants_zone(web_client_for, tenant_a, three_runs):
    from datetime import UTC, datetime

    tenant_a.time_zone = "Asia/Jakarta"
    tenant_a.save()
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    small, big, middle = three_runs
    SyncRun.all_tenants.filter(pk=small.pk).update(started_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC))

    page = parse(client.get("/sync-runs/?sort=pk").content)

    rows = page.find("table").rows()
    assert [row[1:3] for row in rows] == [
        ["Incremental order sync of Glow MY Orders", "Shop #3"],
        ["Live rooms from TikTok", "Campaign #34, 12 Jan – 31 Mar 2026"],
        ["Orders", "3 ad accounts, 12 Jan – 31 Mar 2026"],
    ]
    assert rows[0][4] == "2 Mar 2026, 06:30"  # 23:30 UTC is the next morning in Jakarta
    assert page.find(cls="card-head").find("span", cls="muted").text == "Times in Asia/Jakarta (UTC+07:00)"
    chips = [chip.text for chip in page.find("table").find_all(cls="progress-state")]
    assert chips == ["Done", "Running", "Failed"]


def test_a_bad_date_range_is_a_400_naming_the_field(web_client_for, tenant_a):
    client, _ = web_client_for(tenant_a, Role.VIEWER)

    response = client.get("/sync-runs/?range=custom&start=2026-13-01")

    assert response.status_code == 400
    assert parse(response.content).find(cls="error-message").text == "Enter a date as YYYY-MM-DD."


def test_the_date_range_limits_the_runs(web_client_for, tenant_a, sync_run_factory):
    from datetime import timedelta

    from django.utils import timezone

    client, _ = web_client_for(tenant_a, Role.VIEWER)
    sync_run_factory(tenant_a, target="shop:1", state=SyncState.SUCCEEDED, now=timezone.now() - timedelta(days=40))
    recent = sync_run_factory(tenant_a, target="shop:2", state=SyncState.SUCCEEDED)

    assert [row[0] for row in parse(client.get("/sync-runs/?range=last_7").content).find("table").rows()] == [str(recent.pk)]
    # Remembered for the session: the next page without a range shows the same one.
    assert len(parse(client.get("/sync-runs/").content).find("table").rows()) == 1
    assert len(parse(client.get("/sync-runs/?range=last_90").content).find("table").rows()) == 2


def test_detail_has_the_correlation_id_with_a_copy_button_and_its_calls(web_client_for, tenant_a, sync_run_factory):
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    run = sync_run_factory(tenant_a, correlation_id="c0ffee-42", counters={"finished": True, "orders_written": 1200})

    page = parse(client.get(f"/sync-runs/{run.pk}/").content)

    button = page.find("button", cls="copy-button")
    assert (button.attrs["data-copy"], button.attrs["aria-label"]) == ("c0ffee-42", "Copy correlation id")
    assert page.find("a", cls="cell-sub").attrs["href"] == "/api-calls/?correlation_id=c0ffee-42&range=last_90"
    counters = page.find_all("section", cls="card")[2].rows()
    assert counters == [["Finished", "Yes"], ["Orders written", "1,200"]]


def test_detail_parts_sort_and_page(web_client_for, tenant_a, sync_run_factory):
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    run = sync_run_factory(tenant_a, parts=[(f"w{i:02}", SyncState.SUCCEEDED, i * 10) for i in range(30)])

    first = parse(client.get(f"/sync-runs/{run.pk}/").content)
    by_items = parse(client.get(f"/sync-runs/{run.pk}/?parts_sort=-items_done&parts_per_page=25&parts_page=2").content)

    assert [row[0] for row in first.find(id="parts").rows()][:3] == ["w00", "w01", "w02"]  # the order the run works them
    assert [row[0] for row in by_items.find(id="parts").rows()] == ["w04", "w03", "w02", "w01", "w00"]
    assert by_items.find(id="parts-controls").text.startswith("26–30 of 30 rows")
