from django.apps import AppConfig


class ConversionsConfig(AppConfig):
    name = "conversions"
    verbose_name = "Conversions"
    nav = ()  # (label, url name, min role) for the top bar; filled when the pages exist
