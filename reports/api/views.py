from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.views import APIView

from cinema.api.permissions import IsManager
from reports import exports, selectors


class FirstRendererNegotiation(BaseContentNegotiation):
    """``?format=`` names the file here, not a renderer: errors are JSON."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class DistributorReportQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField(help_text="first local session date, YYYY-MM-DD")
    date_to = serializers.DateField(help_text=f"last local session date; at most {selectors.MAX_DAYS} days in all")
    format = serializers.ChoiceField(choices=["xlsx", "csv"], default="xlsx")

    def validate(self, attrs):
        selectors.check_range(attrs["date_from"], attrs["date_to"])
        return attrs


class DistributorReportView(APIView):
    permission_classes = [IsManager]
    content_negotiation_class = FirstRendererNegotiation

    @extend_schema(
        tags=["reports"],
        summary="Distributor report: per film week (Thu–Wed), film and cinema — sessions, admissions, "
        "gross, VAT, net (manager; XLSX or streamed CSV)",
        parameters=[DistributorReportQuerySerializer],
        responses={
            (200, exports.XLSX_TYPE): OpenApiTypes.BINARY,
            (200, "text/csv"): OpenApiTypes.BINARY,
            400: OpenApiResponse(description="bad or missing dates, a range over a year (error envelope)"),
            401: OpenApiResponse(description="not authenticated"),
            403: OpenApiResponse(description="managers only"),
        },
    )
    def get(self, request):
        query = DistributorReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        date_from, date_to, fmt = (query.validated_data[k] for k in ("date_from", "date_to", "format"))
        return distributor_download(date_from, date_to, fmt)


def distributor_download(date_from, date_to, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The report file as an attachment (the API and the back office answer the same)."""
    rows = selectors.distributor_report(date_from=date_from, date_to=date_to)
    if fmt == "csv":
        response = StreamingHttpResponse(exports.distributor_csv(rows), content_type=exports.CSV_TYPE)
    else:
        response = HttpResponse(exports.distributor_xlsx(rows, date_from, date_to), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(date_from, date_to, fmt)}"'
    response["Cache-Control"] = "private, no-store"
    return response
