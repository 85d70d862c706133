"""DRF's content negotiation, with the common case answered at once."""

from rest_framework.negotiation import BaseContentNegotiation, DefaultContentNegotiation

_JSON_OR_ANYTHING = frozenset({"", "*/*", "application/json"})


class ContentNegotiation(DefaultContentNegotiation):
    """A request that takes JSON or anything (no ``Accept``, ``*/*``,
    ``application/json``), with no ``?format=`` and no format suffix, gets the
    first renderer, JSON, as DRF's negotiation would give it — without parsing
    and ranking the header against every renderer (1 % of a hold's CPU).
    Anything else is negotiated by DRF, with its 406 when nothing fits."""

    def select_renderer(self, request, renderers, format_suffix=None):
        first = renderers[0]
        if (
            format_suffix is None
            and first.format == "json"
            and request.META.get("HTTP_ACCEPT", "") in _JSON_OR_ANYTHING
            and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
        ):
            return first, first.media_type
        return super().select_renderer(request, renderers, format_suffix)


class IgnoreClientContentNegotiation(BaseContentNegotiation):
    """For views that answer one media type of their own (the QR images):
    served whatever ``Accept`` says, never a 406; errors in the JSON envelope
    (the first renderer)."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
