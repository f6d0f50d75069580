"""Low-level concerns for tests, made through the service as a member of staff would."""

from concerns import services


def concern(school, by, about, text="Over-familiar with a pupil on a school chat.", **extra):
    return services.raise_concern(school=school, by=by, about=about, what_happened=text, **extra)
