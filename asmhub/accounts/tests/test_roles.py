import pytest
from django.contrib.auth.models import Group

from asmhub.accounts.models import User
from asmhub.accounts.services import assign_role, ensure_demo_admin, role_definitions, sync_roles


@pytest.mark.django_db
def test_roles_hold_the_permissions_of_roles_yaml() -> None:
    sync_roles()
    editor = Group.objects.get(name="editor")
    perms = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in editor.permissions.select_related("content_type")
    }
    expected = next(r for r in role_definitions() if r["name"] == "editor")["permissions"]
    assert perms == set(expected)
    assert "directory.view_contact_details" not in {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name="member").permissions.all()
    }


@pytest.mark.django_db
def test_an_unknown_role_is_refused(owner: User) -> None:
    with pytest.raises(ValueError, match="unknown role 'warlord'"):
        assign_role(owner, "warlord")


@pytest.mark.django_db
def test_the_demo_administrator_is_made_once() -> None:
    user, password = ensure_demo_admin()
    assert password and user.check_password(password)
    assert user.groups.filter(name="secretariat-admin").exists()
    again, second = ensure_demo_admin()
    assert again == user and second is None
