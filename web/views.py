"""Customer pages. They render a shell and the texts in the visitor's language;
everything else comes from the public REST API, called by the browser
(static/web/*.js), so the pages are also a reference client of the API."""

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from booking.services import sales_problem
from cinema.api.permissions import is_manager
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
        "errors": error_texts(),
    }


def error_texts() -> dict:
    """The API's error codes as the visitor's language says them (never the raw message): every page's
    scripts show them through ``humanError`` (static/web/messages.js)."""
    return {
        "generic": _("Something went wrong. Please try again."),
        "network": _("No connection to the server. Check the connection and try again."),
        "seat_unavailable": _("These seats were just taken by someone else:"),
        "sales_closed": _("Sales for this session are closed."),
        "hold_expired": _("Your hold has lapsed and the seats were released. Choose them again."),
        "already_paid": _("This order is already paid."),
        "refund_not_allowed": _("Refunds for this ticket are closed: the session starts too soon."),
        "ticket_not_usable": _("This ticket can no longer be changed."),
        "payment_provider_unavailable": _("The payment service does not answer. Try again in a minute."),
        "payment_declined": _("The payment was declined."),
        "throttled": _("Too many attempts. Wait a minute and try again."),
        "not_authenticated": _("Please sign in."),
        "authentication_failed": _("The e-mail or the password is wrong."),
        "ticket_type_not_offered": _("This ticket type is not sold for this seat."),
        "validation_error": _("Please check the form."),
        "password_wrong": _("The current password is wrong."),
        "password_weak": _("Choose a longer, less common password."),
        "invalid_credentials": _("Wrong e-mail or password."),
        "email_taken": _("An account with this e-mail already exists. Sign in, or reset the password."),
        "email_invalid": _("Enter a valid e-mail address."),
        "name_required": _("Fill in your first and last name."),
        "invalid_token": _("This link is invalid, used or expired. Ask for a new one."),
        "csrf_failed": _("The page's security token is missing or out of date. Reload the page and try again."),
        "promo": {
            "unknown": _("There is no such promo code."),
            "inactive": _("This promo code is no longer active."),
            "not_yet_valid": _("This promo code is not valid yet."),
            "expired": _("This promo code has expired."),
            "used_up": _("This promo code has been used up."),
            "customer_limit": _("You have already used this promo code."),
            "film": _("This promo code does not apply to this film."),
            "cinema": _("This promo code does not apply in this cinema."),
            "ticket_type": _("This promo code does not apply to these ticket types."),
            "min_tickets": _("This promo code needs more tickets in the order."),
        },
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
        sessions = Session.objects.with_related()
        if not is_manager(self.request.user):  # as the API: a withdrawn film or a closed cinema is not listed
            sessions = sessions.filter(movie__is_active=True, hall__cinema__is_active=True)
        session = sessions.filter(pk=kwargs["pk"]).first()
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
