from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "sandbox"
    verbose_name = "Sandbox upstreams"

    def ready(self):
        from sandbox.framework import autodiscover

        autodiscover()
