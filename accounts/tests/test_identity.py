"""One e-mail address, one account: look-alike spellings can neither make a
second account, nor lock the real one out, nor reach it, nor escape its login limit."""

import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.identity import canonical_email
from accounts.models import Role, User
from conftest import PASSWORD, client_for, make_user

pytestmark = pytest.mark.django_db

REAL = "kassir@cinema.local"
# The same address by Unicode (NFKC + case folding), with case and spaces thrown in.
SAME = [
    "ka\u017fsir@cinema.local",  # long s
    "\uff4b\uff41\uff53\uff53\uff49\uff52@cinema.local",  # full-width
    "\u212aassir@\uff43\uff49\uff4e\uff45\uff4d\uff41.local",  # Kelvin sign, full-width domain
    "  KA\u017fSIR@Cinema.LOCAL  ",
]
# Letters that only look alike: another address.
DOTLESS = ["kass\u0131r@cinema.local", "  KASS\u0131R@Cinema.local "]


@pytest.fixture
def kassir(db):
    return make_user(REAL, first_name="Kira")


def _register(email, password="Another-pass-42"):
    body = {"email": email, "password": password, "first_name": "Eve", "last_name": "Mallory"}
    return client_for().post("/api/v1/auth/register/", body, format="json")


def _login(email, password=PASSWORD, **extra):
    return client_for().post("/api/v1/auth/login/", {"email": email, "password": password}, format="json", **extra)


def _rates(**rates):
    base = settings.REST_FRAMEWORK
    return override_settings(
        REST_FRAMEWORK={**base, "DEFAULT_THROTTLE_RATES": {**base["DEFAULT_THROTTLE_RATES"], **rates}}
    )


def test_the_canonical_form_folds_what_unicode_calls_the_same_letter_and_nothing_else():
    assert {canonical_email(spelling) for spelling in SAME} == {REAL}
    assert {canonical_email(spelling) for spelling in DOTLESS} == {"kass\u0131r@cinema.local"}
    assert canonical_email("kassir@c\u0131nema.local") == "kassir@xn--cnema-n4a.local"  # IDN domain: punycode
    assert canonical_email("\u0438\u043d\u0444\u043e@\u043f\u043e\u0447\u0442\u0430.\u0440\u0444") == (
        "\u0438\u043d\u0444\u043e@xn--80a1acny.xn--p1ai"
    )
    for raw in [*SAME, *DOTLESS, "A@B..C", "\u0130x@y", "no-at-sign"]:
        assert canonical_email(canonical_email(raw)) == canonical_email(raw)


@pytest.mark.parametrize("spelling", SAME)
def test_another_spelling_of_a_registered_address_is_refused_as_taken(kassir, spelling):
    response = _register(spelling)
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "email_taken"
    assert User.objects.count() == 1


@pytest.mark.parametrize("spelling", DOTLESS)
def test_a_look_alike_letter_is_refused_at_registration_and_the_real_account_still_logs_in(kassir, spelling):
    response = _register(spelling)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "validation_error" and "email" in response.json()["errors"]
    login = _login(REAL)
    assert login.status_code == 200 and login.json()["user"]["id"] == kassir.pk


def test_a_look_alike_domain_is_another_address_that_locks_no_one_out(kassir):
    registered = _register("kassir@c\u0131nema.local", password="Mallory-pass-42")
    assert registered.status_code == 201 and registered.json()["email"] == "kassir@xn--cnema-n4a.local"
    real = _login(REAL)
    assert real.status_code == 200 and real.json()["user"]["id"] == kassir.pk
    assert _login("kassir@c\u0131nema.local").status_code == 401  # the real password opens nothing there


@pytest.mark.parametrize("spelling", DOTLESS)
def test_a_look_alike_spelling_never_gets_the_real_accounts_tokens(kassir, spelling):
    response = _login(spelling)
    assert response.status_code == 401 and "access" not in response.json()


@pytest.mark.parametrize("spelling", [SAME[1], SAME[2], "  \u212aA\u017fSIR@CINEMA.LOCAL "])
def test_every_spelling_of_the_address_logs_in_to_the_one_account(kassir, spelling):
    response = _login(spelling)
    assert response.status_code == 200, response.content
    assert response.json()["user"]["id"] == kassir.pk


def test_every_spelling_counts_against_the_one_login_limit(kassir):
    with _rates(login_ip="100/min", login_account="3/min"):
        failed = [_login(spelling, "wrong", REMOTE_ADDR=f"10.0.0.{i}").status_code for i, spelling in enumerate(SAME)]
        real = _login(REAL, REMOTE_ADDR="10.0.1.1")
    assert failed == [401, 401, 401, 429]
    assert real.status_code == 429


