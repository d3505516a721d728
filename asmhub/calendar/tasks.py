"""Background work of the calendar: the weekly digests (Django tasks API)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task

from asmhub.calendar import digest
from asmhub.calendar.models import SavedFilter


@task()
def send_digest(saved_filter_id: int) -> bool:
    """Send one saved filter's digest; False when there was nothing to send."""
    saved = SavedFilter.objects.select_related("user").filter(pk=saved_filter_id).first()
    if saved is None or not saved.weekly_digest or not saved.user.email:
        return False
    now = timezone.now()
    composed = digest.compose(saved, timezone.localdate(now))
    if composed:
        subject, body = composed
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [saved.user.email])
    saved.last_digest_at = now
    saved.save(update_fields=["last_digest_at"])
    return composed is not None


def enqueue_digests() -> int:
    """Queue the digests that are due; what ``asmhub send-digests`` runs, weekly."""
    due = digest.due()
    for saved in due:
        send_digest.enqueue(saved.pk)
    return len(due)
