from django.apps import AppConfig


class RosterConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "roster"
    verbose_name = "MIS sync"

    def ready(self):
        from . import menu, rules  # noqa: F401  (registries)
