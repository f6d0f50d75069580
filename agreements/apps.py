from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "agreements"

    def ready(self):
        from . import figures, holdings, joining, menu, panels, rules, sweeps  # noqa: F401  (registries)

        joining.connect()
