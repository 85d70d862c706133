"""Branding of the back office (the Django admin)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Cinema booking — back office")
admin.site.site_title = _("Cinema back office")
admin.site.index_title = _("Run the chain")
