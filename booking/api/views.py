import io

import django_filters
import qrcode
import qrcode.image.svg
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.identity import canonical_email
from booking import selectors, services
from booking.api.serializers import (
    BookingSerializer,
    CheckInRequestSerializer,
    CheckInResultSerializer,
    HoldRequestSerializer,
    PayRequestSerializer,
    SeatMapSerializer,
    SessionCancelRequestSerializer,
    StatisticsQuerySerializer,
    TicketSerializer,
)
from booking.errors import PaymentDeclined, TicketNotUsable
from booking.models import Booking, Ticket, TicketStatus
from booking.tokens import make_ticket_token
from cinema.api.errors import error_body
from cinema.api.permissions import CanCheckIn, IsManager, is_manager
from cinema.api.throttling import BookingThrottle, OneTripThrottlesMixin, PaymentThrottle
from cinema.errors import ValidationFailed
from scheduling.api.serializers import SessionSerializer
from scheduling.models import Session

TAG = ["tickets"]
ERRORS = {
    400: OpenApiResponse(description="validation error (error envelope)"),
    401: OpenApiResponse(description="not authenticated"),
    404: OpenApiResponse(description="not found"),
}


class TicketFilter(django_filters.FilterSet):
    session = django_filters.NumberFilter(field_name="session_id")
    cinema = django_filters.NumberFilter(field_name="session__hall__cinema_id")
    status = django_filters.ChoiceFilter(choices=TicketStatus.choices)
    date = django_filters.DateFilter(field_name="session__starts_at", lookup_expr="date")
    email = django_filters.CharFilter(method="filter_email", label="customer e-mail (staff)")

    def filter_email(self, queryset, name, value):
        return queryset.filter(user__email=canonical_email(value))  # one account per address, however typed