def test_an_address_is_stored_only_in_its_canonical_form(kassir):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="New@cinema.local")  # the database refuses what the function would change


def test_create_staff_finds_the_account_by_any_spelling(kassir):
    call_command("create_staff", SAME[1], role=Role.MANAGER)
    assert list(User.objects.values_list("email", "role")) == [(REAL, Role.MANAGER)]


def test_staff_filtering_tickets_by_address_sees_only_that_account(kassir, session, manager_client):
    from booking.services import ticket_hold

    ticket_hold(user=kassir, session_id=session.pk, seats=[(1, 1)])
    found = manager_client.get("/api/v1/tickets/", {"email": SAME[0]}).json()["results"]
    other = manager_client.get("/api/v1/tickets/", {"email": DOTLESS[0]}).json()["results"]
    assert [t["row"] for t in found] == [1] and other == []


# --- The admin -----------------------------------------------------------------


@pytest.fixture
def admin_browser(client, admin_user):
    client.force_login(admin_user)
    return client


def test_the_admin_cannot_add_a_second_account_under_another_spelling(kassir, admin_browser):
    data = {"email": SAME[0], "first_name": "E", "last_name": "M", "role": Role.CUSTOMER, "password": "Xy-1234567"}
    response = admin_browser.post(reverse("admin:accounts_user_add"), data)
    assert response.status_code == 200 and "email" in response.context["adminform"].form.errors
    assert User.objects.filter(role=Role.CUSTOMER).count() == 1


def _change_form_data(admin_browser, user) -> dict:
    form = admin_browser.get(reverse("admin:accounts_user_change", args=[user.pk])).context["adminform"].form
    return {name: form[name].value() for name in form.fields if form[name].value() is not None}


def test_the_admin_stores_an_edited_address_in_its_canonical_form(other_customer, admin_browser):
    data = {**_change_form_data(admin_browser, other_customer), "email": "\uff2f\uff34\uff28\uff25\uff32@Example.com"}
    response = admin_browser.post(reverse("admin:accounts_user_change", args=[other_customer.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    other_customer.refresh_from_db()
    assert other_customer.email == "other@example.com"


def test_the_admin_refuses_a_date_of_birth_in_the_future(customer, admin_browser):
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = {**_change_form_data(admin_browser, customer), "date_of_birth": tomorrow.isoformat()}
    response = admin_browser.post(reverse("admin:accounts_user_change", args=[customer.pk]), data)
    assert response.status_code == 200 and "date_of_birth" in response.context["adminform"].form.errors
    customer.refresh_from_db()
    assert customer.date_of_birth is None


def test_the_admin_searches_an_address_in_its_canonical_form(kassir, admin_browser):
    response = admin_browser.get(reverse("admin:accounts_user_changelist"), {"q": SAME[1]})
    assert [u.pk for u in response.context["cl"].result_list] == [kassir.pk]


# --- The data migration --------------------------------------------------------

_migration = importlib.import_module("accounts.migrations.0005_canonical_emails")


def _canonicalise():
    from django.apps import apps

    _migration.canonicalise_emails(apps, SimpleNamespace(connection=connection))


def test_the_migration_writes_existing_addresses_canonically(kassir):
    odd = User.objects.create(email="\uff4f\uff54\uff48\uff45\uff52@example.com ")
    _canonicalise()
    assert set(User.objects.values_list("pk", "email")) == {(kassir.pk, REAL), (odd.pk, "other@example.com")}


def test_the_migration_refuses_to_merge_two_accounts_and_names_them(kassir):
    twin = User.objects.create(email="ka\u017fsir@cinema.local")
    odd = User.objects.create(email="\uff4f\uff54\uff48\uff45\uff52@example.com ")
    with pytest.raises(_migration.EmailCollision) as refused:
        _canonicalise()
    assert f"'{REAL}' (id {kassir.pk})" in str(refused.value)
    assert f"'ka\u017fsir@cinema.local' (id {twin.pk})" in str(refused.value)
    odd.refresh_from_db()
    assert odd.email.startswith("\uff4f")  # nothing was changed


def test_an_overlong_address_is_refused_without_being_normalised(monkeypatch):
    from accounts import identity

    normalised = []
    real = identity.unicodedata.normalize
    monkeypatch.setattr(identity.unicodedata, "normalize", lambda form, s: normalised.append(len(s)) or real(form, s))
    response = _login("\ufdfa" * 100_000 + "@cinema.local")  # NFKC makes each of these 18 characters
    assert response.status_code == 400 and "email" in response.json()["errors"]
    assert max(normalised) <= 18 * identity.EMAIL_INPUT_MAX_LENGTH  # bounded by the cap, not by the request
