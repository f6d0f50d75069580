from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "governance"

    def ready(self):
        from . import api, holdings, menu, panels, rules, sections, sweeps  # noqa: F401  (registries)
