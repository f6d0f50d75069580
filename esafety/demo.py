"""The core's demo records (seed_demo calls each app's `demo.seed`): an open subject
access request from a parent in each demo school; a legal hold and a past destruction
batch in the retention register."""

from .retention.demo import seed as seed_retention
from .subject_access.demo import seed as seed_subject_access


def seed(schools) -> None:
    seed_subject_access(schools)
    seed_retention(schools)
