"""Signals the core sends for writes that Django's own save signals never see.

`people_imported`: the people import wrote its rows in bulk (no `post_save` for each
membership or parent link). Apps that act on a new person or link at once (agreements
asks them to sign) connect to it from their `AppConfig.ready`; the core names no app.
Sent on commit, with `school`.
"""

from django.dispatch import Signal

people_imported = Signal()
