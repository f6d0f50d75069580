# The Celery app is loaded in EsafetyConfig.ready() (and by `celery -A esafety`), not
# here: importing it here would set DJANGO_SETTINGS_MODULE before pytest-django does.
