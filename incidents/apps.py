from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "incidents"

    def ready(self):
        # Registries, and sweeps_transfers: a child's file (its sweep and the leavers signal).
        from . import (  # noqa: F401
            api,
            api_reports,
            figures,
            holdings,
            menu,
            panels,
            rules,
            sweeps,
            sweeps_transfers,
        )
