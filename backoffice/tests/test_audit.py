"""The audit trail: who changed sessions, refunds and roles, when, before → after,
whether through the admin, the API or a service called with ``acting_as``."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from accounts.models import Role, User
from backoffice.audit import acting_as
from backoffice.tests.conftest import CARD, browser_client, sell
from booking import services
from booking.models import Ticket
from conftest import client_for, make_user
from scheduling.models import Session
from scheduling.services import session_update

pytestmark = pytest.mark.django_db


def entries_for(obj):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_pk=str(obj.pk)
    ).order_by("timestamp", "pk")


def test_a_price_changed_in_the_admin_is_logged_with_the_manager_and_both_prices(session, manager):
    from booking.tests.test_session_changes import _form_data

    response = browser_client(manager).post(
        f"/admin/scheduling/session/{session.pk}/change/", _form_data(session, base_price="450.00")
    )
    assert response.status_code == 302
    change = entries_for(session).filter(action=LogEntry.Action.UPDATE).get()
    assert change.actor == manager
    assert change.changes_dict["base_price"] == ["400.00", "450.00"]


def test_a_session_cancelled_through_the_api_names_the_manager_on_the_session_and_each_refund(session, manager):
    booking = sell(session, [(1, 1)])
    response = client_for(manager).post(
        f"/api/v1/sessions/{session.pk}/cancel/", {"reason": "projector"}, format="json"
    )
    assert response.status_code == 200
    status_change = entries_for(session).filter(action=LogEntry.Action.UPDATE).get()
    assert status_change.actor == manager and status_change.changes_dict["status"] == ["on_sale", "cancelled"]
    ticket = booking.tickets.get()
    refund = entries_for(ticket).filter(action=LogEntry.Action.UPDATE).get()
    assert refund.actor == manager and refund.changes_dict["status"] == ["paid", "refunded"]


def test_a_customers_own_refund_is_logged_as_theirs(session):
    booking = sell(session, [(2, 2)])
    ticket = booking.tickets.get()
    response = client_for(booking.user).post(f"/api/v1/tickets/{ticket.pk}/cancel/")
    assert response.status_code == 200
    assert entries_for(ticket).get(action=LogEntry.Action.UPDATE).actor == booking.user


def test_a_role_taken_away_in_the_admin_is_logged_with_who_did_it(admin_user, manager):
    response = browser_client(admin_user).post(
        "/admin/accounts/user/", {"action": "make_customer", "_selected_action": [manager.pk]}
    )
    assert response.status_code == 302
    entry = entries_for(manager).filter(action=LogEntry.Action.UPDATE).last()
    assert entry.actor == admin_user and entry.changes_dict["role"] == [Role.MANAGER, Role.CUSTOMER]
    assert User.objects.get(pk=manager.pk).role == Role.CUSTOMER


def test_a_service_called_outside_a_request_is_attributed_with_acting_as(session, manager):
    with acting_as(manager):
        session_update(session=session, base_price=Decimal("500"))
    session_update(session=Session.objects.get(pk=session.pk), base_price=Decimal("550"))  # nobody known
    named, unnamed = entries_for(session).filter(action=LogEntry.Action.UPDATE)
    assert named.actor == manager and unnamed.actor is None


def test_the_sessions_history_page_shows_its_trail(session, manager):
    with acting_as(manager):
        session_update(session=session, base_price=Decimal("500.00"))
    page = browser_client(manager).get(f"/admin/scheduling/session/{session.pk}/history/", HTTP_ACCEPT_LANGUAGE="ru")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="audit-history"' in html
    assert "manager@example.com" in html and "400.00 → 500.00" in html.replace("\n", "")


def test_managers_and_admins_read_the_trail_and_nobody_edits_it(session, manager, admin_user):
    with acting_as(manager):
        session_update(session=session, base_price=Decimal("500"))
    entry = entries_for(session).last()
    for user in (manager, admin_user):
        client = browser_client(user)
        listing = client.get("/admin/auditlog/logentry/")
        assert listing.status_code == 200 and "manager@example.com" in listing.content.decode()
        assert client.get(f"/admin/auditlog/logentry/{entry.pk}/change/").status_code == 200  # read only
        assert client.post(f"/admin/auditlog/logentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
        assert client.get("/admin/auditlog/logentry/add/").status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_moderators_and_customers_do_not_see_the_trail(session, moderator, customer):
    assert browser_client(moderator).get("/admin/auditlog/logentry/").status_code == 403
    assert browser_client(moderator).get(f"/admin/scheduling/session/{session.pk}/history/").status_code == 403
    response = browser_client(customer).get("/admin/auditlog/logentry/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_holds_and_payments_write_no_audit_entries(session):
    """The hot path writes tickets with raw SQL: selling leaves the log alone."""
    buyer = make_user("buyer@example.com")
    before = LogEntry.objects.count()
    booking = services.ticket_hold(user=buyer, session_id=session.pk, seats=[(3, 3), (3, 4)])
    services.booking_pay(user=buyer, booking=booking, idempotency_key="k", method="card", card_number=CARD)
    assert LogEntry.objects.count() == before
    assert Ticket.objects.filter(status="paid").count() == 2


def test_a_new_user_logs_only_role_fields_never_the_password(db):
    user = make_user("new@example.com")
    entry = entries_for(user).get(action=LogEntry.Action.CREATE)
    assert "password" not in entry.changes_dict and "role" in entry.changes_dict


def test_the_trail_lists_in_a_fixed_number_of_queries(session, movie, manager, django_assert_max_num_queries):
    from datetime import timedelta

    from scheduling.services import session_create

    client = browser_client(manager)
    client.get("/admin/auditlog/logentry/")
    with django_assert_max_num_queries(20) as few:
        client.get("/admin/auditlog/logentry/")
    with acting_as(manager):
        for day in range(2, 8):
            later = session_create(
                movie=movie, hall=session.hall, starts_at=session.starts_at + timedelta(days=day), base_price=400
            )
            session_update(session=later, base_price=Decimal("420"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/admin/auditlog/logentry/")
    assert response.content.decode().count("Сталкер") >= 12
