from django.apps import AppConfig


class SelfreviewConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "selfreview"
    verbose_name = "Online-safety self-review"

    def ready(self):
        from django.apps import apps

        from . import figures, holdings, menu, panels, rules, sweeps  # noqa: F401  (registries)

        if apps.is_installed("governance"):  # its dashboard draws these two figures
            from governance.sections import figure_section

            figure_section(
                "selfreview.levels",
                "Self-review levels",
                max_value=5,
                definition="Each aspect's level (1 not yet in place to 5 strong and "
                "reviewed) in the latest self-review the headteacher has signed.",
            )
            figure_section(
                "selfreview.actions",
                "Self-review action plan",
                definition="The actions of the latest self-review's plan: done, not yet "
                "due, and overdue.",
            )
