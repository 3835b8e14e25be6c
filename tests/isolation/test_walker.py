"""The walker itself: it finds each kind of leak, and says when it walked nothing."""

import gzip

import pytest
from django.http import HttpResponse, StreamingHttpResponse

from core.models import ApiCallLog, SyncRun
from tests.isolation.walker import LeakDetector, Walker, collect_routes, read_body


@pytest.mark.urls("tests.isolation.leaky_urls")
def test_the_walker_reports_every_kind_of_leak(victim, actor, b_principals):
    report = Walker(victim=victim, actor=actor, principals=b_principals).run()
    print(report.summary())
    run = victim.rows[SyncRun]
    call = victim.rows[ApiCallLog]
    failures = "\n".join(report.failures)

    # An object of A's shown by id: a 200 for A's id, with A's sentinel in the page.
    assert f"GET /runs/{run.pk}/ as B owner (session): answered 200 for tenant A's value" in failures
    assert f"GET /runs/{run.pk}/ as B owner (session): 200 shows tenant A's data: ['LEAKCANARY-A-core-syncrun-label']" in failures
    # Exports read to the end, streamed or zipped.
    assert "GET /export.csv as B owner (session): 200 shows tenant A's data" in failures
    assert "GET /export.xlsx as B owner (session): 200 shows tenant A's data" in failures
    # A write that answers 404 but deleted A's row anyway.
    assert "/calls/<int:pk>/delete/: tenant A's rows changed: core.apicalllog: 1 row(s) before, 0 after" in failures
    assert not ApiCallLog.all_tenants.filter(pk=call.pk).exists()
    # The scoped view is clean, and answers B's own run (the control).
    assert "/scoped/" not in failures
    scoped = next(r for r in report.routes if r.route.display == "/scoped/runs/<int:pk>/")
    assert (scoped.victim_urls, scoped.own_hits) == (len(victim.pks), 1)
    assert set(scoped.statuses) == {200, 404} and scoped.statuses[200] == 1  # every request for A's ids was a 404


@pytest.mark.urls("tests.isolation.unparameterized_urls")
def test_the_walker_says_when_no_route_took_a_value(victim, actor, b_principals):
    report = Walker(victim=victim, actor=actor, principals=b_principals).run()
    assert [r.route.display for r in report.routes] == ["/plain/"]
    assert report.parameterized_routes == 0
    assert report.failures == []


def test_routes_cover_pages_api_admin_and_skip_the_sandbox(db):
    routes = {route.display: route for route in collect_routes()}
    assert routes["/api/sync-runs/<int:pk>/"].kind == "api"
    assert routes["/sync-runs/<int:pk>/"].kind == "page"
    assert routes["/settings/schedules/"].kind == "page"  # walked by every role of tenant B
    assert routes["/admin/core/syncrun/<path:object_id>/change/"].kind == "admin"
    assert "/api/schema/" in routes and "/api/docs/" in routes  # walked, and checked for sentinels
    assert not [display for display in routes if display.startswith(("/sandbox/", "/static/"))]


def test_urls_resolve_back_to_their_route(victim):
    route = next(r for r in collect_routes() if r.display == "/api/sync-runs/<int:pk>/")
    urls = dict(route.urls(victim))
    # Every integer id of A's rows, each resolving to this route; text values don't fit <int:pk>.
    assert sorted(urls) == sorted(f"/api/sync-runs/{value.text}/" for value in victim.pks)
    admin_list = next(r for r in collect_routes() if r.display.startswith("/admin/(?P<app_label>"))
    assert ("/admin/core/", []) in admin_list.urls(victim)  # regex alternatives as literals


def test_read_body_drains_streams_and_unpacks_gzip():
    streamed = StreamingHttpResponse(iter([b"a,", "b,", b"LEAKCANARY-A-x"]))
    assert read_body(streamed) == "a,b,LEAKCANARY-A-x"
    assert read_body(HttpResponse(gzip.compress(b"zipped LEAKCANARY-A-y"))) == "zipped LEAKCANARY-A-y"


def test_detector_matches_only_the_victims_values(victim, actor):
    detector = LeakDetector(victim)
    short = next(s for s in victim.sentinels if s.startswith("LCA"))
    assert detector.find("<td>leakcanary-a-core-syncrun-label</td>") == ["leakcanary-a-core-syncrun-label"]
    assert detector.find(f"<td>{short.lower()}</td>") == [short.lower()]
    assert detector.find("lca99999 is not a value A was given") == []
    assert detector.find(f"key {victim.api_key.prefix}") == [victim.api_key.prefix]
    assert detector.find(" ".join(actor.sentinels | {actor.raw_key, actor.api_key.prefix})) == []
