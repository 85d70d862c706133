"""Every message: its content, in the recipient's language, with the cinema's
local time; the confirmation's QR codes admit at the door, its calendar file
has the right local time."""

import re
from datetime import timedelta
from email import message_from_bytes
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from booking.errors import RefundNotAllowed
from booking.services import session_cancel, ticket_cancel
from conftest import client_for
from deploy.qr_read import decode_qr
from notifications.models import Message, MessageKind, MessageStatus
from reviews.models import Review
from reviews.services import review_moderate

pytestmark = pytest.mark.django_db


def parts(email):
    """The parsed MIME message as a mail client receives it."""
    return message_from_bytes(email.message().as_bytes())


def html_of(email) -> str:
    return next(body for body, mimetype in email.alternatives if mimetype == "text/html")


def test_booking_confirmation_lists_film_cinema_hall_start_seats_total_and_reference(customer, session, pay):
    booking = pay(customer, session)
    [email] = mail.outbox
    local = session.starts_at.astimezone(ZoneInfo("Europe/Moscow"))
    assert email.to == ["customer@example.com"]
    for text in (email.body, html_of(email)):
        assert "Сталкер" in text and "Октябрь" in text and "Новый Арбат, 24, Москва" in text and "Зал 1" in text
        assert local.strftime("%H:%M") in text and "Europe/Moscow" in text
        assert booking.reference in text
        assert "1 100,00 RUB" in text.replace("\xa0", " ")  # 400 standard + 700 VIP
    assert "Ряд 2, место 1" in email.body and "Ряд 5, место 2" in email.body and "VIP" in email.body


def test_booking_confirmation_is_in_english_for_an_english_profile(customer, session, pay):
    customer.preferred_language = "en"
    customer.save()
    pay(customer, session)
    [email] = mail.outbox
    assert email.subject.startswith("Your tickets: Stalker")  # the film's original title on English pages too
    assert "Row 2, seat 1" in email.body and "Ряд" not in email.body
    assert "Oktyabr" in email.body and "Октябрь" not in email.body  # the cinema's English name


def test_each_inline_qr_code_decodes_to_a_payload_the_door_admits(customer, manager, session, pay, settings):
    settings.CHECKIN_OPENS_MINUTES = 2 * 24 * 60
    booking = pay(customer, session)
    received = parts(mail.outbox[0])
    assert received.get_content_type() == "multipart/related"
    html = next(p for p in received.walk() if p.get_content_type() == "text/html").get_payload(decode=True).decode()
    images = {p["Content-ID"].strip("<>"): p.get_payload(decode=True) for p in received.walk() if p["Content-ID"]}
    cids = re.findall(r'src="cid:([^"]+)"', html)
    assert sorted(cids) == sorted(images) and len(cids) == 2
    door = client_for(manager)
    admitted = set()
    for cid in cids:
        response = door.post("/api/v1/tickets/check-in/", {"payload": decode_qr(images[cid])}, format="json")
        assert response.status_code == 200, response.json()
        admitted.add(response.json()["ticket"])
    assert admitted == set(booking.tickets.values_list("number", flat=True))


def test_calendar_file_has_the_session_in_the_cinemas_zone_at_its_address(customer, session, pay):
    pay(customer, session)
    [(name, data, mimetype)] = [a for a in mail.outbox[0].attachments if not hasattr(a, "get_content_type")]
    assert name.endswith(".ics") and mimetype == "text/calendar"
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start == session.starts_at.replace(microsecond=0) and str(start.tzinfo) == "Europe/Moscow"
    assert start.hour == session.starts_at.astimezone(ZoneInfo("Europe/Moscow")).hour
    assert end - start == timedelta(minutes=15 + 161)  # adverts, then the film's length
    assert "Новый Арбат, 24" in str(event["location"])
    assert "VTIMEZONE" in (data if isinstance(data, str) else data.decode())


def test_refund_confirmation_names_the_seat_and_the_amount(customer, session, pay, committed):
    booking = pay(customer, session)
    ticket = booking.tickets.get(row=5)
    with committed():
        ticket_cancel(ticket=ticket, by=customer)
    email = mail.outbox[-1]
    assert email.subject == f"Возврат по бронированию {booking.reference}: 700,00 RUB"
    assert "700,00 RUB" in email.body and "Ряд 5, место 2" in email.body and "Ряд 2" not in email.body


