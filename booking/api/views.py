import io
import logging

import django_filters
import qrcode
import qrcode.image.svg
from django.conf import settings
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
    PaymentSerializer,
    PaymentStartSerializer,
    PayRequestSerializer,
    PayResultSerializer,
    SeatMapSerializer,
    SessionCancelRequestSerializer,
    SessionCancelResultSerializer,
    StatisticsQuerySerializer,
    StatisticsSerializer,
    TicketSerializer,
    WebhookEventSerializer,
)
from booking.errors import TicketNotUsable
from booking.models import Booking, Payment, Ticket, TicketStatus
from booking.providers import PROVIDERS, get_provider
from booking.providers.base import ProviderError, WebhookRejected
from booking.tokens import make_ticket_token
from cinema.api.errors import error_body
from cinema.api.negotiation import IgnoreClientContentNegotiation
from cinema.api.permissions import CanCheckIn, IsManager, is_manager
from cinema.api.throttling import BookingThrottle, OneTripThrottlesMixin, PaymentThrottle
from scheduling.api.serializers import SessionSerializer
from scheduling.models import Session

logger = logging.getLogger("booking")
TAG = ["tickets"]
QR_MEDIA_TYPES = {"png": "image/png", "svg": "image/svg+xml"}
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
        seats = data.validated_data["seats"]
        booking = services.ticket_hold(
            user=request.user,
            session_id=data.validated_data["session"],
            seats=[(s["row"], s["seat"]) for s in seats],
            ticket_types=[s.get("ticket_type") for s in seats],
            promo_code=data.validated_data.get("promo_code") or None,
        )
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAG,
        summary="Start paying the booking of this ticket at the payment provider (idempotent: Idempotency-Key)",
        description="Records a pending payment and returns the provider's `confirmation_url`: send the customer "
        "there to enter the card and pass 3-D Secure, then poll `GET /payments/{id}/`. The outcome arrives by the "
        "provider's webhook. Card data in the body is refused (`card_data_not_accepted`). The same key with the "
        "same body answers the same again (`Idempotent-Replayed: true`); with another body, 409. Less than "
        "PAYMENT_CONFIRM_MINUTES left on the hold: it is extended to that, never past 25 minutes from the hold.",
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                {"type": "string", "minLength": 1, "maxLength": 255},
                OpenApiParameter.HEADER,
                required=True,
                description="any unique text per payment attempt; a retry with the same key answers the same "
                "again and starts nothing new",
            ),
            OpenApiParameter(
                "Idempotent-Replayed",
                {"type": "string", "enum": ["true"]},
                OpenApiParameter.HEADER,
                response=[201],
                description="`true` when the answer is the stored outcome of an earlier request with this key",
            ),
        ],
        request=PayRequestSerializer,
        responses={
            201: PayResultSerializer,
            409: OpenApiResponse(description="already paid, hold lapsed, key reused, a payment already waiting"),
            503: OpenApiResponse(description="the payment provider cannot be reached (retry with the same key)"),
            **ERRORS,
        },
    )
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        data = PayRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        started = services.ticket_pay(
            user=request.user,
            ticket_id=int(pk),
            idempotency_key=request.headers.get("Idempotency-Key", ""),
            method=data.validated_data["payment_method"],
            return_url=data.validated_data.get("return_url", ""),
        )
        headers = {"Idempotent-Replayed": "true"} if started.replayed else {}
        body = {
            "payment": PaymentStartSerializer(started.payment, context={"request": request}).data,
            "booking": BookingSerializer(started.booking).data,
        }
        return Response(body, status=status.HTTP_201_CREATED, headers=headers)

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

    def _qr(self, image: str) -> HttpResponse:
        ticket = self.get_object()
        if ticket.status not in (TicketStatus.PAID, TicketStatus.USED):
            raise TicketNotUsable("QR codes exist for paid tickets only.", extra={"status": ticket.status})
        payload = make_ticket_token(ticket)
        buffer = io.BytesIO()
        if image == "svg":
            qrcode.make(payload, image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
        else:
            qrcode.make(payload, box_size=8, border=2).save(buffer, format="PNG")
        response = HttpResponse(buffer.getvalue(), content_type=QR_MEDIA_TYPES[image])
        response["Cache-Control"] = "private, no-store"
        return response

    # One operation per image type (generated clients cannot choose between two
    # media types of one answer); each answers its type whatever ``Accept`` says,
    # and errors in the JSON envelope.
    @extend_schema(
        tags=TAG,
        summary="The ticket's QR code as PNG",
        responses={(200, QR_MEDIA_TYPES["png"]): OpenApiTypes.BINARY, 409: OpenApiResponse(description="not paid")},
    )
    @action(detail=True, methods=["get"], url_path="qr", content_negotiation_class=IgnoreClientContentNegotiation)
    def qr(self, request, pk=None):
        return self._qr("png")

    @extend_schema(
        tags=TAG,
        summary="The ticket's QR code as SVG",
        responses={(200, QR_MEDIA_TYPES["svg"]): OpenApiTypes.BINARY, 409: OpenApiResponse(description="not paid")},
    )
    @action(detail=True, methods=["get"], url_path="qr/svg", content_negotiation_class=IgnoreClientContentNegotiation)
    def qr_svg(self, request, pk=None):
        return self._qr("svg")

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
                "ticket_type": ticket.ticket_type_code,
                "check_id": bool(ticket.ticket_type_id and ticket.ticket_type.check_id),
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
        responses={200: StatisticsSerializer},
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
        responses={
            200: SessionCancelResultSerializer,
            409: OpenApiResponse(description="already cancelled (session_cancelled) or finished"),
        },
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


@extend_schema(
    tags=["payments"],
    summary="A payment: its buyer and managers poll it after the customer returns from the provider",
    responses={200: PaymentSerializer, **ERRORS},
)
class PaymentView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request, pk: int):
        payments = Payment.objects.select_related("booking")
        if not is_manager(request.user):
            payments = payments.filter(user=request.user)
        payment = get_object_or_404(payments, pk=pk)
        return Response(PaymentSerializer(payment, context={"request": request}).data)