@extend_schema_view(
    list=extend_schema(tags=TAG, summary="My tickets (managers: everyone's, with filters)"),
    retrieve=extend_schema(tags=TAG, summary="A ticket"),
)
class TicketViewSet(OneTripThrottlesMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = TicketSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = TicketFilter
    ordering_fields = ["created_at", "paid_at", "price"]
    ordering = ["-created_at", "-id"]
    lookup_value_regex = r"\d+"

    def get_throttles(self):
        extra = {"create": [BookingThrottle()], "pay": [PaymentThrottle()]}.get(self.action, [])
        return [*super().get_throttles(), *extra]

    def get_queryset(self):
        qs = Ticket.objects.select_related("session__movie", "session__hall__cinema", "booking")
        if getattr(self, "swagger_fake_view", False):
            return qs.none()
        if self.action == "check_in" or is_manager(self.request.user):
            return qs
        return qs.filter(user=self.request.user)

    def get_permissions(self):
        if self.action == "check_in":
            return [CanCheckIn()]
        if self.action == "statistics":
            return [IsManager()]
        return super().get_permissions()

    @extend_schema(
        tags=TAG,
        summary="Hold seats of one session: all or none",
        request=HoldRequestSerializer,
        responses={201: BookingSerializer, 409: OpenApiResponse(description="seats not free or not on sale"), **ERRORS},
    )
    def create(self, request):
        data = HoldRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        seats = [(s["row"], s["seat"]) for s in data.validated_data["seats"]]
        booking = services.ticket_hold(user=request.user, session_id=data.validated_data["session"], seats=seats)
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAG,
        summary="Pay the booking of this ticket (idempotent: Idempotency-Key header)",
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=True)],
        request=PayRequestSerializer,
        responses={
            200: BookingSerializer,
            402: OpenApiResponse(description="declined: reason"),
            409: OpenApiResponse(description="already paid, hold lapsed, key reused"),
            **ERRORS,
        },
    )
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        data = PayRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        outcome = services.ticket_pay(
            user=request.user,
            ticket_id=int(pk),
            idempotency_key=request.headers.get("Idempotency-Key", ""),
            method=data.validated_data["payment_method"],
            card_number=data.validated_data["card_number"],
        )
        headers = {"Idempotent-Replayed": "true"} if outcome.replayed else {}
        if not outcome.approved:
            error = PaymentDeclined(
                outcome.payment.decline_reason or "The payment was declined.",
                extra={"booking": outcome.booking.reference},
            )
            return Response(error_body(error.code, error.message, details=error.extra), status=402, headers=headers)
        return Response(BookingSerializer(outcome.booking).data, headers=headers)

    @extend_schema(
        tags=TAG,
        summary="Cancel a held ticket, or refund a paid one before the cut-off",
        request=None,
        responses={200: TicketSerializer, 409: OpenApiResponse(description="refund refused")},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        ticket = services.ticket_cancel(ticket=self.get_object(), by=request.user)  # own, or any for managers
        return Response(TicketSerializer(self.get_queryset().get(pk=ticket.pk)).data)

    @extend_schema(
        tags=TAG,
        summary="The ticket's QR code (PNG; ?format=svg for SVG)",
        parameters=[OpenApiParameter("format", str, enum=["png", "svg"])],
        responses={
            (200, "image/png"): OpenApiTypes.BINARY,
            (200, "image/svg+xml"): OpenApiTypes.BINARY,
            409: OpenApiResponse(description="not paid"),
        },
    )
    @action(detail=True, methods=["get"], url_path="qr")
    def qr(self, request, pk=None):
        ticket = self.get_object()
        if ticket.status not in (TicketStatus.PAID, TicketStatus.USED):
            raise TicketNotUsable("QR codes exist for paid tickets only.", extra={"status": ticket.status})
        payload = make_ticket_token(ticket)
        fmt = request.query_params.get("format", "png").lower()
        if fmt not in ("png", "svg"):
            raise ValidationFailed("format: png or svg.", fields={"format": ["png or svg"]})
        buffer = io.BytesIO()
        if fmt == "svg":
            qrcode.make(payload, image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
            content_type = "image/svg+xml"
        else:
            qrcode.make(payload, box_size=8, border=2).save(buffer, format="PNG")
            content_type = "image/png"
        response = HttpResponse(buffer.getvalue(), content_type=content_type)
        response["Cache-Control"] = "private, no-store"
        return response

    @extend_schema(
        tags=TAG,
        summary="Admit a ticket at the door (staff scans the QR payload)",
        request=CheckInRequestSerializer,
        responses={
            200: CheckInResultSerializer,
            400: OpenApiResponse(description="forged payload"),
            409: OpenApiResponse(description="used, not paid, cancelled, too early or late"),
        },
    )
    @action(detail=False, methods=["post"], url_path="check-in")
    def check_in(self, request):
        data = CheckInRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.ticket_check_in(payload=data.validated_data["payload"], by=request.user)
        session = ticket.session
        return Response(
            {
                "ticket": ticket.number,
                "row": ticket.row,
                "seat": ticket.seat,
                "category": ticket.category,
                "movie": session.movie.title,
                "cinema": session.hall.cinema.name,
                "hall": session.hall.name,
                "starts_at": timezone.localtime(session.starts_at, session.hall.cinema.tz).isoformat(),
                "checked_in_at": ticket.checked_in_at,
            }
        )

    @extend_schema(
        tags=TAG,
        summary="Sales statistics (manager)",
        parameters=[StatisticsQuerySerializer],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"])
    def statistics(self, request):
        query = StatisticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        return Response(
            selectors.sales_statistics(
                date_from=params.get("date_from"),
                date_to=params.get("date_to"),
                cinema_id=params.get("cinema"),
                movie_id=params.get("movie"),
            )
        )


class SeatMapView(APIView):
    """Served from a rendered, cached document: the hottest read of a premiere."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes: list = []  # nginx limits per address; a cache hit costs no database work

    @extend_schema(
        tags=["sessions"],
        summary="The session's seat map: every seat with category, price, status",
        responses={200: SeatMapSerializer},
    )
    def get(self, request, pk: int):
        body = selectors.seat_map_json(pk)
        if body is None:
            raise NotFound("Session not found.")
        return HttpResponse(body, content_type="application/json")


class SessionCancelView(APIView):
    permission_classes = [IsManager]

    @extend_schema(
        tags=["sessions"],
        summary="Cancel a session: refund every paid ticket, release every hold (manager)",
        request=SessionCancelRequestSerializer,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request, pk: int):
        session = get_object_or_404(Session, pk=pk)
        data = SessionCancelRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.session_cancel(session=session, by=request.user, reason=data.validated_data.get("reason", ""))
        session = Session.objects.with_related().get(pk=session.pk)
        return Response(
            {
                "session": SessionSerializer(session).data,
                "refunded_tickets": result.refunded_tickets,
                "refunded_amount": str(result.refunded_amount),
                "released_holds": result.released_holds,
            }
        )


class BookingView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAG, summary="A booking of mine, by reference", responses={200: BookingSerializer})
    def get(self, request, reference: str):
        qs = Booking.objects.all() if is_manager(request.user) else Booking.objects.filter(user=request.user)
        return Response(BookingSerializer(get_object_or_404(qs, reference=reference.upper())).data)
