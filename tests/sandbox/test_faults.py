"""The fault vocabulary: parsing and validation (sandbox.faults)."""

import pytest

from sandbox.faults import FaultSet, FaultSpecError


@pytest.mark.parametrize(
    "spec,expected",
    [
        ("status=503", {"status": 503}),
        ("status=429;retry_after=2", {"status": 429, "retry_after": 2}),
        (" STATUS = 500 ; times = 3 ", {"status": 500, "times": 3}),
        ("latency_ms=300", {"latency_ms": 300}),
        ("expired_token", {"expired_token": True}),
        ("malformed;times=1", {"malformed": True, "times": 1}),
        ("slow_ms=5000", {"slow_ms": 5000}),
        ("latency_ms=50;status=502", {"status": 502, "latency_ms": 50}),
        ("expired_token=false", {}),
        ("", {}),
    ],
)
def test_header_syntax(spec, expected):
    assert FaultSet.parse(spec).to_dict() == expected


def test_bare_slow_uses_the_setting(settings):
    settings.SANDBOX_SLOW_MS = 7000
    assert FaultSet.parse("slow").slow_ms == 7000
    assert FaultSet.from_dict({"slow": True}).slow_ms == 7000
    assert FaultSet.parse("slow;slow_ms=100").slow_ms == 100


def test_json_form_and_description_round_trip():
    faults = FaultSet.from_dict({"status": "429", "retry_after": 2, "times": 2})
    assert faults == FaultSet(status=429, retry_after=2, times=2)
    assert faults.describe() == "status=429;retry_after=2;times=2"
    assert faults.without_times().describe() == "status=429;retry_after=2"
    assert FaultSet.parse(faults.describe()) == faults
    assert FaultSet.parse("expired_token").describe() == "expired_token"


def test_retry_after_defaults_to_one_second():
    assert FaultSet.parse("status=429").effective_retry_after == 1
    assert FaultSet.parse("status=429;retry_after=0").effective_retry_after == 0


def test_times_alone_is_no_fault():
    assert FaultSet.parse("times=3").is_empty
    assert not FaultSet.parse("latency_ms=1").is_empty


@pytest.mark.parametrize(
    "spec,message",
    [
        ("bogus=1", "Unknown fault bogus"),
        ("status=404", "status must be 429 or 5xx, not 404."),
        ("status=abc", "status must be an integer, not 'abc'."),
        ("status", "status needs a number."),
        ("status=503;retry_after=2", "retry_after only goes with status=429."),
        ("status=429;retry_after=-1", "retry_after must be >= 0."),
        ("status=503;malformed", "Choose one of status, expired_token and malformed, not status and malformed."),
        ("expired_token;malformed", "not expired_token and malformed"),
        ("times=0;status=503", "times must be >= 1."),
        ("latency_ms=-5", "latency_ms must be between 0 and"),
        ("malformed=maybe", "malformed is a flag"),
    ],
)
def test_invalid_specs_say_why(spec, message):
    with pytest.raises(FaultSpecError) as caught:
        FaultSet.parse(spec)
    assert message in str(caught.value)


def test_delays_are_capped(settings):
    settings.SANDBOX_MAX_DELAY_MS = 10_000
    assert FaultSet.parse("slow_ms=10000").slow_ms == 10_000
    with pytest.raises(FaultSpecError, match="slow_ms must be between 0 and 10000."):
        FaultSet.parse("slow_ms=10001")
