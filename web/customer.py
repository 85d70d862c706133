"""The customer's own pages: an order's confirmation (with its calendar file),
"My tickets" and the account. They are reads, rendered on the server from the
booking selectors; the scripts only act (refund, release, change password) by
calling the public API.

Another customer's order is a 404, never a 403: a reference says nothing about
whether it exists. A visitor who is not signed in is asked to sign in first.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from booking import selectors
from booking.models import BookingStatus, PaymentStatus, TicketStatus
from booking.services import refund_deadline
from notifications.emails import calendar_file
from reviews.selectors import user_reviews
from web.views import PageView


def customer_texts() -> dict:
    """Texts the customer's pages' scripts show (refund dialog, release, password)."""
    return {
        "refundDone": _("Refund requested: %(amount)s goes back to your card within a few days."),
        "released": _("The seats are released."),
        "saved": _("Saved."),
        "confirmingStill": _("Still waiting for the payment provider. This page updates by itself."),
        "passwordChanged": _("Your password is changed. Sign in again with the new one."),
    }


def plural_forms(singular: str, plural: str) -> dict:
    """A counted phrase for every plural category of the language (Intl.PluralRules picks one
    in the browser): 1 → one, 2 → few, 5 → many and other; "%(count)d" stands for the number."""
    return {
        category: ngettext(singular, plural, n) for category, n in (("one", 1), ("few", 2), ("many", 5), ("other", 5))
    }


def checkout_texts() -> dict:
    """Texts of the session page's checkout (static/web/seatmap.js)."""
    return {
        "seatName": _("Row %(row)s, seat %(seat)s"),
        "mine": _("held for you"),
        "seatsCount": plural_forms("%(count)d seat", "%(count)d seats"),
        "maxSeats": plural_forms("You can choose at most %(count)d seat.", "You can choose at most %(count)d seats."),
        "minutesLeft": plural_forms(
            "Your seats are held for you: %(count)d minute left.",
            "Your seats are held for you: %(count)d minutes left.",
        ),
        "lastMinute": _("Less than a minute left: pay now, or the seats are released."),
        "ticketTypeFor": _("Ticket for row %(row)s, seat %(seat)s"),
        "removeSeat": _("Remove row %(row)s, seat %(seat)s"),
        "holdSeats": _("Hold seats"),
        "updateHold": _("Hold with the changes"),
        "payAmount": _("Pay %(amount)s"),
        "holding": _("Holding your seats…"),
        "paying": _("Starting the payment…"),
        "toProvider": _("Taking you to the payment page…"),
        "selectSeats": _("Select seats on the map."),
        "estimate": _("Estimated total; a promo code applies when the seats are held."),
        "changed": _("You changed the order: hold it again to see the new total."),
        "subtotal": _("Tickets"),
        "discount": _("Discount"),
        "promoCode": _("promo code %(code)s"),
        "bookingFee": _("Booking fee"),
        "total": _("Total"),
        "noSeatsLeft": _("None of the chosen seats can be held."),
        **customer_texts(),
    }


# What a payment provider's cancellation reason means to the customer.
def failure_text(reason: str) -> str:
    texts = {
        "card_declined": _("your bank declined the card"),
        "insufficient_funds": _("there is not enough money on the card"),
        "expired_card": _("the card has expired"),
        "3d_secure_failed": _("the bank's confirmation code was not accepted"),
        "expired_on_confirmation": _("the payment was not confirmed in time"),
    }
    return texts.get(reason, _("the payment did not go through"))


def paid_with_text(method: str) -> str:
    """Where a refund goes: back the way the customer paid."""
    if method == "sbp":
        return _("to the account you paid from with the Faster Payments System (SBP)")
    return _("to the bank card you paid with")


