"""The newsletter: who a segment reaches, composing the message, and sending it.

Recipients are directory people with an e-mail address in their contact details and
platform accounts with an address, whose latest newsletter consent
(``directory.ConsentRecord``, purpose ``newsletter``) is a yes, and whose address has not
unsubscribed (``Suppression``). A segment narrows them: stakeholder types, donors only,
countries, working groups: within one criterion any value matches, across criteria all
must. A person matches through the organizations they are affiliated with (and their own
countries); an account through its organization.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from asmhub.accounts.models import User
from asmhub.core import permissions
from asmhub.core.actions import audit
from asmhub.core.models import Status
from asmhub.core.services import site_url
from asmhub.directory.models import ConsentRecord, ContactDetails, Organization, Person
from asmhub.directory.services import record_consent
from asmhub.outreach import tokens
from asmhub.outreach.models import Newsletter, NewsletterRecipient, Suppression

PURPOSE = ConsentRecord.Purpose.NEWSLETTER


@dataclass(frozen=True)
class Recipient:
    address: str
    name: str
    person_id: int | None = None
    user_id: int | None = None


def _consented(field: str) -> set[int]:
    """The people (``field="person"``) or accounts whose latest newsletter consent is yes."""
    latest: dict[int, bool] = {}
    rows = (
        ConsentRecord.objects.filter(purpose=PURPOSE, **{f"{field}__isnull": False})
        .order_by(f"{field}_id", "recorded_at", "id")
        .values_list(f"{field}_id", "granted")
    )
    for subject_id, granted in rows:
        latest[subject_id] = granted
    return {subject_id for subject_id, granted in latest.items() if granted}


def _organizations(types: list[Any], groups: list[Any], donors_only: bool) -> Any:
    """The organizations the segment selects by type, donor profile and working group;
    None when the segment sets none of these."""
    if not types and not groups and not donors_only:
        return None
    orgs = Organization.objects.exclude(status=Status.ARCHIVED)
    if types:
        orgs = orgs.filter(stakeholder_type__in=types)
    if donors_only:
        orgs = orgs.filter(donor_profile__isnull=False)
    if groups:
        orgs = orgs.filter(working_groups__in=groups)
    return orgs.distinct()


def suppressed() -> set[str]:
    return set(
        Suppression.objects.filter(list=Suppression.List.NEWSLETTER).values_list(
            "address_hash", flat=True
        )
    )


def segment(newsletter: Newsletter) -> tuple[list[Recipient], int]:
    """Who the newsletter would reach, one per address, and how many of the segment's
    consenting people are left out because they unsubscribed."""
    return segment_of(
        newsletter,
        stakeholder_types=list(newsletter.stakeholder_types.all()),
        countries=list(newsletter.countries.all()),
        working_groups=list(newsletter.working_groups.all()),
    )


def segment_of(
    newsletter: Newsletter,
    *,
    stakeholder_types: list[Any],
    countries: list[Any],
    working_groups: list[Any],
) -> tuple[list[Recipient], int]:
    """``segment`` for criteria given apart from the newsletter (a form not yet saved)."""
    orgs = _organizations(stakeholder_types, working_groups, newsletter.donors_only)
    countries = list(countries)

    people = Person.objects.filter(pk__in=_consented("person")).exclude(status=Status.ARCHIVED)
    if orgs is not None:
        people = people.filter(affiliations__organization__in=orgs)
    if countries:
        people = people.filter(
            Q(countries__in=countries)
            | Q(affiliations__organization__countries__in=countries)
            | Q(affiliations__organization__hq_country__in=countries)
        )
    contacts = ContactDetails.objects.filter(person__in=people.distinct()).exclude(email="")

    accounts = User.objects.filter(pk__in=_consented("user"), is_active=True).exclude(email="")
    if orgs is not None:
        accounts = accounts.filter(organization__in=orgs)
    if countries:
        accounts = accounts.filter(
            Q(organization__countries__in=countries) | Q(organization__hq_country__in=countries)
        )

    found: dict[str, Recipient] = {}
    for c in contacts.select_related("person").order_by("person__name"):
        address = c.email.strip().lower()
        found.setdefault(address, Recipient(address, c.person.name, person_id=c.person_id))
    for u in accounts.distinct().order_by("username"):
        address = u.email.strip().lower()
        name = u.get_full_name() or u.username
        found.setdefault(address, Recipient(address, name, user_id=u.pk))
    left = suppressed()
    kept = [r for r in found.values() if tokens.address_hash(r.address) not in left]
    return kept, len(found) - len(kept)


def items(newsletter: Newsletter) -> dict[str, list[Any]]:
    """The newsletter's chosen items that are still published, by kind: a newsletter
    goes to people outside the platform, so it holds only what anyone may see."""
    anyone = AnonymousUser()
    return {
        "resources": list(permissions.visible(anyone, newsletter.resources.all())),
        "stories": list(permissions.visible(anyone, newsletter.stories.all())),
        "events": list(permissions.visible(anyone, newsletter.events.all())),
        "opportunities": list(permissions.visible(anyone, newsletter.opportunities.all())),
    }


def unsubscribe_url(address: str) -> str:
    return site_url(reverse("outreach:unsubscribe", args=[tokens.make(address)]))


def render(newsletter: Newsletter, address: str | None) -> str:
    """The text of the newsletter as ``address`` receives it (its own unsubscribe link),
    in the newsletter's language; with no address, the preview, with a placeholder."""
    with translation.override(newsletter.language):
        link = unsubscribe_url(address) if address else _("[the recipient's own unsubscribe link]")
        return render_to_string(
            "outreach/email/newsletter.txt",
            {
                "newsletter": newsletter,
                **items(newsletter),
                "unsubscribe_url": link,
                "site_url": site_url(""),
            },
        )


