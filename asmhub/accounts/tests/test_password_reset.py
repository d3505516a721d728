import re

from django.core import mail
from django.test import Client

from asmhub.accounts.models import User


def test_a_password_reset_link_is_mailed_and_works(client: Client, owner: User) -> None:
    owner.email = "owner@example.org"
    owner.save()
    response = client.post("/accounts/password-reset/", {"email": "owner@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body)
    assert link is not None
    form_url = client.get(link.group(1)).url  # Django swaps the token for a session
    response = client.post(
        form_url,
        {"new_password1": "another-long-phrase-77", "new_password2": "another-long-phrase-77"},
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("another-long-phrase-77")


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client: Client, owner: User) -> None:
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []
