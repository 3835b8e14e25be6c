"""Settings of the test suite (pyproject's ``DJANGO_SETTINGS_MODULE``, and ``make test``'s checks).

The embedded default with what the tests need turned on explicitly, in the environment before
``config.settings`` reads it (so processes the tests start see the same): the sandbox
(``SANDBOX_ENABLED``) and a ``DEBUG`` configuration, which gives the embedded secrets and hosts and
leaves the sandbox control API open without a token. pytest-django still runs each test with
``settings.DEBUG = False``, so pages answer as in production (the product's own 404 and 500).
``DATABASE_URL`` / ``REDIS_URL`` still choose the services.
"""

import os

os.environ["DEBUG"] = "true"
os.environ["SANDBOX_ENABLED"] = "true"

from config.settings import *  # noqa: E402,F403
