# Fixture modules shared by the whole suite (tests/conftest.py holds the tenancy basics).
pytest_plugins = [
    "tests.fixtures.sandbox",
    "tests.fixtures.http",
    "tests.fixtures.web",
    "tests.fixtures.api",
]
