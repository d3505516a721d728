from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asmhub.accounts.auth import signed_in
from asmhub.accounts.forms import QueuedPasswordResetForm, TokenForm
from asmhub.accounts.models import ApiToken
from asmhub.core import personal_data
from asmhub.directory.views import json_download


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("accounts:password-reset-done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["days"]
        expires = timezone.now() + timedelta(days=days) if days else None
        _token, new_token = ApiToken.issue(user, form.cleaned_data["name"], expires)
        form = TokenForm()
    context = {
        "form": form,
        "new_token": new_token,
        "tokens": user.api_tokens.all(),
        "roles": user.roles(),
    }
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.delete()
    messages.success(request, _("The token “%s” no longer works.") % token.name)
    return redirect("accounts:profile")


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """Everything the platform holds about the signed-in account, as one JSON file."""
    user = signed_in(request)
    document = personal_data.export(user, personal_data.Subject(user=user))
    return json_download(document, f"personal-data-{user.username}.json")


@login_required
@require_POST
def erase_account(request: HttpRequest) -> HttpResponse:
    """Erase the signed-in account on its owner's request, after they type its username."""
    user = signed_in(request)
    if request.POST.get("confirm") != user.username:
        messages.error(request, _("Type your username to confirm the erasure of your account."))
        return redirect("accounts:profile")
    personal_data.ErasePersonalData(
        user, personal_data.Subject(user=user), f"own request, account {user.pk}"
    ).execute()
    logout(request)
    messages.success(request, _("Your account and its personal data were erased."))
    return redirect("/")
