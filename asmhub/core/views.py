from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie

from asmhub.core import permissions, revisions, search, services
from asmhub.core.actions import ReviewRevision
from asmhub.core.models import Revision


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", services.home_context(request.user))


def search_page(request: HttpRequest) -> HttpResponse:
    """Everything that matches the words of the header's search box, grouped by kind."""
    text = search.clean(request.GET.get("q", ""))
    groups = search.search_everything(request.user, text)
    context = {"query": text, "groups": groups, "per_kind": search.RESULTS_PER_KIND}
    return render(request, "core/search.html", context)


def about(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/about.html",
        {"mandate": services.mandate(), "capabilities": services.capabilities()},
    )


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: answers 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@never_cache
@ensure_csrf_cookie
def csrf_cookie(request: HttpRequest) -> HttpResponse:
    """Sets the CSRF cookie for the page's script (pages carry no token of their own:
    anonymous pages are shared from the cache)."""
    return HttpResponse(status=204)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"code": 404}, status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The refusal, with the reason the check gave (our own translated messages)."""
    reason = str(exception) if isinstance(exception, PermissionDenied) else ""
    return render(request, "core/error.html", {"code": 403, "reason": reason}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "core/error.html", {"code": 500}, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "core/error.html", {"code": 403, "csrf": True}, status=403)


@login_required
def revision_list(request: HttpRequest) -> HttpResponse:
    """Proposed changes awaiting review, for editors."""
    if not permissions.can_review_revisions(request.user):
        raise PermissionDenied(_("Only an editor may approve or reject a proposed change."))
    pending = Revision.objects.filter(state=Revision.State.PENDING).select_related(
        "proposed_by", "target_type"
    )
    return render(request, "core/revision_list.html", {"revisions": pending})


@login_required
def revision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A proposed change beside the published values; editors approve or reject it."""
    revision = get_object_or_404(Revision, pk=pk)
    if not permissions.can_view_revision(request.user, revision):
        raise Http404
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision not in ("approve", "reject"):
            messages.error(request, _("Choose to approve or to reject the change."))
        else:
            try:
                ReviewRevision(
                    request.user,
                    revision,
                    approve=decision == "approve",
                    note=request.POST.get("note", ""),
                ).execute()
            except PermissionDenied as exc:
                messages.error(request, str(exc))
            except ValidationError as exc:
                messages.error(
                    request,
                    _("The change cannot be applied: %(reason)s")
                    % {"reason": "; ".join(exc.messages)},
                )
            else:
                messages.success(
                    request,
                    _("Change approved and published.")
                    if decision == "approve"
                    else _("Change rejected."),
                )
                target = revision.target
                return redirect(target if target is not None else "core:revisions")
        return redirect(revision)
    return render(
        request,
        "core/revision.html",
        {
            "revision": revision,
            "target": revision.target,
            "differences": revisions.differences(revision),
            "can_review": permissions.can_review_revisions(request.user)
            and revision.state == Revision.State.PENDING,
        },
    )