def test_admin_refund_sends_the_same_confirmation(customer, manager, session, pay, committed):
    booking = pay(customer, session)
    ticket = booking.tickets.get(row=2)
    with committed():
        ticket_cancel(ticket=ticket, by=manager)
    assert Message.objects.filter(kind=MessageKind.REFUND_CONFIRMATION, status=MessageStatus.SENT).count() == 1
    assert "400,00 RUB" in mail.outbox[-1].body


def test_session_cancelled_tells_what_was_refunded_apologises_and_links_other_sessions(
    customer, other_customer, manager, session, pay, committed, settings
):
    pay(customer, session)
    other_customer.preferred_language = "en"
    other_customer.save()
    pay(other_customer, session, seats=[(3, 3)])
    with committed():
        session_cancel(session=session, by=manager, reason="Projector failure.")
    cancelled = {e.to[0]: e for e in mail.outbox if "cancel" in e.subject.lower() or "отмен" in e.subject.lower()}
    assert set(cancelled) == {"customer@example.com", "other@example.com"}
    english = cancelled["other@example.com"]
    assert "We are sorry" in english.body and "400.00 RUB" in english.body and "Projector failure." in english.body
    assert f"{settings.SITE_URL}/films/{session.movie.slug}/" in html_of(english)  # the film page lists its sessions
    assert "1 100,00 RUB" in cancelled["customer@example.com"].body.replace("\xa0", " ")


def test_reminder_goes_once_to_paid_bookings_starting_soon(customer, other_customer, session, pay, committed):
    from booking.services import ticket_hold
    from notifications.services import reminders_queue

    pay(customer, session)
    ticket_hold(user=other_customer, session_id=session.pk, seats=[(4, 4)])  # held, not paid: no reminder
    soon = session.starts_at - timedelta(hours=2)
    with committed():
        assert reminders_queue(now=session.starts_at - timedelta(hours=4)) == 0
        assert reminders_queue(now=soon) == 1
        reminders_queue(now=soon + timedelta(minutes=5))  # beat runs again: the key is taken
    reminders = [e for e in mail.outbox if e.subject.startswith("Напоминание: Сталкер")]
    assert len(reminders) == 1 and reminders[0].to == ["customer@example.com"]
    assert Message.objects.filter(kind=MessageKind.REMINDER).count() == 1


def test_review_approved_and_rejected_with_the_reason(customer, moderator, movie, committed):
    review = Review.objects.create(user=customer, movie=movie, rating=8, title="Зона", text="Долго, но стоит того.")
    with committed():
        review_moderate(review=review, by=moderator, approve=False, reason="Спойлер в заголовке.")
    rejected = mail.outbox[-1]
    assert "не опубликован" in rejected.subject and "Спойлер в заголовке." in rejected.body
    with committed():
        review_moderate(review=review, by=moderator, approve=True)
    assert "опубликован" in mail.outbox[-1].subject and "не опубликован" not in mail.outbox[-1].subject
    assert Message.objects.filter(kind=MessageKind.REVIEW_MODERATED).count() == 2


def test_messages_of_a_rolled_back_transaction_are_never_recorded_or_sent(customer, session, pay, settings):
    booking = pay(customer, session)
    mail.outbox.clear()
    settings.REFUND_CUTOFF_MINUTES = 3 * 24 * 60  # refunds have closed
    with pytest.raises(RefundNotAllowed):
        ticket_cancel(ticket=booking.tickets.first(), by=customer)
    assert not Message.objects.filter(kind=MessageKind.REFUND_CONFIRMATION).exists() and mail.outbox == []


def test_times_are_the_cinemas_local_time_not_the_servers(customer, session, pay, cinema, settings):
    settings.TIME_ZONE = "UTC"
    cinema.timezone = "Asia/Vladivostok"
    cinema.save()
    pay(customer, session)
    local = session.starts_at.astimezone(ZoneInfo("Asia/Vladivostok"))
    assert f"{local:%H:%M} (Asia/Vladivostok)" in mail.outbox[0].body
    assert timezone.now()  # the server's zone played no part
