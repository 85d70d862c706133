"""Customer pages. They render a shell and the texts in the visitor's language;
everything else comes from the public REST API, called by the browser
(static/web/*.js), so the pages are also a reference client of the API."""

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from booking.services import sales_problem
from scheduling.models import Session


def _texts() -> dict[str, str]:
    """Texts the scripts show, translated for this request."""
    return {
        "signIn": _("Sign in"),
        "signOut": _("Sign out"),
        "register": _("Create an account"),
        "email": _("E-mail"),
        "password": _("Password"),
        "firstName": _("First name"),
        "lastName": _("Last name"),
        "noSessions": _("No sessions for this city and date."),
        "from": _("from"),
        "seatsLeft": _("seats left"),
        "row": _("Row"),
        "seat": _("Seat"),
        "screen": _("Screen"),
        "total": _("Total"),
        "hold": _("Hold seats"),
        "holding": _("Holding…"),
        "selectSeats": _("Select seats on the map."),
        "maxSeats": _("You can choose at most %(n)s seats."),
        "heldUntil": _("Seats held for you:"),
        "holdLapsed": _("Your hold has lapsed and the seats were released. Choose them again."),
        "seatsTaken": _("These seats were just taken by someone else:"),
        "pay": _("Pay"),
        "paying": _("Starting the payment…"),
        "toProvider": _("Taking you to the payment page…"),
        "confirming": _("Waiting for the payment provider to confirm your payment…"),
        "stillConfirming": _("The payment is not confirmed yet; this page will show your tickets once it is."),
        "declined": _("The payment was declined:"),
        "paid": _("Paid! Your tickets are in “My tickets”."),
        "myTickets": _("My tickets"),
        "noTickets": _("You have no tickets yet."),
        "cancel": _("Cancel ticket"),
        "cancelHeld": _("Release"),
        "refundRule": _("Full refund until %(m)s minutes before the start."),
        "confirmCancel": _("Cancel this ticket?"),
        "cancelled": _("Cancelled."),
        "refunded": _("Refunded:"),
        "error": _("Something went wrong:"),
        "free": _("free"),
        "held": _("held"),
        "sold": _("sold"),
        "blocked": _("not for sale"),
        "selected": _("selected"),
        "standard": _("Standard"),
        "premium": _("Premium"),
        "vip": _("VIP"),
        "love": _("Love seat"),
        "wheelchair": _("Wheelchair space"),
        "nearest": _("Nearest cinemas"),
        "locating": _("Finding your location…"),
        "noLocation": _("Your location is not available."),
        "km": _("km"),
        "status_paid": _("paid"),
        "status_used": _("used"),
        "status_reserved": _("held"),
        "status_cancelled": _("cancelled"),
        "status_refunded": _("refunded"),
        "status_expired": _("expired"),
        "chooseSession": _("Choose a session"),
        "refundClosed": _("Refunds are closed for this ticket."),
        "resetSent": _("If an account has this address, a link to set a new password is on its way. Check your mail."),
        "passwordSet": _("Your new password is set. Sign in with it."),
        "emailVerified": _("Thank you: your e-mail address is confirmed."),
    }


class PageView(TemplateView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["texts"] = _texts()
        context["config"] = {
            "maxSeats": settings.BOOKING_MAX_SEATS,
            "refundCutoffMinutes": settings.REFUND_CUTOFF_MINUTES,
            "holdMinutes": settings.BOOKING_HOLD_MINUTES,
        }
        return context


class SessionView(PageView):
    """The checkout: the session's head is rendered here; the seat map, the hold
    and the payment are the script's (static/web/seatmap.js) through the API."""

    template_name = "web/session.html"

    def get_context_data(self, **kwargs):
        from web.customer import checkout_texts

        if kwargs["pk"] > 2**62:
            raise Http404
        session = Session.objects.with_related().filter(pk=kwargs["pk"]).first()
        if session is None:
            raise Http404
        context = super().get_context_data(**kwargs)
        cinema = session.hall.cinema
        context["session"] = session
        context["starts"] = timezone.localtime(session.starts_at, cinema.tz)
        context["ends"] = timezone.localtime(session.ends_at, cinema.tz)
        context["on_sale"] = sales_problem(session) is None
        context["texts"].update(checkout_texts())
        context["config"]["session"] = session.pk
        return context


class AccountLinkView(PageView):
    """A page an e-mailed link opens; its script sends ``uid`` and ``token`` to the API."""

    template_name = "web/account.html"
    step = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["step"] = self.step
        context["config"].update(step=self.step, uid=kwargs.get("uid", ""), token=kwargs.get("token", ""))
        return context


class PasswordResetView(AccountLinkView):
    step = "reset-request"


class PasswordResetConfirmView(AccountLinkView):
    step = "reset-confirm"


class VerifyEmailView(AccountLinkView):
    step = "verify-email"
