from django.apps import AppConfig


class DevicesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "devices"

    def ready(self):
        from . import api, figures, holdings, loan_agreement, menu, panels, rules, sweeps  # noqa: F401  (registries)
