"""Donor officers act on the concepts they find: save, express interest, write.

Every write is an action (``core.actions.Action``): checked in ``core.permissions``,
then made with its audit entry in one transaction. A message to the proposers is stored
and e-mailed to each member of the proposing organizations, one e-mail each, so that no
one's address is shown to anyone else. The proposers' contact details stay out of every
page and e-mail the donor sees until a proposer answers, and then only what that
proposer chose to share goes with the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asmhub.accounts.models import User
from asmhub.core import permissions
from asmhub.core.actions import Action
from asmhub.core.services import site_url
from asmhub.directory.models import Organization
from asmhub.funding.engagement_models import ConceptMessage, Interest, SavedConcept
from asmhub.funding.models import Concept

MAX_MESSAGE = 5000

# What a proposer may choose to share with a donor when answering.
SHAREABLE = {
    "name": gettext_lazy("my name"),
    "email": gettext_lazy("my e-mail address"),
    "other": gettext_lazy("another way to reach me (phone, office)"),
}


def _require_donor(user: Any, concept: Concept) -> int:
    if not permissions.can_engage_concept(user, concept):
        raise PermissionDenied(
            _("Only officers of a donor organization may do this, on a published concept.")
        )
    donor_id = permissions.donor_organization_id(user)
    assert donor_id is not None
    return donor_id


class ToggleSaved(Action[Any]):
    """Add the concept to the officer's saved list, or take it off."""

    def __init__(self, user: Any, concept: Concept) -> None:
        super().__init__(user, concept)
        self.saved = False

    def check(self) -> None:
        _require_donor(self.user, self.instance)

    def apply(self) -> dict[str, Any]:
        found = SavedConcept.objects.filter(user=self.user, concept=self.instance)
        if found.exists():
            found.delete()
            self.verb, self.saved = "unsave", False
        else:
            SavedConcept.objects.create(user=self.user, concept=self.instance)
            self.verb, self.saved = "save", True
        return {"saved": self.saved}


class ExpressInterest(Action[Any]):
    """The officer's donor says it is interested in the concept; once per donor."""

    def __init__(self, user: Any, concept: Concept) -> None:
        super().__init__(user, concept)
        self.verb = "interest"

    def check(self) -> None:
        self.donor_id = _require_donor(self.user, self.instance)

    def apply(self) -> dict[str, Any]:
        interest, created = Interest.objects.get_or_create(
            concept=self.instance, donor_id=self.donor_id, defaults={"expressed_by": self.user}
        )
        return {"donor": str(interest.donor), "new": created}


def _clean_body(body: str) -> str:
    text = body.strip()
    if not text:
        raise ValidationError(_("Write a message."))
    if len(text) > MAX_MESSAGE:
        raise ValidationError(
            _("The message is too long: at most %(n)d characters.") % {"n": MAX_MESSAGE}
        )
    return text


def proposer_users(concept: Concept) -> QuerySet[User]:
    """The members of the concept's proposing organizations (or of its contributor)."""
    orgs: list[int | None] = list(concept.proposers.values_list("pk", flat=True))
    if not orgs:
        orgs = [concept.owner_organization_id]
    return User.objects.filter(organization_id__in=orgs, is_active=True).order_by("pk")


class WriteToProposers(Action[Any]):
    """A donor officer's message to the proposers: stored, then e-mailed to each of them."""

    def __init__(self, user: Any, concept: Concept, body: str) -> None:
        super().__init__(user, concept)
        self.body = body
        self.verb = "message:to-proposers"

    def check(self) -> None:
        self.donor_id = _require_donor(self.user, self.instance)
        self.text = _clean_body(self.body)

    def apply(self) -> dict[str, Any]:
        self.message = ConceptMessage.objects.create(
            concept=self.instance,
            donor_id=self.donor_id,
            direction=ConceptMessage.Direction.TO_PROPOSERS,
            sender=self.user,
            body=self.text,
        )
        Interest.objects.get_or_create(
            concept=self.instance, donor_id=self.donor_id, defaults={"expressed_by": self.user}
        )
        return {"message": self.message.pk, "donor": str(self.message.donor)}

    def execute(self) -> Any:
        super().execute()
        recipients = [u for u in proposer_users(self.instance) if u.email]
        for user in recipients:
            _mail(
                "funding/email/to_proposers",
                {"message": self.message, "concept": self.instance},
                user.email,
            )
        return self.message