@method_decorator(never_cache, name="dispatch")
class CustomerPageView(PageView):
    """A page of the signed-in customer; others see a sign-in prompt (the page reloads after it).

    Never stored by a browser's or a proxy's cache: the pages are one person's."""

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            context = super().get_context_data(**kwargs)
            context["heading"] = self.sign_in_heading()
            return render(request, "web/sign_in_needed.html", context)
        return super().get(request, *args, **kwargs)

    def sign_in_heading(self) -> str:
        return _("Sign in")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["texts"].update(customer_texts())
        return context


def _local(moment, cinema):
    return timezone.localtime(moment, cinema.tz)


def _order(booking, now) -> dict:
    """What a page shows of one order (the booking and its tickets), decided here, not in templates."""
    session = booking.session
    cinema = session.hall.cinema
    deadline = refund_deadline(session.starts_at)
    tickets = booking.shown_tickets
    live = [t for t in tickets if t.status in (TicketStatus.PAID, TicketStatus.USED, TicketStatus.RESERVED)]
    held = booking.status == BookingStatus.RESERVED
    return {
        "booking": booking,
        "session": session,
        "cinema": cinema,
        "starts": _local(session.starts_at, cinema),
        "ends": _local(session.ends_at, cinema),
        "tickets": tickets,
        "held": held,
        "held_until": _local(booking.reserved_until, cinema) if held else None,
        "paid": booking.status == BookingStatus.PAID,
        "refundable": booking.status == BookingStatus.PAID and now < deadline,
        "refund_deadline": _local(deadline, cinema),
        "refund_closed": booking.status == BookingStatus.PAID and deadline <= now < session.ends_at,
        "total": sum((t.price for t in live), 0),
        "seats_text": ngettext("%(count)d seat", "%(count)d seats", len(live)) % {"count": len(live)},
        "paid_with": paid_with_text(booking.payment_method),
    }


class OrderView(CustomerPageView):
    """The confirmation page the payment provider sends the customer back to."""

    template_name = "web/order.html"

    def sign_in_heading(self) -> str:
        return _("Sign in to see your order")

    def get_context_data(self, **kwargs):
        booking = selectors.customer_booking(user_id=self.request.user.pk, reference=kwargs["reference"])
        if booking is None:
            raise Http404
        context = super().get_context_data(**kwargs)
        payment = booking.last_payment
        context["order"] = _order(booking, timezone.now())
        context["confirming"] = booking.status == BookingStatus.RESERVED and bool(
            payment and payment.status == PaymentStatus.PENDING
        )
        context["failed"] = (
            failure_text(payment.failure_reason)
            if booking.status == BookingStatus.RESERVED
            and payment
            and payment.status in (PaymentStatus.FAILED, PaymentStatus.CANCELED)
            else ""
        )
        context["config"]["reference"] = booking.reference
        context["config"]["payment"] = payment.pk if context["confirming"] else None
        return context


class OrderCalendarView(CustomerPageView):
    """The order's session as a calendar file: the same file the confirmation e-mail carries."""

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise Http404
        booking = selectors.customer_booking(user_id=request.user.pk, reference=kwargs["reference"])
        if booking is None or booking.status != BookingStatus.PAID:
            raise Http404
        tickets = [t for t in booking.shown_tickets if t.status in (TicketStatus.PAID, TicketStatus.USED)]
        response = HttpResponse(calendar_file(booking, tickets), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="cinema-{booking.reference}.ics"'
        return response


class TicketsView(CustomerPageView):
    """My tickets: orders upcoming first, the past ones folded away."""

    template_name = "web/tickets.html"

    def sign_in_heading(self) -> str:
        return _("Sign in to see your tickets")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        orders = selectors.customer_orders(user_id=self.request.user.pk, now=now)
        context["upcoming"] = [_order(b, now) for b in orders.upcoming]
        context["past"] = [_order(b, now) for b in orders.past]
        return context


class AccountView(CustomerPageView):
    """The profile, a new password, and the customer's reviews with their status."""

    template_name = "web/account_home.html"

    def sign_in_heading(self) -> str:
        return _("Sign in to see your account")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["profile"] = self.request.user
        context["reviews"] = user_reviews(user_id=self.request.user.pk)
        return context
