"""The Redis cache reuses one client per connection pool instead of building one per call."""

from django.core.cache import cache, caches

from core.cache import SharedClientRedisCache


def test_the_cache_reuses_its_redis_client_and_still_works():
    assert isinstance(caches["default"], SharedClientRedisCache)
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client
    assert cache._cache.get_client("any-key") is client  # one server: reads and writes share the pool
    cache.delete("core-cache-test")
    assert cache.add("core-cache-test", 1, timeout=30) is True
    assert cache.add("core-cache-test", 2, timeout=30) is False
    assert cache.get("core-cache-test") == 1
    cache.delete("core-cache-test")