@extend_schema(
    tags=["payments"],
    summary="The payment provider's notifications (webhook)",
    description="For the provider, not for apps. `fake`: the raw body signed in `X-Fake-PSP-Signature: "
    "sha256=<hex HMAC-SHA256 of the body, key PAYMENT_FAKE_WEBHOOK_SECRET>`. `yookassa`: YooKassa's notification; "
    "its body is not trusted, the payment is read back from YooKassa's API (and the sender's address checked). "
    "A bad or missing signature is 400 and changes nothing; the same event again is 200 with one effect; a late "
    "`payment.canceled` never undoes a success; an unknown payment is 200, logged, no change.",
    parameters=[
        OpenApiParameter("provider", str, OpenApiParameter.PATH, enum=sorted(PROVIDERS)),
        OpenApiParameter("X-Fake-PSP-Signature", str, OpenApiParameter.HEADER, required=False),
    ],
    request=WebhookEventSerializer,
    responses={
        200: OpenApiResponse(description="received (acted on once)"),
        400: OpenApiResponse(description="bad or missing signature, malformed body (error envelope)"),
        404: OpenApiResponse(description="not the configured provider"),
        503: OpenApiResponse(description="the provider's API could not be asked (it sends the event again)"),
    },
)
class PaymentWebhookView(APIView):
    authentication_classes = []
    throttle_classes = []  # a throttled notification is only sent again later
    permission_classes = [AllowAny]

    def post(self, request, provider: str):
        if provider != settings.PAYMENT_PROVIDER:
            raise NotFound("No such payment provider here.")
        try:
            event = get_provider(provider).parse_webhook(request)
        except WebhookRejected as exc:
            logger.warning("webhook rejected", extra={"event": "webhook_rejected", "provider": provider})
            return Response(error_body("webhook_rejected", str(exc)), status=400)
        except ProviderError as exc:
            return Response(error_body("payment_provider_unavailable", str(exc)), status=503)
        outcome = services.payment_webhook_handle(provider=provider, event=event)
        return Response({"received": True, "outcome": outcome})
