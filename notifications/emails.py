"""The texts of the messages: HTML and plain text in the recipient's language,
times in the cinema's zone; the tickets' QR codes inline, a calendar file.

``build_email(message)`` turns an outbox row into Django's e-mail; it reads the
objects the message is about as they are when it is sent.
"""

import io
from dataclasses import dataclass, field
from decimal import Decimal
from email.mime.image import MIMEImage

import icalendar
import qrcode
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from notifications.models import Message, MessageKind


@dataclass
class Content:
    subject: str
    context: dict
    images: list[tuple[str, bytes]] = field(default_factory=list)  # (Content-ID, PNG)
    files: list[tuple[str, bytes, str]] = field(default_factory=list)  # (name, content, MIME type)


def qr_png(payload: str) -> bytes:
    buffer = io.BytesIO()
    qrcode.make(payload, box_size=6, border=2).save(buffer, format="PNG")
    return buffer.getvalue()


def _money(amount, currency: str) -> str:
    return f"{formats.number_format(Decimal(amount), 2, use_l10n=True, force_grouping=True)} {currency}"


def _local(moment, tz) -> str:
    """Date and time as the cinema's clock shows them, in the active language."""
    local = moment.astimezone(tz)
    return f"{formats.date_format(local, 'DATE_FORMAT')}, {local:%H:%M}"


def _session_context(session) -> dict:
    cinema = session.hall.cinema
    tz = cinema.tz
    language = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "film": session.movie.title_for(language),
        "cinema": cinema.name_for(language),
        "address": ", ".join(part for part in (cinema.address, cinema.city_for(language)) if part),
        "hall": session.hall.name,
        "starts": _local(session.starts_at, tz),
        "time_zone": cinema.timezone,
        "starts_at": session.starts_at,
    }


def _seats(tickets) -> list[dict]:
    return [
        {
            "row": t.row,
            "seat": t.seat,
            "category": t.get_category_display(),
            "price": _money(t.price, t.session.currency),
            "number": t.number,
        }
        for t in tickets
    ]


def _booking(booking_id: int):
    from booking.models import Booking

    return Booking.objects.select_related("session__movie", "session__hall__cinema", "user").get(pk=booking_id)


def _tickets(booking, *, ids=None, statuses=None):
    tickets = booking.tickets.select_related("session").order_by("row", "seat")
    if ids is not None:
        tickets = tickets.filter(pk__in=ids)
    if statuses is not None:
        tickets = tickets.filter(status__in=statuses)
    return list(tickets)


def calendar_file(booking, tickets) -> bytes:
    """One event: the session at the cinema's address, in its zone, as long as adverts and film."""
    session = booking.session
    cinema = session.hall.cinema
    tz = cinema.tz
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Cinema booking platform//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "cinema.local"
    event.add("uid", f"booking-{booking.reference}@{host}")
    event.add("dtstamp", booking.paid_at or booking.created_at)
    event.add("dtstart", session.starts_at.astimezone(tz))
    event.add("dtend", session.ends_at.astimezone(tz))
    language = translation.get_language() or settings.LANGUAGE_CODE  # the recipient's, or the page's
    name, city = cinema.name_for(language), cinema.city_for(language)
    event.add("summary", f"{session.movie.title_for(language)} — {name}")
    event.add("location", ", ".join(part for part in (name, cinema.address, city) if part))
    seats = ", ".join(_("row %(row)s, seat %(seat)s") % {"row": t.row, "seat": t.seat} for t in tickets)
    event.add("description", f"{_('Hall')}: {session.hall.name}. {seats}. {_('Booking')} {booking.reference}")
    if cinema.latitude is not None and cinema.longitude is not None:
        event.add("geo", (float(cinema.latitude), float(cinema.longitude)))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _booking_confirmation(message: Message) -> Content:
    from booking.models import TicketStatus
    from booking.tokens import make_ticket_token

    booking = _booking(message.context["booking"])
    tickets = _tickets(booking, statuses=[TicketStatus.PAID, TicketStatus.USED])
    images, seats = [], []
    for ticket, seat in zip(tickets, _seats(tickets), strict=True):
        cid = f"ticket-{ticket.pk}@cinema"
        images.append((cid, qr_png(make_ticket_token(ticket))))
        seats.append({**seat, "cid": cid})
    total = sum((t.price for t in tickets), Decimal("0"))
    context = {
        **_session_context(booking.session),
        "reference": booking.reference,
        "seats": seats,
        "total": _money(total, booking.currency),
        "tickets_url": f"{settings.SITE_URL}/tickets/",
    }
    subject = _("Your tickets: %(film)s, %(starts)s") % context
    files = [(f"cinema-{booking.reference}.ics", calendar_file(booking, tickets), "text/calendar")]
    return Content(subject, context, images, files)


