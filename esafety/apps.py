from django.apps import AppConfig


class EsafetyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "esafety"
    verbose_name = "E-safety core"

    def ready(self):
        from . import celery, menu, panels  # noqa: F401  (the Celery app; core menu and panels)
