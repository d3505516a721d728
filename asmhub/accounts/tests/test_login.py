from django.test import Client

from asmhub.accounts.models import User

PASSWORD = "a-long-pass-phrase-91"


def _login(client: Client, password: str) -> int:
    return client.post("/accounts/login/", {"username": "owner", "password": password}).status_code


def test_signing_in_with_the_right_password_works(client: Client, owner: User) -> None:
    response = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/accounts/profile/").status_code == 200


def test_failed_sign_ins_are_throttled(client: Client, owner: User) -> None:
    for _ in range(4):
        assert _login(client, "wrong") == 200  # the form again, with an error
    assert _login(client, "wrong") == 429  # the fifth failure locks the account for this address
    # Locked out now, even with the right password.
    response = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD})
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()
    assert client.get("/accounts/profile/").status_code == 302


def test_the_login_form_is_csrf_protected(owner: User) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD})
    assert response.status_code == 403
