from django.apps import AppConfig


class SelfreviewConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "selfreview"
    verbose_name = "Online-safety self-review"

    def ready(self):
        from . import figures, menu, panels, rules, sweeps  # noqa: F401  (registries)
