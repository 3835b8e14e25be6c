# Fixture modules shared by the whole suite (tests/conftest.py holds the tenancy basics).
pytest_plugins = [
    "tests.fixtures.sandbox",
    "tests.fixtures.http",
    "tests.fixtures.web",
    "tests.fixtures.api",
    "tests.fixtures.videos",
]


def pytest_configure(config):
    # Tests create many users: the full-strength hasher would dominate the suite's run time.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
