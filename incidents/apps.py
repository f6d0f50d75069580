from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "incidents"

    def ready(self):
        from . import api, api_reports, figures, holdings, menu, panels, rules, sweeps  # noqa: F401  (registries)
