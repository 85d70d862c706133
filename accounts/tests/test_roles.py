import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client

from accounts.models import Role
from accounts.services import user_set_role
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role, staff, superuser, groups",
    [
        (Role.CUSTOMER, False, False, set()),
        (Role.MODERATOR, True, False, {"Moderators"}),
        (Role.MANAGER, True, False, {"Managers"}),
        (Role.ADMIN, True, True, set()),
    ],
)
def test_setting_a_role_keeps_flags_and_groups_in_step(customer, role, staff, superuser, groups):
    user_set_role(user=customer, role=Role.MANAGER, by=None)  # start from another role
    user_set_role(user=customer, role=role, by=None)
    customer.refresh_from_db()
    assert (customer.is_staff, customer.is_superuser) == (staff, superuser)
    assert set(customer.groups.values_list("name", flat=True)) == groups


def test_moderators_may_only_touch_reviews():
    perms = Group.objects.get(name="Moderators").permissions.values_list("content_type__app_label", flat=True)
    assert set(perms) == {"reviews"}


def test_managers_cannot_delete_sessions_tickets_or_users():
    codenames = set(Group.objects.get(name="Managers").permissions.values_list("codename", flat=True))
    assert {"add_session", "change_session", "cancel_session", "view_user", "check_in"} <= codenames
    assert not codenames & {"delete_session", "delete_ticket", "change_user", "delete_user", "change_review"}


def _admin_index(user):
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def test_manager_sees_only_the_managers_apps_in_the_admin(manager):
    page = _admin_index(manager)
    for app in ("Catalog", "Venues", "Scheduling", "Booking", "Accounts"):
        assert f">{app}<" in page
    assert ">Reviews<" not in page


def test_moderator_sees_only_reviews_in_the_admin(moderator):
    page = _admin_index(moderator)
    assert ">Reviews<" in page
    for app in ("Catalog", "Venues", "Scheduling", "Booking", "Accounts"):
        assert f">{app}<" not in page


def test_customer_cannot_enter_the_admin(customer):
    client = Client()
    client.login(email=customer.email, password=PASSWORD)
    assert client.get("/admin/").status_code == 302


def test_email_login_is_case_insensitive(customer):
    assert Client().login(email="CUSTOMER@Example.com", password=PASSWORD)


def test_create_staff_command_creates_a_manager():
    call_command("create_staff", "Boss@Cinema.local", "--role", "manager", "--password", "x-Very-long-pass-42")
    from accounts.models import User

    user = User.objects.get(email="boss@cinema.local")
    assert user.role == Role.MANAGER and user.is_staff
    assert user.groups.filter(name="Managers").exists()


def test_the_back_office_speaks_russian(manager):
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    assert client.login(email=manager.email, password=PASSWORD)
    page = client.get("/admin/").content.decode()
    assert "Кинотеатры" in page and "Расписание" in page and "Кинобилеты — управление" in page
