"""Content negotiation for views that answer one media type of their own."""

from rest_framework.negotiation import BaseContentNegotiation


class IgnoreClientContentNegotiation(BaseContentNegotiation):
    """For views that answer one media type of their own (the QR images):
    served whatever ``Accept`` says, never a 406; errors in the JSON envelope
    (the first renderer)."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
