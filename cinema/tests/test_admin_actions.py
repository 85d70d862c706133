"""Every action of every ModelAdmin × every role: who may run it, and that a
refusal changes nothing.

The table below is the permission matrix of the back office's actions; a new
action (or a new ModelAdmin) without a row makes
``test_the_table_names_every_action_of_the_back_office`` fail. Non-staff are
sent to the admin's login page; staff without the action's permission get 403.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from booking.models import TicketStatus
from booking.services import ticket_hold
from catalog.models import Genre, Movie
from cinema.admin_utils import ActionPermissionMixin
from conftest import make_user
from pricing.models import PriceCard, PromoCode, TicketType
from reviews.models import Review, ReviewStatus, ReviewVote
from reviews.services import review_create
from scheduling.models import SessionStatus
from scheduling.services import session_create
from venues.layout import rectangular_layout
from venues.models import Cinema
from venues.services import hall_create

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "customer", "moderator", "manager", "admin", "superuser")
STAFF = ("manager", "admin", "superuser")
BACK_OFFICE = ("admin", "superuser")

# (model, action) -> the roles that may run it. "admin" is a staff account that
# holds every permission but is not a superuser (a demoted administrator, or one
# given all rights by hand): what rows it may touch is the row-level rule's job.
ALLOWED = {
    ("auth.group", "delete_selected"): ("superuser",),
    ("accounts.user", "make_customer"): BACK_OFFICE,
    ("accounts.user", "delete_selected"): BACK_OFFICE,
    ("catalog.genre", "delete_selected"): STAFF,
    ("catalog.movie", "delete_selected"): STAFF,
    ("venues.cinema", "delete_selected"): STAFF,
    ("venues.hall", "delete_selected"): STAFF,
    ("pricing.tickettype", "delete_selected"): BACK_OFFICE,
    ("pricing.pricecard", "delete_selected"): STAFF,
    ("pricing.pricecard", "deactivate"): STAFF,
    ("pricing.promocode", "delete_selected"): STAFF,
    ("pricing.promocode", "deactivate"): STAFF,
    ("scheduling.session", "delete_selected"): BACK_OFFICE,
    ("scheduling.session", "cancel_sessions"): STAFF,
    ("booking.ticket", "cancel_or_refund"): STAFF,
    ("booking.refund", "retry"): STAFF,
    ("reviews.review", "delete_selected"): BACK_OFFICE,
    ("reviews.review", "approve"): ("moderator", *BACK_OFFICE),
    ("reviews.review", "reject"): ("moderator", *BACK_OFFICE),
    ("reviews.reviewvote", "delete_selected"): BACK_OFFICE,
    ("notifications.message", "send_again"): STAFF,
}


def persona(role: str) -> User | None:
    if role == "anonymous":
        return None
    if role == "superuser":
        return make_user("root@example.com", Role.ADMIN)
    if role == "admin":
        user = make_user("all-rights@example.com")
        User.objects.filter(pk=user.pk).update(role=Role.ADMIN, is_staff=True)
        user.user_permissions.set(Permission.objects.all())
        return User.objects.get(pk=user.pk)
    return make_user(f"{role}@example.com", role)


def registered_model_admins():
    return [admin.site.get_model_admin(model) for model in apps.get_models() if admin.site.is_registered(model)]


def _movie():
    return Movie.objects.create(
        title="Солярис",
        original_title="Solaris",
        slug="solaris",
        duration_minutes=167,
        release_date=timezone.localdate(),
    )


def _hall():
    cinema = Cinema.objects.create(
        name="Заря", slug="zarya", city="Москва", address="Тверская, 1", latitude=55.75, longitude=37.61
    )
    return hall_create(cinema=cinema, name="Зал", number=1, layout=rectangular_layout(3, 4), cleaning_minutes=15)


def _session():
    return session_create(
        movie=_movie(), hall=_hall(), starts_at=timezone.now() + timedelta(days=2), base_price=Decimal("300")
    )


def _review():
    return review_create(
        user=make_user("author@example.com"), movie=_movie(), rating=8, title="Вода", text="Долгий, но сильный фильм."
    )


def _vote():
    review = _review()
    Review.objects.filter(pk=review.pk).update(status=ReviewStatus.APPROVED)
    return ReviewVote.objects.create(review=review, user=make_user("voter@example.com"), is_helpful=True)


def _ticket():
    session = _session()
    return ticket_hold(user=make_user("buyer@example.com"), session_id=session.pk, seats=[(1, 1)]).ticket_list[0]


def _failed_refund():
    from booking.models import Refund
    from booking.providers.fake.models import FakePspPayment
    from conftest import pay_booking

    ticket = _ticket()
    buyer = ticket.user
    payment = pay_booking(buyer, ticket.booking, card="4000000000000341")  # its issuer refuses refunds
    FakePspPayment.objects.filter(pk=payment.provider_reference).update(refuses_refunds=False)
    return Refund.objects.create(
        payment=payment, ticket=ticket, amount=ticket.price, reason="admin", status="failed", idempotency_key="r-1"
    )


def _message():
    from notifications.models import Message, MessageKind

    user = make_user("reader@example.com")
    return Message.objects.create(
        kind=MessageKind.PASSWORD_RESET, key="password_reset:x", user=user, recipient=user.email, language="en",
        status="failed", attempts=5, message_id="<first@cinema.local>",
    )


# model -> a row to select (made fresh for each case)
MAKE = {
    "auth.group": lambda: Group.objects.create(name="Ushers"),
    "accounts.user": lambda: make_user("target@example.com", Role.MODERATOR),
    "catalog.genre": lambda: Genre.objects.create(name="Drama", slug="drama"),
    "catalog.movie": _movie,
    "venues.cinema": lambda: Cinema.objects.create(
        name="Мир", slug="mir", city="Казань", address="Баумана, 1", latitude=55.79, longitude=49.11
    ),
    "venues.hall": _hall,
    "pricing.tickettype": lambda: TicketType.objects.create(code="family", name="Family", name_ru="Семейный"),
    "pricing.pricecard": lambda: PriceCard.objects.create(name="Matinee"),
    "pricing.promocode": lambda: PromoCode.objects.create(code="SPRING", value=Decimal("5")),
    "scheduling.session": _session,
    "booking.ticket": _ticket,
    "booking.refund": _failed_refund,
    "reviews.review": _review,
    "reviews.reviewvote": _vote,
    "notifications.message": _message,
}


def _gone(obj):
    return not type(obj).objects.filter(pk=obj.pk).exists()


def _fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


# (model, action) -> whether the action has done its work on the row
DONE = {
    ("accounts.user", "make_customer"): lambda u: _fresh(u).role == Role.CUSTOMER and not _fresh(u).is_staff,
    ("pricing.pricecard", "deactivate"): lambda c: not _fresh(c).is_active,
    ("pricing.promocode", "deactivate"): lambda c: not _fresh(c).is_active,
    ("scheduling.session", "cancel_sessions"): lambda s: _fresh(s).status == SessionStatus.CANCELLED,
    ("booking.ticket", "cancel_or_refund"): lambda t: _fresh(t).status == TicketStatus.CANCELLED,
    ("booking.refund", "retry"): lambda r: _fresh(r).status != "failed",
    ("reviews.review", "approve"): lambda r: _fresh(r).status == ReviewStatus.APPROVED,
    ("reviews.review", "reject"): lambda r: _fresh(r).status == ReviewStatus.REJECTED,
    ("notifications.message", "send_again"): lambda m: _fresh(m).message_id != m.message_id,
}


def test_the_table_names_every_action_of_the_back_office():
    request = RequestFactory().get("/admin/")
    request.user = persona("superuser")
    found = {
        (model_admin.model._meta.label_lower, action)
        for model_admin in registered_model_admins()
        for action in model_admin.get_actions(request)
    }
    assert found == set(ALLOWED)


def test_every_model_admin_refuses_actions_it_does_not_offer():
    unguarded = [type(m).__name__ for m in registered_model_admins() if not isinstance(m, ActionPermissionMixin)]
    assert unguarded == []


def test_every_action_declares_its_permissions():
    request = RequestFactory().get("/admin/")
    request.user = persona("superuser")
    undeclared = [
        name
        for model_admin in registered_model_admins()
        for name, (func, _name, _description) in model_admin.get_actions(request).items()
        if not getattr(func, "allowed_permissions", ())
    ]
    assert undeclared == []


def post_action(user, label: str, action: str, obj):
    client = Client()
    if user is not None:
        client.force_login(user)
    app_label, model = label.split(".")
    url = reverse(f"admin:{app_label}_{model}_changelist")
    data = {"action": action, "_selected_action": [obj.pk], "post": "yes", "reason": "Spoilers in the title."}
    return client.post(url, data)


@pytest.mark.parametrize(
    "label, action, role", [(label, action, role) for (label, action) in ALLOWED for role in ROLES]
)
def test_an_action_runs_only_for_the_roles_allowed_to_run_it(label, action, role):
    obj = MAKE[label]()
    user = persona(role)
    done = DONE.get((label, action), _gone)

    response = post_action(user, label, action, obj)

    if role in ALLOWED[(label, action)]:
        assert response.status_code == 302 and done(obj), response.status_code
    else:
        expected = 302 if role in ("anonymous", "customer") else 403
        assert response.status_code == expected
        if expected == 302:
            assert response.url.startswith(reverse("admin:login"))
        assert not done(obj)
