"""cinema.db's hand-written statements read and write rows as the ORM does, on both databases."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from booking import services
from booking.models import Booking, Ticket
from cinema.db import columns, insert, load
from scheduling.models import Session

pytestmark = pytest.mark.django_db


def _row(model, names, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns(model, names, 'x')} FROM {model._meta.db_table} x WHERE x.id = %s", [pk])
        return cursor.fetchone()


def test_load_converts_every_field_like_the_orm(customer, session):
    ticket = services.ticket_hold(user=customer, session_id=session.pk, seats=[(5, 2)]).ticket_list[0]
    for model, pk in ((Ticket, ticket.pk), (Session, session.pk), (Booking, ticket.booking_id)):
        names = [f.attname for f in model._meta.concrete_fields]
        loaded, orm = load(model, names, _row(model, names, pk)), model.objects.get(pk=pk)
        for field in model._meta.concrete_fields:
            assert getattr(loaded, field.attname) == getattr(orm, field.attname), (model, field.name)
    assert isinstance(loaded.total, Decimal) and timezone.is_aware(loaded.reserved_until)


def test_load_takes_names_in_any_order_and_defers_the_rest(customer, session):
    ticket = services.ticket_hold(user=customer, session_id=session.pk, seats=[(5, 3)]).ticket_list[0]
    names = ["status", "reserved_until", "id", "row"]
    loaded = load(Ticket, names, _row(Ticket, names, ticket.pk))
    assert (loaded.pk, loaded.row, loaded.status) == (ticket.pk, 5, "reserved")
    assert loaded.reserved_until == Ticket.objects.get(pk=ticket.pk).reserved_until
    assert {"price", "seat", "number"} <= loaded.get_deferred_fields()


def test_insert_writes_many_rows_in_one_statement_and_sets_their_keys(customer, session, django_assert_num_queries):
    until = timezone.now() + timedelta(minutes=10)
    bookings = [
        Booking(reference=f"REF{i}", user=customer, session=session, total=Decimal("12.50"), reserved_until=until)
        for i in range(3)
    ]
    with django_assert_num_queries(1):
        insert(bookings)
    assert len({b.pk for b in bookings}) == 3 and all(not b._state.adding for b in bookings)
    for booking in bookings:
        stored = Booking.objects.get(pk=booking.pk)
        assert (stored.reference, stored.total, stored.reserved_until) == (booking.reference, Decimal("12.50"), until)
        assert stored.created_at == booking.created_at and stored.created_at is not None  # auto_now_add applied


def test_insert_can_compute_a_column_and_travel_with_others(customer, session, django_assert_num_queries):
    from cinema.db import pipeline

    until = timezone.now() + timedelta(minutes=10)
    booking = Booking(reference="PIPE1", user=customer, session=session, total=Decimal("1"), reserved_until=until)
    tickets = [
        Ticket(number=f"PIPE1-{n}", user=customer, session=session, row=4, seat=n, category="standard",
               price=Decimal("1"), status="reserved", reserved_until=until, qr_secret="x")
        for n in (1, 2)
    ]  # fmt: skip
    with django_assert_num_queries(2), pipeline():
        booking_written = insert([booking], later=True)
        tickets_written = insert(
            tickets,
            computed={"booking_id": ("(SELECT id FROM booking_booking WHERE reference = %s)", ["PIPE1"])},
            later=True,
        )
        booking_written()
        tickets_written()
    assert booking.pk and all(t.pk for t in tickets)
    assert set(Ticket.objects.filter(booking=booking).values_list("pk", flat=True)) == {t.pk for t in tickets}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_commit_with_batch_commits_only_the_outermost_block_and_its_hooks_still_run(customer, session):
    from django.db import transaction
    from psycopg.pq import TransactionStatus

    from cinema.db import commit_with_batch, pipeline

    def status():
        return connection.connection.info.transaction_status

    ran = []
    with transaction.atomic():
        with pipeline(), connection.cursor() as cursor:
            cursor.execute("UPDATE scheduling_session SET seats_sold = seats_sold WHERE id = %s", [session.pk])
            commit_with_batch()
        assert status() == TransactionStatus.IDLE  # committed with the batch
        transaction.on_commit(lambda: ran.append("hook"))
    assert ran == ["hook"] and connection.get_autocommit() and not connection.in_atomic_block

    with transaction.atomic():
        with transaction.atomic():  # a savepoint: committing is the outer block's business
            with pipeline(), connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                commit_with_batch()
            assert status() != TransactionStatus.IDLE
    booking = services.ticket_hold(user=customer, session_id=session.pk, seats=[(1, 1)])
    assert Booking.objects.filter(pk=booking.pk).exists() and status() == TransactionStatus.IDLE


def test_a_parent_and_its_children_are_inserted_together(customer, session, django_assert_num_queries):
    from cinema.db import insert_with_parent

    until = timezone.now() + timedelta(minutes=10)
    booking = Booking(reference="FAMILY1", user=customer, session=session, total=Decimal("20"), reserved_until=until)
    tickets = [
        Ticket(
            number=f"FAMILY1-{n}",
            user=customer,
            session=session,
            row=6,
            seat=n,
            category="standard",
            price=Decimal("10"),
            status="reserved",
            reserved_until=until,
            qr_secret=f"s{n}",
        )
        for n in (1, 2)
    ]
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        insert_with_parent(booking, tickets, link="booking_id", unique="reference")()
    assert booking.pk and all(t.booking_id == booking.pk and t.pk for t in tickets)
    stored = Booking.objects.get(reference="FAMILY1")
    assert stored.pk == booking.pk and sorted(stored.tickets.values_list("seat", flat=True)) == [1, 2]


def test_writes_made_first_travel_with_the_insert_in_their_order(customer, session, django_assert_num_queries):
    until = timezone.now() + timedelta(minutes=10)
    booking = Booking(reference="AFTER1", user=customer, session=session, total=Decimal("5"), reserved_until=until)
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 3):
        insert(
            [booking],
            after=[
                (
                    "UPDATE scheduling_session SET seats_sold = seats_sold + %s, "
                    "seats_available = seats_available - %s WHERE id = %s",
                    [1, 1, session.pk],
                ),
                ("UPDATE accounts_user SET tickets_purchased = tickets_purchased + %s WHERE id = %s", [1, customer.pk]),
            ],
        )
    session.refresh_from_db()
    customer.refresh_from_db()
    assert booking.pk and session.seats_sold == 1 and customer.tickets_purchased == 1