class ReplyToDonor(Action[Any]):
    """A proposer's answer to a donor, with only the contact details they chose."""

    def __init__(
        self,
        user: Any,
        concept: Concept,
        donor: Organization,
        body: str,
        share: list[str],
        other: str = "",
    ) -> None:
        super().__init__(user, concept)
        self.donor = donor
        self.body = body
        self.share = share
        self.other = other.strip()
        self.verb = "message:to-donor"

    def check(self) -> None:
        if not permissions.proposes(self.user, self.instance):
            raise PermissionDenied(_("Only the concept's proposers may answer a donor."))
        if not ConceptMessage.objects.filter(
            concept=self.instance,
            donor=self.donor,
            direction=ConceptMessage.Direction.TO_PROPOSERS,
        ).exists():
            raise PermissionDenied(_("This donor has not written about this concept."))
        unknown = set(self.share) - set(SHAREABLE)
        if unknown:
            raise ValidationError(_("Unknown contact detail: %s") % ", ".join(sorted(unknown)))
        if "other" in self.share and not self.other:
            raise ValidationError(_("Say what other way to reach you to share, or untick it."))
        self.text = _clean_body(self.body)

    def shared(self) -> dict[str, str]:
        values = {
            "name": self.user.get_full_name() or self.user.get_username(),
            "email": self.user.email,
            "other": self.other,
        }
        return {key: values[key] for key in SHAREABLE if key in self.share and values[key]}

    def apply(self) -> dict[str, Any]:
        self.message = ConceptMessage.objects.create(
            concept=self.instance,
            donor=self.donor,
            direction=ConceptMessage.Direction.TO_DONOR,
            sender=self.user,
            body=self.text,
            shared=self.shared(),
        )
        return {"message": self.message.pk, "shared": sorted(self.message.shared)}

    def execute(self) -> Any:
        super().execute()
        officers = User.objects.filter(
            pk__in=ConceptMessage.objects.filter(
                concept=self.instance,
                donor=self.donor,
                direction=ConceptMessage.Direction.TO_PROPOSERS,
            ).values("sender"),
            organization=self.donor,
            is_active=True,
        )
        for officer in officers:
            if officer.email:
                _mail(
                    "funding/email/to_donor",
                    {"message": self.message, "concept": self.instance},
                    officer.email,
                )
        return self.message


def _mail(template: str, context: dict[str, Any], address: str) -> None:
    message = context["message"]
    context = {
        **context,
        "link": site_url(message.get_absolute_url()),
        "labels": SHAREABLE,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])


@dataclass(frozen=True)
class Thread:
    concept: Concept
    donor: Organization
    messages: list[ConceptMessage]


def thread(concept: Concept, donor: Organization) -> Thread:
    return Thread(
        concept,
        donor,
        list(ConceptMessage.objects.filter(concept=concept, donor=donor).select_related("sender")),
    )


def donor_context(user: Any, concept: Concept) -> dict[str, Any]:
    """What the concept page shows a donor officer, and a proposer, of this engagement."""
    context: dict[str, Any] = {"can_engage": permissions.can_engage_concept(user, concept)}
    if context["can_engage"]:
        donor_id = _require_donor(user, concept)
        context["is_saved"] = SavedConcept.objects.filter(user=user, concept=concept).exists()
        context["is_interested"] = Interest.objects.filter(
            concept=concept, donor_id=donor_id
        ).exists()
        context["my_donor"] = Organization.objects.get(pk=donor_id)
    if permissions.proposes(user, concept):
        context["interests"] = concept.interests.select_related("donor")
        donors = (
            ConceptMessage.objects.filter(concept=concept)
            .values_list("donor", flat=True)
            .distinct()
        )
        context["conversations"] = Organization.objects.filter(pk__in=donors).order_by("name")
    return context


def saved_for(user: Any) -> dict[str, Any]:
    """A donor officer's list: saved concepts, their donor's interests and conversations."""
    donor_id = permissions.donor_organization_id(user)
    if donor_id is None:
        raise PermissionDenied(_("Only officers of a donor organization have a saved list."))
    visible = permissions.visible(user, Concept.objects.all())
    talked = ConceptMessage.objects.filter(donor_id=donor_id).values("concept")
    return {
        "saved": visible.filter(saved_by__user=user).distinct(),
        "interested": visible.filter(interests__donor_id=donor_id).distinct(),
        "conversations": visible.filter(pk__in=talked).distinct(),
        "donor": Organization.objects.get(pk=donor_id),
    }
