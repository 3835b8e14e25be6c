from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "sandbox"
    verbose_name = "Sandbox upstreams"

    def ready(self):
        from sandbox.framework import autodiscover

        autodiscover()

    def demo_upstreams(self):
        """Found by ``manage.py demo``: serves the product's demo seeds (see ``sandbox.demo``)."""
        from sandbox.demo import demo_upstreams

        return demo_upstreams()