def _refund_confirmation(message: Message) -> Content:
    booking = _booking(message.context["booking"])
    tickets = _tickets(booking, ids=message.context["tickets"])
    context = {
        **_session_context(booking.session),
        "reference": booking.reference,
        "seats": _seats(tickets),
        "amount": _money(message.context["amount"], booking.currency),
    }
    return Content(_("Refund for booking %(reference)s: %(amount)s") % context, context)


def _session_cancelled(message: Message) -> Content:
    booking = _booking(message.context["booking"])
    session = booking.session
    tickets = _tickets(booking, ids=message.context["tickets"])
    context = {
        **_session_context(session),
        "reference": booking.reference,
        "seats": _seats(tickets),
        "amount": _money(message.context["amount"], booking.currency),
        "refunded": bool(tickets),
        "reason": session.cancel_reason,
        "other_sessions_url": f"{settings.SITE_URL}/films/{session.movie.slug}/",
    }
    return Content(_("Session cancelled: %(film)s, %(starts)s") % context, context)


def _reminder(message: Message) -> Content:
    from booking.models import TicketStatus

    booking = _booking(message.context["booking"])
    tickets = _tickets(booking, statuses=[TicketStatus.PAID])
    context = {
        **_session_context(booking.session),
        "reference": booking.reference,
        "seats": _seats(tickets),
        "tickets_url": f"{settings.SITE_URL}/tickets/",
    }
    return Content(_("Reminder: %(film)s, %(starts)s") % context, context)


def _uid(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def _password_reset(message: Message) -> Content:
    user = message.user
    token = default_token_generator.make_token(user)
    context = {
        "link": f"{settings.SITE_URL}/password-reset/{_uid(user)}/{token}/",
        "hours": max(settings.PASSWORD_RESET_TIMEOUT // 3600, 1),
    }
    return Content(_("Set a new password"), context)


def _email_verification(message: Message) -> Content:
    from accounts.tokens import make_email_token

    user = message.user
    context = {
        "link": f"{settings.SITE_URL}/verify-email/{_uid(user)}/{make_email_token(user)}/",
        "email": user.email,
    }
    return Content(_("Confirm your e-mail address"), context)


def _review_moderated(message: Message) -> Content:
    from reviews.models import Review

    review = Review.objects.select_related("movie").get(pk=message.context["review"])
    context = {
        "film": review.movie.title_for(translation.get_language() or settings.LANGUAGE_CODE),
        "title": review.title,
        "approved": message.context["approved"],
        "reason": message.context.get("reason", ""),
    }
    if context["approved"]:
        return Content(_("Your review of %(film)s is published") % context, context)
    return Content(_("Your review of %(film)s was not published") % context, context)


BUILDERS = {
    MessageKind.BOOKING_CONFIRMATION: _booking_confirmation,
    MessageKind.REFUND_CONFIRMATION: _refund_confirmation,
    MessageKind.SESSION_CANCELLED: _session_cancelled,
    MessageKind.REMINDER: _reminder,
    MessageKind.PASSWORD_RESET: _password_reset,
    MessageKind.EMAIL_VERIFICATION: _email_verification,
    MessageKind.REVIEW_MODERATED: _review_moderated,
}


def render(message: Message) -> tuple[Content, str, str]:
    """(content, plain text, HTML) in the recipient's language."""
    with translation.override(message.language or settings.LANGUAGE_CODE):
        content = BUILDERS[message.kind](message)
        context = {
            **content.context,
            "subject": content.subject,
            "name": message.user.get_short_name() if message.user else "",
            "site_url": settings.SITE_URL,
            "language": message.language,
        }
        text = render_to_string(f"notifications/email/{message.kind}.txt", context)
        html = render_to_string(f"notifications/email/{message.kind}.html", context)
    return content, text, html


def build_email(message: Message) -> EmailMultiAlternatives:
    content, text, html = render(message)
    email = EmailMultiAlternatives(
        subject=content.subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers={"Message-ID": message.message_id},
    )
    email.attach_alternative(html, "text/html")
    if content.images:
        # The HTML and the QR images it shows by Content-ID belong together.
        email.mixed_subtype = "related"
        for cid, png in content.images:
            image = MIMEImage(png, "png")
            image.add_header("Content-ID", f"<{cid}>")
            image.add_header("Content-Disposition", "inline", filename=f"{cid.split('@')[0]}.png")
            email.attach(image)
    for name, data, mimetype in content.files:
        email.attach(name, data, mimetype)
    return email
