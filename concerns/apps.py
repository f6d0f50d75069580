from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "concerns"
    verbose_name = "Low-level concerns"

    def ready(self):
        from . import holdings, menu, panels, rules  # noqa: F401  (registries)
