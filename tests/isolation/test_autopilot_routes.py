"""The autopilot's alert and notification routes alone, as tenant B against tenant A's rows: the same walk as
``test_url_walk`` (which covers them with every route), quick enough to run with the app's tests."""

import pytest

from tests.isolation.walker import Walker, collect_routes


@pytest.mark.timeout(600)
def test_alert_and_notification_routes_leak_nothing(victim, actor, b_principals, sandbox, settings):
    settings.UPSTREAM_MAX_ATTEMPTS = 1
    routes = [route for route in collect_routes() if route.display.startswith(("/autopilot/alerts/", "/autopilot/notifications/"))]
    assert {"/autopilot/alerts/<int:pk>/", "/autopilot/alerts/<int:pk>/edit/", "/autopilot/alerts/<int:pk>/delete/"} <= {
        r.display for r in routes
    }
    report = Walker(victim=victim, actor=actor, principals=b_principals).run(routes)
    print()
    print(report.summary())
    assert report.parameterized_routes > 0
    assert not report.failures, f"{len(report.failures)} leak(s):\n" + "\n".join(report.failures)
