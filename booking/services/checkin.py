"""Admitting ticket holders at the door, and revoking a ticket's QR code."""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from booking import metrics, tokens
from booking.errors import AlreadyCheckedIn, InvalidTicketToken, TicketNotUsable
from booking.models import Ticket, TicketStatus
from scheduling.models import SessionStatus

logger = logging.getLogger("booking")


def ticket_check_in(*, payload: str, by: User) -> Ticket:
    """Admit the holder of a QR payload once; refusals say why."""
    parsed = tokens.read_ticket_token(payload)
    if parsed is None:
        raise InvalidTicketToken("This is not a genuine ticket code.")
    ticket_id, secret = parsed
    now = timezone.now()
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("session__movie", "session__hall__cinema")
            .filter(pk=ticket_id)
            .first()
        )
        if ticket is None or not secrets.compare_digest(ticket.qr_secret, secret):
            raise InvalidTicketToken("This ticket code has been revoked or is not genuine.")
        if ticket.status == TicketStatus.USED:
            raise AlreadyCheckedIn(
                f"Already checked in at {ticket.checked_in_at.isoformat()}.",
                extra={"checked_in_at": ticket.checked_in_at.isoformat()},
            )
        if ticket.status != TicketStatus.PAID:
            raise TicketNotUsable(
                f"The ticket is {ticket.get_status_display().lower()}, not paid.", extra={"status": ticket.status}
            )
        session = ticket.session
        if session.status == SessionStatus.CANCELLED:
            raise TicketNotUsable("The session was cancelled.", extra={"status": "session_cancelled"})
        opens = session.starts_at - timedelta(minutes=settings.CHECKIN_OPENS_MINUTES)
        if now < opens:
            raise TicketNotUsable(
                f"Check-in opens at {opens.isoformat()}.", code="too_early", extra={"opens_at": opens.isoformat()}
            )
        if now > session.ends_at:
            raise TicketNotUsable(
                "The session is over.", code="too_late", extra={"ended_at": session.ends_at.isoformat()}
            )
        ticket.status = TicketStatus.USED
        ticket.checked_in_at = now
        ticket.checked_in_by = by
        ticket.save(update_fields=["status", "checked_in_at", "checked_in_by", "updated_at"])
        metrics.count(metrics.check_ins)
    logger.info("ticket checked in", extra={"event": "ticket_checked_in", "ticket": ticket.number})
    return ticket


def ticket_revoke_qr(*, ticket: Ticket) -> Ticket:
    """Issue a new QR secret: every earlier copy of the code stops working."""
    ticket.qr_secret = tokens.new_qr_secret()
    ticket.save(update_fields=["qr_secret", "updated_at"])
    return ticket