def check_may_send(user: Any) -> None:
    if not permissions.can_send_newsletters(user):
        raise PermissionDenied(_("Only the secretariat may send newsletters."))


@transaction.atomic
def start_sending(user: Any, newsletter: Newsletter) -> int:
    """Write one recipient row per address and queue the sending; how many rows."""
    from asmhub.outreach.tasks import send_newsletter

    check_may_send(user)
    newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
    if newsletter.state != Newsletter.State.DRAFT:
        raise ValidationError(_("This newsletter has already been sent."))
    chosen = items(newsletter)
    if not newsletter.intro.strip() and not any(chosen.values()):
        raise ValidationError(
            _("The newsletter is empty: write an introduction or choose published items.")
        )
    recipients, _left = segment(newsletter)
    if not recipients:
        raise ValidationError(_("Nobody in this segment has agreed to receive the newsletter."))
    NewsletterRecipient.objects.bulk_create(
        NewsletterRecipient(
            newsletter=newsletter,
            person_id=r.person_id,
            user_id=r.user_id,
            name=r.name[:250],
            address=r.address,
        )
        for r in recipients
    )
    newsletter.state = Newsletter.State.SENDING
    newsletter.save(update_fields=["state"])
    audit(user, "newsletter:send", newsletter, {"recipients": len(recipients)})
    transaction.on_commit(lambda: send_newsletter.enqueue(newsletter.pk))
    return len(recipients)


def deliver(newsletter_id: int) -> dict[str, int]:
    """Send the queued rows of a newsletter, each with its own unsubscribe link and
    ``List-Unsubscribe`` header; an address that unsubscribed meanwhile is skipped."""
    newsletter = Newsletter.objects.get(pk=newsletter_id)
    left = suppressed()
    counts = {"sent": 0, "failed": 0, "unsubscribed": 0}
    for row in NewsletterRecipient.objects.filter(
        newsletter=newsletter, outcome=NewsletterRecipient.Outcome.QUEUED
    ):
        if tokens.address_hash(row.address) in left:
            row.outcome = NewsletterRecipient.Outcome.UNSUBSCRIBED
            counts["unsubscribed"] += 1
        else:
            link = unsubscribe_url(row.address)
            message = EmailMessage(
                newsletter.subject,
                render(newsletter, row.address),
                settings.DEFAULT_FROM_EMAIL,
                [row.address],
                headers={
                    "List-Unsubscribe": f"<{link}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
            try:
                message.send()
            except Exception as exc:  # one bad address must not stop the others
                row.outcome = NewsletterRecipient.Outcome.FAILED
                row.error = f"{type(exc).__name__}: {exc}"[:300]
                counts["failed"] += 1
            else:
                row.outcome = NewsletterRecipient.Outcome.SENT
                row.sent_at = timezone.now()
                counts["sent"] += 1
        row.save(update_fields=["outcome", "error", "sent_at"])
    newsletter.state = Newsletter.State.SENT
    newsletter.sent_at = timezone.now()
    newsletter.save(update_fields=["state", "sent_at"])
    return counts


def unsubscribe(list_name: str, value: str) -> None:
    """Honour an unsubscribe link: the address leaves the newsletter for every later
    send (and the people and accounts with that address get a withdrawn consent), or an
    account's alerts are turned off."""
    from asmhub.outreach.models import AlertSettings, Kind

    if list_name == "email-follow":  # every follow of that address ends
        from asmhub.outreach.models import EmailFollow

        found = EmailFollow.objects.filter(pk=value).first()
        if found is not None:
            EmailFollow.objects.filter(address=found.address).delete()
        return
    if list_name == "alerts":
        user = User.objects.filter(pk=value).first()
        if user is not None:
            AlertSettings.objects.update_or_create(
                user=user,
                defaults={"frequency": AlertSettings.Frequency.OFF},
                create_defaults={"frequency": AlertSettings.Frequency.OFF, "kinds": Kind.values},
            )
        return
    if list_name != Suppression.List.NEWSLETTER:
        raise ValueError(f"unknown list {list_name!r}")
    with transaction.atomic():
        Suppression.objects.get_or_create(address_hash=value, list=list_name)
        people, accounts = _consented("person"), _consented("user")
        for c in ContactDetails.objects.exclude(email="").select_related("person"):
            if tokens.address_hash(c.email) == value and c.person_id in people:
                record_consent(
                    purpose=PURPOSE,
                    granted=False,
                    method=ConsentRecord.Method.FORM,
                    recorded_by=None,
                    person=c.person,
                    scope="unsubscribe link",
                )
        for u in User.objects.exclude(email=""):
            if tokens.address_hash(u.email) == value and u.pk in accounts:
                record_consent(
                    purpose=PURPOSE,
                    granted=False,
                    method=ConsentRecord.Method.FORM,
                    recorded_by=None,
                    user=u,
                    scope="unsubscribe link",
                )
