"""Pages where donor officers act on concepts and talk with their proposers."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from asmhub.core import permissions
from asmhub.core.crud import get_visible
from asmhub.directory.models import Organization
from asmhub.funding import engagement
from asmhub.funding.models import Concept


class MessageForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=engagement.MAX_MESSAGE,
    )


class ReplyForm(MessageForm):
    share = forms.MultipleChoiceField(
        label=gettext_lazy("Share with the donor"),
        choices=list(engagement.SHAREABLE.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("Nothing else about you is shown to the donor."),
    )
    other = forms.CharField(
        label=gettext_lazy("Another way to reach me"), max_length=300, required=False
    )


def _concept(request: HttpRequest, slug: str) -> Concept:
    concept: Concept = get_visible(request, Concept.objects.all(), slug=slug)
    return concept


@login_required
@require_POST
def save(request: HttpRequest, slug: str) -> HttpResponse:
    concept = _concept(request, slug)
    action = engagement.ToggleSaved(request.user, concept)
    action.execute()
    messages.success(
        request, _("Saved to your list.") if action.saved else _("Removed from your list.")
    )
    return redirect(concept)


@login_required
@require_POST
def interest(request: HttpRequest, slug: str) -> HttpResponse:
    concept = _concept(request, slug)
    engagement.ExpressInterest(request.user, concept).execute()
    messages.success(request, _("The proposers see that your organization is interested."))
    return redirect(concept)


@login_required
def conversation(request: HttpRequest, slug: str, donor: str) -> HttpResponse:
    """The messages between one donor and the concept's proposers, and the form to write."""
    concept = _concept(request, slug)
    donor_org = get_object_or_404(Organization, slug=donor)
    if not permissions.can_view_conversation(request.user, concept, donor_org.pk):
        raise Http404
    as_donor = permissions.donor_organization_id(request.user) == donor_org.pk
    found = engagement.thread(concept, donor_org)
    if not as_donor and not found.messages:
        raise Http404
    form_class = MessageForm if as_donor else ReplyForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if as_donor:
                engagement.WriteToProposers(
                    request.user, concept, form.cleaned_data["body"]
                ).execute()
                done = _("Message sent to the proposers.")
            else:
                engagement.ReplyToDonor(
                    request.user,
                    concept,
                    donor_org,
                    form.cleaned_data["body"],
                    form.cleaned_data.get("share", []),
                    form.cleaned_data.get("other", ""),
                ).execute()
                done = _("Answer sent to the donor.")
        except (PermissionDenied, ValidationError) as exc:
            reason = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            form.add_error(None, reason)
        else:
            messages.success(request, done)
            return redirect("funding:conversation", concept.slug, donor_org.slug)
    return render(
        request,
        "funding/conversation.html",
        {
            "concept": concept,
            "donor": donor_org,
            "thread": found,
            "as_donor": as_donor,
            "form": form,
            "labels": engagement.SHAREABLE,
        },
    )


@login_required
def saved(request: HttpRequest) -> HttpResponse:
    return render(request, "funding/saved.html", engagement.saved_for(request.user))
