"""Background tasks of the site shell (Django tasks API, django-tasks backport)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django_tasks import task


@task()
def send_email(
    subject: str, body: str, to: list[str], headers: dict[str, str] | None = None
) -> int:
    """Send one plain-text message; ``headers`` adds mail headers such as
    ``List-Unsubscribe``."""
    if not headers:
        return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to, headers=headers)
    return message.send()
