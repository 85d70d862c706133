"""No tables: two proxies that give the reports a place, and a permission
each, in the back office."""

from django.utils.translation import gettext_lazy as _

from booking.models import Ticket
from scheduling.models import Session


class SalesReport(Ticket):
    class Meta:
        proxy = True
        verbose_name = _("sales report")
        verbose_name_plural = _("sales report")
        default_permissions = ("view",)


class DistributorReport(Session):
    class Meta:
        proxy = True
        verbose_name = _("distributor report")
        verbose_name_plural = _("distributor report")
        default_permissions = ("view",)
