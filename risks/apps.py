from django.apps import AppConfig


class RisksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "risks"

    def ready(self):
        from . import figures, holdings, menu, panels, rules, sweeps  # noqa: F401  (registries)
