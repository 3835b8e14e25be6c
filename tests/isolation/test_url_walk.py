"""Every route, as tenant B, against tenant A's rows. New routes are covered without new tests;
run with ``-s`` to see which routes were walked and how they answered."""

import pytest

from tests.isolation.walker import Walker


# Walks every route as every role: the longest test, given room beyond the suite-wide limit.
@pytest.mark.timeout(1200)
def test_tenant_b_sees_and_changes_nothing_of_tenant_a(victim, actor, b_principals, sandbox, settings):
    # Routes that call a platform reach the in-process sandbox, which refuses the worlds' made-up
    # credentials at once; one attempt each: the walk proves isolation, not retries.
    settings.UPSTREAM_MAX_ATTEMPTS = 1
    report = Walker(victim=victim, actor=actor, principals=b_principals).run()
    print()
    print(report.summary())
    assert report.parameterized_routes > 0, "No route took tenant A's values: the walk would prove nothing."
    assert report.own_object_routes > 0, "No route answered 200 for tenant B's own objects: substitution never reached a view."
    assert not report.failures, f"{len(report.failures)} leak(s):\n" + "\n".join(report.failures)
