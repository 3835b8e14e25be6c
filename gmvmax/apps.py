from django.apps import AppConfig


class GmvmaxConfig(AppConfig):
    name = "gmvmax"
    verbose_name = "GMV Max"
    nav = ()  # (label, url name, min role) for the top bar; filled when the pages exist
