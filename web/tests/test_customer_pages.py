"""The customer's own pages: the confirmation, its calendar file, My tickets, the account."""

from datetime import timedelta
from decimal import Decimal

import icalendar
import pytest
from django.test import Client
from django.utils import timezone

from booking import services
from booking.models import Ticket
from conftest import pay_booking
from reviews.services import review_create
from scheduling.services import session_create

pytestmark = pytest.mark.django_db


def page_client(user, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def paid(customer, session):
    booking = services.ticket_hold(user=customer, session_id=session.pk, seats=[(3, 3), (3, 4)])
    pay_booking(customer, booking)
    booking.refresh_from_db()
    return booking


def test_the_confirmation_shows_reference_tickets_with_qr_total_and_directions(customer, paid):
    html = page_client(customer).get(f"/orders/{paid.reference.lower()}/").content.decode()
    assert paid.reference in html and "Your tickets are booked" in html
    for ticket in paid.tickets.all():
        assert f'src="/api/v1/tickets/{ticket.pk}/qr/"' in html
    assert "Row 3, seat 3" in html and "Row 3, seat 4" in html
    assert "₽800" in html  # the total, two standard seats at 400
    assert "Новый Арбат, 24" in html and "openstreetmap.org/?mlat=55.7527" in html
    assert f"/orders/{paid.reference}/calendar.ics" in html
    assert "also in your e-mail" in html


def test_the_confirmation_in_russian(customer, paid):
    html = page_client(customer, "ru").get(f"/orders/{paid.reference}/").content.decode()
    assert "Ряд 3, место 3" in html and "800\xa0₽" in html and "2 места" in html


def test_another_customers_order_is_a_404_and_a_visitor_is_asked_to_sign_in(other_customer, paid):
    assert page_client(other_customer).get(f"/orders/{paid.reference}/").status_code == 404
    assert page_client(other_customer).get(f"/orders/{paid.reference}/calendar.ics").status_code == 404
    assert page_client(other_customer).get("/orders/NOSUCHREF/").status_code == 404
    anonymous = Client().get(f"/orders/{paid.reference}/")
    assert anonymous.status_code == 200 and "Row 3, seat 3" not in anonymous.content.decode()
    assert 'id="sign-in-now"' in anonymous.content.decode()
    assert Client().get(f"/orders/{paid.reference}/calendar.ics").status_code == 404


def test_a_payment_still_being_confirmed_shows_a_waiting_state(customer, session):
    booking = services.ticket_hold(user=customer, session_id=session.pk, seats=[(2, 2)])
    started = services.ticket_pay(user=customer, ticket_id=booking.tickets.get().pk, idempotency_key="k1")
    response = page_client(customer).get(f"/orders/{booking.reference}/")
    html = response.content.decode()
    assert "Confirming your payment" in html and 'src="/api/v1/tickets/' not in html
    assert response.context["config"]["payment"] == started.payment.pk  # the script asks for it until settled


def test_a_declined_payment_says_why_in_words_and_keeps_the_hold(customer, session):
    booking = services.ticket_hold(user=customer, session_id=session.pk, seats=[(2, 2)])
    pay_booking(customer, booking, card="4000000000000002")
    html = page_client(customer).get(f"/orders/{booking.reference}/").content.decode()
    assert "your bank declined the card" in html and "card_declined" not in html
    assert f'href="/sessions/{session.pk}/"' in html  # pay again on the session page


def test_the_calendar_file_is_the_emails_one(customer, paid, session):
    response = page_client(customer).get(f"/orders/{paid.reference}/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    assert f'filename="cinema-{paid.reference}.ics"' in response["Content-Disposition"]
    event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == session.starts_at.replace(microsecond=0)
    assert str(event["dtstart"].params["TZID"]) == "Europe/Moscow"
    assert "Новый Арбат, 24" in str(event["location"])
    assert "row 3, seat 3" in str(event["description"]) and paid.reference in str(event["description"])


def test_an_unpaid_order_has_no_calendar_file(customer, session):
    booking = services.ticket_hold(user=customer, session_id=session.pk, seats=[(2, 2)])
    assert page_client(customer).get(f"/orders/{booking.reference}/calendar.ics").status_code == 404


def test_my_tickets_groups_by_order_upcoming_first_past_folded(customer, movie, hall, session, paid):
    later = session_create(
        movie=movie, hall=hall, starts_at=timezone.now() + timedelta(days=3), base_price=Decimal("400")
    )
    held = services.ticket_hold(user=customer, session_id=later.pk, seats=[(1, 1)])
    old = session_create(
        movie=movie, hall=hall, starts_at=timezone.now() + timedelta(days=2), base_price=Decimal("400")
    )
    past = services.ticket_hold(user=customer, session_id=old.pk, seats=[(4, 4)])
    pay_booking(customer, past)
    shift = timedelta(days=5)  # the old session took place
    type(old).objects.filter(pk=old.pk).update(
        starts_at=old.starts_at - shift, ends_at=old.ends_at - shift, busy_until=old.busy_until - shift
    )
    html = page_client(customer).get("/tickets/").content.decode()
    upcoming, folded = html.split("<details", 1)
    assert upcoming.index(paid.reference) < upcoming.index(held.reference)  # by start, soonest first
    assert past.reference in folded and past.reference not in upcoming
    assert "Новый Арбат, 24" in upcoming
    refunds = [t.pk for t in paid.tickets.all()]
    assert all(f'data-ticket="{pk}"' in upcoming for pk in refunds)
    assert 'data-amount="₽400"' in upcoming and "to the bank card you paid with" in upcoming
    assert f'data-tickets="{held.tickets.get().pk} "' in upcoming  # release the unpaid hold


def test_my_tickets_reads_a_bounded_number_of_queries(customer, movie, hall, django_assert_num_queries):
    for day in range(1, 4):
        later = session_create(
            movie=movie, hall=hall, starts_at=timezone.now() + timedelta(days=day), base_price=Decimal("400")
        )
        booking = services.ticket_hold(user=customer, session_id=later.pk, seats=[(1, 1), (1, 2)])
        pay_booking(customer, booking)
    client = page_client(customer)
    # session, user, the upcoming orders and their tickets, the past orders (none: no tickets asked for)
    with django_assert_num_queries(5):
        response = client.get("/tickets/")
    assert response.content.decode().count('class="order-card') == 3


def test_the_confirmation_reads_a_bounded_number_of_queries(customer, paid, django_assert_num_queries):
    client = page_client(customer)
    with django_assert_num_queries(5):  # session, user, booking, tickets, latest payment
        client.get(f"/orders/{paid.reference}/")


def test_a_lapsed_hold_is_not_in_my_tickets(customer, session):
    booking = services.ticket_hold(user=customer, session_id=session.pk, seats=[(2, 2)])
    Ticket.objects.filter(booking=booking).update(reserved_until=timezone.now() - timedelta(seconds=1))
    type(booking).objects.filter(pk=booking.pk).update(reserved_until=timezone.now() - timedelta(seconds=1))
    html = page_client(customer).get("/tickets/").content.decode()
    assert booking.reference not in html and "You have no tickets yet." in html


def test_the_account_shows_the_profile_the_password_form_and_my_reviews(customer, movie):
    review_create(user=customer, movie=movie, rating=8, title="Долго, но стоит", text="Смотрел на одном дыхании.")
    html = page_client(customer).get("/account/").content.decode()
    assert customer.email in html and 'name="old_password"' in html and 'href="/password-reset/"' in html
    assert "Долго, но стоит" in html and "Pending moderation" in html
    assert 'id="sign-in-now"' in Client().get("/account/").content.decode()


@pytest.mark.parametrize(
    "path", ["/orders/%00/", "/orders/a%00b/calendar.ics", "/orders/AB-CD/", "/orders/" + "A" * 17 + "/"]
)
def test_a_reference_that_cannot_be_one_is_a_404_not_a_500(customer, path):
    client = page_client(customer)
    client.raise_request_exception = False
    assert client.get(path).status_code == 404


def test_the_personal_pages_are_never_cached(customer, paid):
    client = page_client(customer)
    for url in ["/tickets/", f"/orders/{paid.reference}/", f"/orders/{paid.reference}/calendar.ics", "/account/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store", "no-cache"} <= directives, url
    assert "no-store" in Client().get("/tickets/")["Cache-Control"]  # the sign-in prompt in its place


def test_the_cinema_page_and_the_order_pages_link_to_the_same_map(customer, paid):
    client = page_client(customer)
    link = 'href="https://www.openstreetmap.org/?mlat=55.7527'
    for url in ("/cinemas/oktyabr/", f"/orders/{paid.reference}/", "/tickets/"):
        html = client.get(url).content.decode()
        assert link in html and "yandex" not in html, url


@pytest.mark.parametrize(
    ("language", "amount", "shown"),
    [("ru", "1234.5", "1\xa0234,50\xa0₽"), ("ru", "800", "800\xa0₽"), ("en", "1234", "₽1,234"), ("en", None, "")],
)
def test_one_rouble_filter_for_every_page(language, amount, shown):
    from django.template import engines
    from django.utils import translation

    django_engine = engines["django"]
    with translation.override(language):
        for library in ("browse", "customer_tags"):
            template = django_engine.from_string(f"{{% load {library} %}}{{{{ amount|rub }}}}")
            assert template.render({"amount": None if amount is None else Decimal(amount)}) == shown, library
