"""The database itself refuses writes that break an invariant (no service involved)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from booking.models import Booking, Ticket, TicketStatus
from catalog.models import Movie
from reviews.models import Review, ReviewVote
from scheduling.models import Session
from venues.models import Cinema, Hall


def _booking(session, user):
    return Booking.objects.create(
        reference=f"R{Booking.objects.count()}",
        user=user,
        session=session,
        total=Decimal("400"),
        reserved_until=timezone.now() + timedelta(minutes=15),
    )


def _ticket(session, user, status=TicketStatus.PAID, number=None, row=2, seat=2):
    now = timezone.now()
    return Ticket.objects.create(
        number=number or f"T{Ticket.objects.count() + 1}",
        booking=_booking(session, user),
        user=user,
        session=session,
        row=row,
        seat=seat,
        category="standard",
        price=Decimal("400"),
        status=status,
        reserved_until=now + timedelta(minutes=15) if status == TicketStatus.RESERVED else None,
        paid_at=now if status != TicketStatus.RESERVED else None,
        qr_secret="x",
        checked_in_at=now if status == TicketStatus.USED else None,
        refund_amount=Decimal("400") if status == TicketStatus.REFUNDED else None,
        refunded_at=now if status == TicketStatus.REFUNDED else None,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("first, second", [("paid", "reserved"), ("reserved", "paid"), ("used", "paid")])
def test_database_refuses_second_live_ticket_for_a_seat(session, customer, other_customer, first, second):
    _ticket(session, customer, first)
    with pytest.raises(IntegrityError), transaction.atomic():
        _ticket(session, other_customer, second)


@pytest.mark.django_db
def test_a_dead_ticket_does_not_hold_the_seat(session, customer, other_customer):
    for status in ("cancelled", "refunded", "expired"):
        _ticket(session, customer, status)
    _ticket(session, other_customer, "paid")
    assert Ticket.objects.filter(session=session, row=2, seat=2).count() == 4


@pytest.mark.django_db
def test_ticket_status_rules_are_checked(session, customer):
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.create(
            number="X1",
            booking=_booking(session, customer),
            user=customer,
            session=session,
            row=1,
            seat=1,
            category="standard",
            price=Decimal("-1"),
            qr_secret="x",
            reserved_until=timezone.now(),
        )
    with pytest.raises(IntegrityError), transaction.atomic():  # reserved without an expiry
        Ticket.objects.create(
            number="X2",
            booking=_booking(session, customer),
            user=customer,
            session=session,
            row=1,
            seat=1,
            category="standard",
            price=Decimal("1"),
            qr_secret="x",
        )


@pytest.mark.django_db
def test_refunded_ticket_must_record_its_refund_and_cancelled_session_its_time(session, customer):
    ticket = _ticket(session, customer, TicketStatus.PAID)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.REFUNDED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(status="cancelled")


@pytest.mark.django_db
def test_one_review_per_user_and_movie_and_one_vote_per_user(movie, customer, other_customer):
    review = Review.objects.create(user=customer, movie=movie, rating=8, title="t", text="some text")
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(user=customer, movie=movie, rating=5, title="t2", text="again")
    ReviewVote.objects.create(review=review, user=other_customer, is_helpful=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewVote.objects.create(review=review, user=other_customer, is_helpful=False)


@pytest.mark.django_db
@pytest.mark.parametrize("rating", [0, 11])
def test_review_rating_outside_1_to_10_is_refused(movie, customer, rating):
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(user=customer, movie=movie, rating=rating, title="t", text="text")


@pytest.mark.django_db
def test_hall_number_is_unique_per_cinema(hall):
    with pytest.raises(IntegrityError), transaction.atomic():
        Hall.objects.create(
            cinema=hall.cinema,
            name="Копия",
            number=hall.number,
            layout=hall.layout,
            rows_count=1,
            seats_per_row=1,
            capacity=1,
            standard_seats=1,
        )


@pytest.mark.django_db
def test_hall_capacity_must_equal_its_categories(cinema):
    with pytest.raises(IntegrityError), transaction.atomic():
        Hall.objects.create(
            cinema=cinema, name="X", number=9, layout={}, rows_count=1, seats_per_row=1, capacity=5, standard_seats=1
        )


@pytest.mark.django_db
@pytest.mark.parametrize("lat, lon", [("91", "0"), ("0", "181"), ("-90.5", "10")])
def test_coordinates_out_of_range_are_refused(lat, lon):
    with pytest.raises(IntegrityError), transaction.atomic():
        Cinema.objects.create(
            name="X", slug=f"x{lat}{lon}", city="X", address="X", latitude=Decimal(lat), longitude=Decimal(lon)
        )


@pytest.mark.django_db
def test_session_must_end_after_start_and_prices_be_non_negative(session):
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(ends_at=session.starts_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(vip_price=Decimal("-1"))


@pytest.mark.django_db
def test_session_seats_available_must_match_capacity_minus_sold(session):
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(seats_sold=3)


@pytest.mark.django_db
def test_movie_run_must_end_after_release(movie):
    with pytest.raises(IntegrityError), transaction.atomic():
        Movie.objects.filter(pk=movie.pk).update(end_date=movie.release_date - timedelta(days=1))


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_refuses_overlapping_sessions_in_one_hall(session):
    """Bypassing the service: the exclusion constraint alone refuses the overlap (cleaning included)."""
    clash = Session(
        movie=session.movie,
        hall=session.hall,
        starts_at=session.busy_until - timedelta(minutes=1),
        ends_at=session.busy_until + timedelta(hours=2),
        busy_until=session.busy_until + timedelta(hours=3),
        base_price=1,
        premium_price=1,
        vip_price=1,
        love_price=1,
        wheelchair_price=1,
        capacity=session.capacity,
        seats_available=session.capacity,
    )
    with pytest.raises(IntegrityError, match="session_no_overlap_in_hall"), transaction.atomic():
        clash.save()
    clash.starts_at = session.busy_until  # back to back is fine
    clash.save()


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_allows_overlap_with_a_cancelled_session(session):
    Session.objects.filter(pk=session.pk).update(status="cancelled", cancelled_at=timezone.now())
    Session.objects.create(
        movie=session.movie,
        hall=session.hall,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        busy_until=session.busy_until,
        base_price=1,
        premium_price=1,
        vip_price=1,
        love_price=1,
        wheelchair_price=1,
        capacity=session.capacity,
        seats_available=session.capacity,
    )
