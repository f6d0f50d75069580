from django.apps import AppConfig


class EsafetyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "esafety"
    verbose_name = "E-safety core"

    def ready(self):
        from django.core.signals import request_finished, request_started

        from . import celery, menu, panels, school_figures, warming  # noqa: F401  (Celery; registries)
        from .api import people  # noqa: F401  (the core's API resources)
        from .charts import finish_request, start_request
        from .figures_store import start_recording
        from .retention import sweeps as retention_sweeps  # noqa: F401  (the monthly review)
        from .retention.registry import discover
        from .subject_access import sweeps  # noqa: F401  (subject access reminders)

        discover()  # every app's retention.py, once all apps are loaded

        # Each request notes the stale figures it was given, for its page's note.
        request_started.connect(
            lambda **kwargs: start_recording(), weak=False, dispatch_uid="figures-served"
        )
        # A request's new chart drawings are kept in the database after its response.
        request_started.connect(
            lambda **kwargs: start_request(), weak=False, dispatch_uid="chart-drawings"
        )
        request_finished.connect(
            lambda **kwargs: finish_request(), weak=False, dispatch_uid="chart-drawings"
        )
