"""The core's demo records (seed_demo calls each app's `demo.seed`): an open subject
access request from a parent in each demo school."""

from .subject_access.demo import seed  # noqa: F401
