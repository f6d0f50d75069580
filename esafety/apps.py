from django.apps import AppConfig


class EsafetyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "esafety"
    verbose_name = "E-safety core"

    def ready(self):
        from django.core.signals import request_started

        from . import celery, menu, panels, school_figures, warming  # noqa: F401  (Celery; registries)
        from .api import people  # noqa: F401  (the core's API resources)
        from .figures_store import start_recording

        # Each request notes the stale figures it was given, for its page's note.
        request_started.connect(
            lambda **kwargs: start_recording(), weak=False, dispatch_uid="figures-served"
        )
