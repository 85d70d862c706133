from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.generics import ListAPIView, get_object_or_404
from rest_framework.response import Response

from catalog.models import Movie
from cinema.api.cache import PublicCacheMixin
from cinema.api.permissions import IsManagerOrReadOnly, is_manager
from scheduling.api.filters import SessionFilter
from scheduling.api.serializers import SessionSerializer, SessionWriteSerializer
from scheduling.models import Session
from scheduling.services import session_create, session_update

TAG = ["sessions"]
CONFLICT = OpenApiResponse(description="the hall is busy then (session_overlap), or the session is closed or sold")


@extend_schema_view(
    list=extend_schema(tags=TAG, summary="List sessions (filter by film, cinema, city, local date, format, price…)"),
    retrieve=extend_schema(tags=TAG, summary="A session"),
    create=extend_schema(
        tags=TAG,
        summary="Schedule a session (manager; overlap, sales window, prices checked)",
        request=SessionWriteSerializer,
        responses={201: SessionSerializer, 409: CONFLICT},
    ),
    update=extend_schema(
        tags=TAG,
        summary="Replace a session (manager)",
        request=SessionWriteSerializer,
        responses={200: SessionSerializer, 409: CONFLICT},
    ),
    partial_update=extend_schema(
        tags=TAG,
        summary="Change a session (manager)",
        request=SessionWriteSerializer,
        responses={200: SessionSerializer, 409: CONFLICT},
    ),
)
class SessionViewSet(
    PublicCacheMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    cache_seconds = 10  # seats_available may lag this long; the seat map is exact
    serializer_class = SessionSerializer
    permission_classes = [IsManagerOrReadOnly]
    filterset_class = SessionFilter
    ordering_fields = ["starts_at", "base_price", "seats_available"]
    ordering = ["starts_at", "id"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        qs = Session.objects.with_related()
        if not is_manager(self.request.user):
            qs = qs.filter(movie__is_active=True, hall__cinema__is_active=True)
        return qs

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, "id") if "id" not in queryset.query.order_by else queryset

    def create(self, request, *args, **kwargs):
        data = SessionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = session_create(created_by=request.user, **data.validated_data)
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        session = self.get_object()
        data = SessionWriteSerializer(data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        session = session_update(session=session, **data.validated_data)
        return Response(SessionSerializer(Session.objects.with_related().get(pk=session.pk)).data)


@extend_schema(tags=["movies"], summary="Upcoming sessions of a film (filter by city, cinema, date)")
class MovieSessionsView(PublicCacheMixin, ListAPIView):
    cache_seconds = 10
    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    ordering_fields = ["starts_at", "base_price"]
    ordering = ["starts_at", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Session.objects.none()
        movie = get_object_or_404(Movie.objects.filter(is_active=True), pk=self.kwargs["movie_id"])
        return Session.objects.with_related().upcoming().filter(movie=movie, hall__cinema__is_active=True)
