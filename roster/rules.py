"""Who may run the MIS sync: the people who manage a school's people (its headteacher
and e-safety officer, `esafety.manage_people`). Its runs list pupils, staff and parents
by name, so no one else sees them. Loaded by `RosterConfig.ready`."""

import rules

from esafety.roles import managed_school_ids, school_predicates

school = school_predicates()


def sync_school_ids(user) -> set[int]:
    """Schools whose sync settings and runs this person may see."""
    if not user.is_authenticated:
        return set()
    return managed_school_ids(user)


rules.add_rule("roster.manage", school.manages)
