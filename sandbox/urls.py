"""Sandbox routes: ``/sandbox/`` (index), ``/sandbox/_control/...`` and one prefix per emulator,
``/sandbox/<name>/<the platform's real path>``."""

from django.urls import include, path, re_path

from sandbox import control
from sandbox.framework import emulators

app_name = "sandbox"

_control_patterns = [
    path("", control.control_index, name="control-index"),
    re_path(r"^reset/?$", control.reset_all, name="control-reset-all"),
    re_path(r"^(?P<emulator>[a-z][a-z0-9_-]*)/?$", control.emulator_detail, name="control-emulator"),
    re_path(r"^(?P<emulator>[a-z][a-z0-9_-]*)/faults/?$", control.faults, name="control-faults"),
    re_path(r"^(?P<emulator>[a-z][a-z0-9_-]*)/config/?$", control.config, name="control-config"),
    re_path(r"^(?P<emulator>[a-z][a-z0-9_-]*)/requests/?$", control.received, name="control-requests"),
    re_path(r"^(?P<emulator>[a-z][a-z0-9_-]*)/reset/?$", control.reset, name="control-reset"),
]

urlpatterns = [
    path("", control.index, name="index"),
    # Emulator-specific control views: /_control/<name>/<route> (clocks, data changes, pushes).
    *[
        path(f"_control/{emulator.name}/", include((emulator.control_urlpatterns, f"{emulator.name}-control")))
        for emulator in emulators()
        if emulator.control_urlpatterns
    ],
    path("_control/", include(_control_patterns)),
    *[path(f"{emulator.name}/", include((emulator.urlpatterns, emulator.name))) for emulator in emulators()],
]
