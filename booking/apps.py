from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    name = "booking"
    verbose_name = _("Booking")

    def ready(self):
        from booking import checks  # noqa: F401 - registers the deploy checks

        # venues must not import booking; booking tells venues what to check.
        from booking.selectors import sold_seats_in_future_sessions
        from venues.services import register_layout_guard

        register_layout_guard(sold_seats_in_future_sessions)
