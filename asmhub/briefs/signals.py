"""Signals other apps may listen to.

``brief_published`` is sent once a new version of a brief has been published and its
transaction committed, with ``sender=Brief`` and the keyword arguments ``brief`` and
``version`` (a ``BriefVersion``). Alerts on new briefs listen to it; the briefs app
itself sends no mail.
"""

from django.dispatch import Signal

brief_published = Signal()
