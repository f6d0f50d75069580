"""Signals the core sends for writes that Django's own save signals never see.

`people_imported`: the people import wrote its rows in bulk (no `post_save` for each
membership or parent link). Apps that act on a new person or link at once (agreements
asks them to sign) connect to it from their `AppConfig.ready`; the core names no app.
Sent on commit, with `school`.

`people_left`: a sync from the school's MIS ended the roles of people who have left
(in bulk, so again no `post_save`). Sent on commit, with `school`, `memberships` (the
ended memberships' ids -> the destination school where the MIS gave one, else "") and
`ended_on`. What hangs on a leaver (a child's file to transfer, a device to return, an
account to close) connects here.
"""

from django.dispatch import Signal

people_imported = Signal()
people_left = Signal()
