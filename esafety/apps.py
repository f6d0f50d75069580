from django.apps import AppConfig


class EsafetyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "esafety"
    verbose_name = "E-safety core"

    def ready(self):
        from . import celery, menu, panels, school_figures, warming  # noqa: F401  (Celery; registries)
