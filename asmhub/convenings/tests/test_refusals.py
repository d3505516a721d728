"""A refused write says why, in the interface's language, and keeps what was typed."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from asmhub.accounts.services import ensure_demo_admin
from asmhub.conftest import make_org
from asmhub.convenings.forms import ConveningForm
from asmhub.convenings.models import Convening
from asmhub.convenings.tests.conftest import make_convening
from asmhub.convenings.tests.test_convening_views import _form
from asmhub.core.crud import edit_contribution

pytestmark = pytest.mark.django_db


def test_an_administrator_without_an_organization_is_told_why_and_keeps_the_form(
    login: Any, admin_user: Any, org: Any
) -> None:
    client = login(admin_user)
    client.cookies["django_language"] = "fr"
    data = _form(org.pk, title="Table ronde des bailleurs sur l'or")
    response = client.post(reverse("convenings:create"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Rejoignez une organisation avant d&#x27;organiser une rencontre." in body
    assert "Table ronde des bailleurs sur l&#x27;or" in body
    assert not Convening.objects.exists()


def test_a_refusal_while_saving_is_shown_on_the_form_which_keeps_the_typed_values(
    owner: Any, org: Any
) -> None:
    def refuse(saved: Any, form: Any) -> None:
        raise PermissionDenied("The organizing committee has closed registrations.")

    request = RequestFactory().post(reverse("convenings:create"), _form(org.pk))
    request.user = owner
    request.session = {}  # type: ignore[assignment]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    response = edit_contribution(
        request, Convening(), ConveningForm, "convenings/form.html", after_save=refuse
    )
    body = response.content.decode()
    assert response.status_code == 403
    assert "The organizing committee has closed registrations." in body
    assert "Donor round table on gold" in body
    assert not Convening.objects.exists()


def test_the_refusal_page_gives_the_reason(login: Any, outsider: Any, org: Any) -> None:
    convening = make_convening(org)
    response = login(outsider).get(reverse("convenings:edit", args=[convening.slug]))
    assert response.status_code == 403
    assert "Only the convening&#x27;s organizers may do this." in response.content.decode()


def test_the_demo_administrator_belongs_to_the_secretariat_and_creates_a_convening(
    client: Any, org: Any
) -> None:
    secretariat = make_org("CASM Secretariat", type_slug="network", slug="casm-secretariat")
    admin, password = ensure_demo_admin()
    assert password and admin.organization == secretariat
    client.force_login(admin)
    response = client.post(reverse("convenings:create"), _form(secretariat.pk))
    convening = Convening.objects.get()
    assert response.status_code == 302
    assert convening.participants.get().organization == secretariat


def test_an_existing_demo_administrator_without_an_organization_joins_the_secretariat(
    db: Any,
) -> None:
    admin, _ = ensure_demo_admin()
    assert admin.organization is None
    secretariat = make_org("CASM Secretariat", type_slug="network", slug="casm-secretariat")
    again, password = ensure_demo_admin()
    assert password is None and again.organization == secretariat
