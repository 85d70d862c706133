from django.core.management.base import BaseCommand

from booking.services import holds_expire


class Command(BaseCommand):
    help = (
        "Mark lapsed seat holds as expired. Lapsed holds free their seats at once anyway; "
        "this tidies their status. Safe to run every minute beside live traffic."
    )

    def handle(self, *args, **options):
        tickets, bookings = holds_expire()
        self.stdout.write(f"Expired {tickets} ticket hold(s) in {bookings} booking(s).")
