from collections.abc import Callable

from django.test import Client
from django.utils import timezone

from asmhub.accounts.models import ApiToken, User, hash_token


def test_a_token_is_shown_once_and_stored_hashed(
    login: Callable[[User], Client], owner: User
) -> None:
    response = login(owner).post("/accounts/profile/", {"name": "field script", "days": "30"})
    body = response.content.decode()
    token = ApiToken.objects.get(user=owner)
    raw = body.split('class="token">')[1].split("<")[0]
    assert raw.startswith("asmh_")
    assert token.key_hash == hash_token(raw) and raw not in token.key_hash
    assert token.expires_at is not None


def test_the_api_knows_the_token_holder(client: Client, owner: User) -> None:
    _, raw = ApiToken.issue(owner, "script")
    response = client.get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["username"] == "owner"
    assert response.json()["roles"] == ["member"]
    assert response.json()["can_view_contact_details"] is False


def test_wrong_expired_and_revoked_tokens_are_refused(
    client: Client, login: Callable[[User], Client], owner: User
) -> None:
    assert client.get("/api/accounts/me", HTTP_AUTHORIZATION="Bearer asmh_wrong").status_code == 401
    assert (
        client.get(
            "/api/directory/organizations", HTTP_AUTHORIZATION="Bearer asmh_wrong"
        ).status_code
        == 401
    )
    _expired, raw_expired = ApiToken.issue(
        owner, "old", timezone.now() - timezone.timedelta(days=1)
    )
    assert (
        client.get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {raw_expired}").status_code
        == 401
    )
    token, raw = ApiToken.issue(owner, "script")
    login(owner).post(f"/accounts/tokens/{token.pk}/revoke/")
    client.logout()
    assert client.get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_nobody_revokes_another_users_token(
    login: Callable[[User], Client], owner: User, outsider: User
) -> None:
    token, _ = ApiToken.issue(owner, "script")
    assert login(outsider).post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()
