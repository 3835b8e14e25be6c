"""The wire layer stays below the apps: ``integrations`` imports only the HTTP base (and the
breaker, rate-limit and correlation helpers it builds on), never models, services or settings."""

from __future__ import annotations

import ast
from pathlib import Path

import integrations

ALLOWED_PROJECT_MODULES = ("core.http", "core.breaker", "core.ratelimit", "core.correlation", "integrations")
PROJECT_PACKAGES = ("core", "config", "sandbox", "shop_sync", "tiktok_ads", "gmvmax", "conversions", "integrations")


def imported_modules(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_integrations_import_nothing_above_the_http_base():
    root = Path(integrations.__file__).parent
    offending = []
    for path in sorted(root.rglob("*.py")):
        for module in imported_modules(path):
            project = module.split(".")[0] in PROJECT_PACKAGES
            allowed = any(module == name or module.startswith(f"{name}.") for name in ALLOWED_PROJECT_MODULES)
            if (project and not allowed) or module.startswith("django"):
                offending.append(f"{path.relative_to(root)}: {module}")
    assert offending == []
