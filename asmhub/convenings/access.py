"""Who may see and change a convening and its records.

Organizers are editors, members of the organization that contributed the convening, and
members of its organizing organizations. A convening in draft is theirs alone; once
published, its agenda, groups, statements and commitments are public. The participant
list shows what each participant consented to; contact details go to other participants
and organizers only where the participant agreed, and otherwise only to users who hold
the directory's contact-details permission.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from asmhub.convenings.models import Convening, Participant
from asmhub.core import permissions
from asmhub.core.models import Status
from asmhub.directory.models import ContactDetails

SESSION_KEY = "convening_participants"


def is_organizer(user: Any, convening: Convening) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if permissions.can_change(user, convening):
        return True
    org_id = getattr(user, "organization_id", None)
    return bool(
        org_id
        and permissions.can_contribute(user)
        and convening.organizers.filter(pk=org_id).exists()
    )


def can_view(user: Any, convening: Convening) -> bool:
    return convening.status == Status.PUBLISHED or is_organizer(user, convening)


def can_view_page(request: HttpRequest, convening: Convening) -> bool:
    """Whether the visitor may see the convening: published, organizer, or a participant."""
    return can_view(request.user, convening) or current_participant(request, convening) is not None


def visible_convenings(user: Any) -> QuerySet[Convening]:
    queryset = Convening.objects.all()
    if permissions.is_editor(user):
        return queryset
    condition = Q(status=Status.PUBLISHED)
    org_id = getattr(user, "organization_id", None) if user.is_authenticated else None
    if org_id and permissions.can_contribute(user):
        condition |= Q(owner_organization_id=org_id) | Q(organizers=org_id)
    return queryset.filter(condition).distinct()


def current_participant(request: HttpRequest, convening: Convening) -> Participant | None:
    """The participant the visitor is: by the personal link they opened, or by their account."""
    chosen = request.session.get(SESSION_KEY, {}).get(str(convening.pk))
    if chosen:
        participant = convening.participants.filter(pk=chosen).first()
        if participant is not None:
            return participant
    if request.user.is_authenticated:
        return convening.participants.filter(user=request.user).first()
    return None


def remember_participant(request: HttpRequest, participant: Participant) -> None:
    chosen = dict(request.session.get(SESSION_KEY, {}))
    chosen[str(participant.convening_id)] = participant.pk
    request.session[SESSION_KEY] = chosen


def public_participants(convening: Convening) -> QuerySet[Participant]:
    return (
        convening.participants.exclude(listing=Participant.Listing.HIDDEN)
        .select_related("person", "organization")
        .order_by("organization__name", "person__name")
    )


def listed_name(viewer_is_organizer: bool, participant: Participant) -> str:
    """The participant's name as the list may show it, or "" when consent withholds it."""
    if viewer_is_organizer or participant.listing == Participant.Listing.NAME:
        return str(participant.person) if participant.person_id else ""
    return ""


def participant_contact(
    request: HttpRequest, convening: Convening, participant: Participant
) -> ContactDetails | None:
    """The participant's e-mail and phone, or None when the viewer may not see them."""
    if participant.person_id is None:
        return None
    user = request.user
    allowed = permissions.can_view_contact_details(user)
    if not allowed and participant.share_contact:
        viewer = current_participant(request, convening)
        allowed = viewer is not None or is_organizer(user, convening)
    if not allowed:
        return None
    return ContactDetails.objects.filter(person_id=participant.person_id).first()


def convening_for(request: HttpRequest, slug: str) -> Convening:
    """The convening at ``slug``, or 404 when it does not exist or the visitor may not see it."""
    convening = Convening.objects.filter(slug=slug).first()
    if convening is None or not can_view_page(request, convening):
        raise Http404
    return convening


def check_organizer(user: Any, convening: Convening) -> None:
    """Refuse anyone who does not organize ``convening``: what every write checks."""
    if not is_organizer(user, convening):
        raise PermissionDenied(_("Only the convening's organizers may do this."))


def require_organizer(request: HttpRequest, convening: Convening) -> None:
    check_organizer(request.user, convening)


def page_context(request: HttpRequest, convening: Convening, **extra: Any) -> dict[str, Any]:
    """What every page of a convening needs: the convening, whether the visitor organizes
    it, and which participant they are."""
    return {
        "convening": convening,
        "is_organizer": is_organizer(request.user, convening),
        "me": current_participant(request, convening),
        **extra,
    }
