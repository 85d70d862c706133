"""Who may change whose role: only a superuser touches a superuser or an admin,
and nobody grants a role above (or equal to) their own — in the service and on
every path of the back office."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from accounts.services import user_create, user_set_role
from cinema.errors import Conflict, PermissionDenied
from cinema.tests.test_admin_actions import persona, post_action
from conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def root():
    return persona("superuser")


@pytest.fixture
def all_rights():
    """Staff holding every permission, not a superuser."""
    return persona("admin")


@pytest.fixture
def manager_who_may_change_users(manager):
    manager.user_permissions.add(Permission.objects.get(codename="change_user"))
    return User.objects.get(pk=manager.pk)  # a fresh instance: permissions are cached per instance


def _role(user):
    user = User.objects.get(pk=user.pk)
    return user.role, user.is_staff, user.is_superuser


# --- the service --------------------------------------------------------------


@pytest.mark.parametrize(
    "actor, target, role",
    [
        ("manager", "root", Role.CUSTOMER),  # may only view users
        ("manager", "customer", Role.MANAGER),
        ("manager_who_may_change_users", "root", Role.CUSTOMER),
        ("manager_who_may_change_users", "customer", Role.MANAGER),  # not even one's own role
        ("manager_who_may_change_users", "customer", Role.ADMIN),
        ("manager_who_may_change_users", "customer", Role.MODERATOR),  # a right the manager lacks
        ("all_rights", "root", Role.CUSTOMER),
        ("all_rights", "customer", Role.ADMIN),  # makes a superuser
        ("moderator", "customer", Role.MODERATOR),
        ("customer", "customer", Role.MANAGER),
    ],
)
def test_a_role_change_beyond_the_actors_rank_is_refused(request, actor, target, role):
    actor, target = request.getfixturevalue(actor), request.getfixturevalue(target)
    before = _role(target)
    with pytest.raises(PermissionDenied):
        user_set_role(user=target, role=role, by=actor)
    assert _role(target) == before


@pytest.mark.parametrize(
    "actor, target, role",
    [
        ("root", "customer", Role.ADMIN),
        ("root", "all_rights", Role.CUSTOMER),
        ("all_rights", "customer", Role.MANAGER),
        ("all_rights", "moderator", Role.CUSTOMER),
        ("manager_who_may_change_users", "customer", Role.CUSTOMER),
    ],
)
def test_a_role_change_within_the_actors_rank_is_made(request, actor, target, role):
    actor, target = request.getfixturevalue(actor), request.getfixturevalue(target)
    user_set_role(user=target, role=role, by=actor)
    assert _role(target)[0] == role


def test_the_stored_role_counts_not_what_a_form_put_on_the_instance(all_rights, root):
    root.role = Role.CUSTOMER  # as a bound admin form would have done
    with pytest.raises(PermissionDenied):
        user_set_role(user=root, role=Role.CUSTOMER, by=all_rights)
    assert _role(root) == (Role.ADMIN, True, True)


def test_creating_a_user_with_a_role_follows_the_same_rules(all_rights):
    with pytest.raises(PermissionDenied):
        user_create(email="new@example.com", password=PASSWORD, role=Role.ADMIN, by=all_rights, validate_password=False)
    assert not User.objects.filter(email="new@example.com").exists()


# --- the back office -----------------------------------------------------------


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _change_form_data(user, **changes):
    data = {
        name: "" if getattr(user, name) is None else getattr(user, name)
        for name in ("email", *User.PERSONAL_FIELDS, "preferred_language", "role")
    }
    data.update(is_active="on", marketing_opt_in="", email_verified="", preferred_cinema="")
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def _url(name, user):
    return reverse(f"admin:accounts_user_{name}", args=[user.pk])


def test_a_manager_demoting_the_superuser_with_the_action_gets_403(manager, root):
    assert post_action(manager, "accounts.user", "make_customer", root).status_code == 403
    assert _role(root) == (Role.ADMIN, True, True)


def test_select_all_with_a_superuser_among_them_changes_nobody(all_rights, root, moderator):
    client = _client(all_rights)
    data = {"action": "make_customer", "_selected_action": [root.pk, moderator.pk], "select_across": "1"}
    assert client.post(reverse("admin:accounts_user_changelist"), data).status_code == 403
    assert _role(root)[0] == Role.ADMIN and _role(moderator)[0] == Role.MODERATOR


@pytest.mark.parametrize("actor", ["manager", "manager_who_may_change_users", "all_rights"])
def test_only_a_superuser_may_change_a_superuser_in_the_back_office(request, actor, root):
    client = _client(request.getfixturevalue(actor))
    before = _role(root)
    refused = {
        "change form": client.post(_url("change", root), _change_form_data(root, role=Role.CUSTOMER)),
        "password form": client.post(
            reverse("admin:auth_user_password_change", args=[root.pk]),
            {"password1": "An0ther-long-pass", "password2": "An0ther-long-pass"},
        ),
        "delete": client.post(_url("delete", root), {"post": "yes"}),
        "delete selected": post_action(request.getfixturevalue(actor), "accounts.user", "delete_selected", root),
    }
    assert {path: response.status_code for path, response in refused.items()} == dict.fromkeys(refused, 403)
    root.refresh_from_db()
    assert _role(root) == before and root.check_password(PASSWORD)


def test_the_superuser_may_change_a_superuser(root):
    other = make_user("root2@example.com", Role.ADMIN)
    response = _client(root).post(_url("change", other), _change_form_data(other, role=Role.MANAGER))
    assert response.status_code == 302
    assert _role(other) == (Role.MANAGER, True, False)


@pytest.mark.parametrize("actor, role", [("manager_who_may_change_users", Role.MANAGER), ("all_rights", Role.ADMIN)])
def test_the_role_field_offers_no_role_above_the_actors(request, actor, role, customer):
    client = _client(request.getfixturevalue(actor))
    response = client.post(_url("change", customer), _change_form_data(customer, role=role))
    assert response.status_code == 200 and "role" in response.context["adminform"].form.errors
    assert _role(customer) == (Role.CUSTOMER, False, False)


def test_flags_groups_and_permissions_cannot_be_posted_past_the_role(all_rights, customer):
    data = _change_form_data(
        customer,
        first_name="Ivan",
        is_superuser="on",
        is_staff="on",
        groups=[1],
        user_permissions=list(Permission.objects.values_list("pk", flat=True)[:3]),
    )
    assert _client(all_rights).post(_url("change", customer), data).status_code == 302
    customer = User.objects.get(pk=customer.pk)
    assert (customer.is_superuser, customer.is_staff) == (False, False)
    assert not customer.groups.exists() and not customer.user_permissions.exists()


def test_an_admin_that_is_not_a_superuser_cannot_add_a_superuser(all_rights):
    data = {"email": "boss@example.com", "role": Role.ADMIN, "password": "An0ther-long-pass"}
    response = _client(all_rights).post(reverse("admin:accounts_user_add"), data)
    assert response.status_code == 200
    assert not User.objects.filter(email="boss@example.com").exists()


def test_the_role_groups_are_the_superusers_alone(all_rights):
    assert _client(all_rights).get(reverse("admin:auth_group_changelist")).status_code == 403


def test_the_superuser_adds_a_manager_with_flags_and_group_in_step(root):
    data = {"email": "floor@example.com", "role": Role.MANAGER, "password": "An0ther-long-pass"}
    assert _client(root).post(reverse("admin:accounts_user_add"), data).status_code == 302
    user = User.objects.get(email="floor@example.com")
    assert _role(user) == (Role.MANAGER, True, False) and user.groups.filter(name="Managers").exists()


# --- the last superuser ---------------------------------------------------------


def test_the_last_superuser_cannot_be_demoted_not_even_by_themselves(root):
    with pytest.raises(Conflict) as refused:
        user_set_role(user=root, role=Role.CUSTOMER, by=root)
    assert refused.value.code == "last_superuser"
    assert _role(root) == (Role.ADMIN, True, True)


def test_a_superuser_may_be_demoted_while_another_remains(root):
    second = make_user("second-root@example.com", Role.ADMIN)
    user_set_role(user=second, role=Role.MANAGER, by=root)
    assert _role(second) == (Role.MANAGER, True, False)
    with pytest.raises(Conflict):  # now root is the last one
        user_set_role(user=root, role=Role.MANAGER, by=root)


def test_the_back_office_keeps_the_last_superuser(root, customer):
    client = _client(root)
    response = client.post(_url("change", root), _change_form_data(root, role=Role.CUSTOMER), follow=True)
    assert "no active superuser" in response.content.decode()
    assert _role(root) == (Role.ADMIN, True, True)
    response = client.post(_url("change", root), _change_form_data(root, is_active=""), follow=True)
    assert "no active superuser" in response.content.decode()
    assert User.objects.get(pk=root.pk).is_active
    assert client.post(_url("delete", root), {"post": "yes"}).status_code == 403
    data = {"action": "delete_selected", "_selected_action": [root.pk, customer.pk], "post": "yes"}
    assert client.post(reverse("admin:accounts_user_changelist"), data).status_code == 403
    assert User.objects.filter(pk__in=[root.pk, customer.pk]).count() == 2  # all or nothing
    assert client.post(_url("delete", customer), {"post": "yes"}).status_code == 302  # others may go
    assert not User.objects.filter(pk=customer.pk).exists()
