import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from catalog.services import unique_slug
from cinema.api.cache import PublicCacheMixin
from cinema.api.permissions import IsManagerOrReadOnly, is_manager
from cinema.api.schema import DeactivatedSerializer
from cinema.db import delete_or_deactivate
from venues.api.serializers import CinemaSerializer, HallSerializer, NearbyCinemaSerializer, NearbyQuerySerializer
from venues.geo import bounding_box, haversine_km
from venues.models import Cinema, Hall, cities_matching
from venues.services import hall_save

TAG = ["cinemas"]


class CinemaFilter(django_filters.FilterSet):
    city = django_filters.CharFilter(method="filter_city")
    amenities = django_filters.MultipleChoiceFilter(
        choices=[(name, name) for name in Cinema.AMENITY_FIELDS],
        method="filter_amenities",
        label="amenities (repeat for all of several: parking, cafe, wheelchair_access, kids_room, vip_lounge)",
    )

    class Meta:
        model = Cinema
        fields = ["city", "amenities"]

    def filter_city(self, queryset, name, value):
        return queryset.filter(city__in=cities_matching(value))

    def filter_amenities(self, queryset, name, value):
        return queryset.filter(**{Cinema.AMENITY_FIELDS[a]: True for a in value})


@extend_schema_view(
    list=extend_schema(tags=TAG, summary="List cinemas (filter by city, amenities)"),
    retrieve=extend_schema(tags=TAG, summary="A cinema"),
    create=extend_schema(tags=TAG, summary="Add a cinema (manager)"),
    update=extend_schema(tags=TAG, summary="Replace a cinema (manager)"),
    partial_update=extend_schema(tags=TAG, summary="Change a cinema (manager)"),
    destroy=extend_schema(
        tags=TAG,
        summary="Delete a cinema, or deactivate it when it has halls (manager)",
        responses={204: None, 200: DeactivatedSerializer},
    ),
)
class CinemaViewSet(PublicCacheMixin, viewsets.ModelViewSet):
    serializer_class = CinemaSerializer
    permission_classes = [IsManagerOrReadOnly]
    filterset_class = CinemaFilter
    ordering_fields = ["name", "city", "created_at"]
    ordering = ["city", "name", "id"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        qs = Cinema.objects.all()
        return qs if is_manager(self.request.user) else qs.filter(is_active=True)

    def perform_create(self, serializer):
        slug = serializer.validated_data.get("slug") or unique_slug(
            Cinema, f"{serializer.validated_data['name']} {serializer.validated_data['city']}"
        )
        serializer.save(slug=slug)

    def destroy(self, request, *args, **kwargs):
        outcome = delete_or_deactivate(self.get_object())
        if outcome == "deleted":
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response({"status": "deactivated", "message": "The cinema has halls; it was deactivated instead."})

    @extend_schema(
        tags=TAG,
        summary="Cinemas within a radius, nearest first, with distance_km",
        parameters=[NearbyQuerySerializer],
        responses={200: NearbyCinemaSerializer(many=True)},
    )
    @action(detail=False, methods=["get"])
    def nearby(self, request):
        query = NearbyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        lat, lon, radius = (query.validated_data[k] for k in ("lat", "lon", "radius_km"))
        min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius)
        qs = Cinema.objects.filter(is_active=True, latitude__gte=min_lat, latitude__lte=max_lat)
        if min_lon is not None:
            qs = qs.filter(longitude__gte=min_lon, longitude__lte=max_lon)
        found = []
        for cinema in qs:
            cinema.distance_km = round(haversine_km(lat, lon, float(cinema.latitude), float(cinema.longitude)), 3)
            if cinema.distance_km <= radius:
                found.append(cinema)
        found.sort(key=lambda c: (c.distance_km, c.pk))
        page = self.paginate_queryset(found)
        return self.get_paginated_response(NearbyCinemaSerializer(page, many=True).data)

    @extend_schema(tags=TAG, summary="Halls of a cinema", responses={200: HallSerializer(many=True)})
    @action(detail=True, methods=["get"], serializer_class=HallSerializer, filterset_class=None, ordering_fields=None)
    def halls(self, request, pk=None):
        cinema = self.get_object()
        halls = cinema.halls.all() if is_manager(request.user) else cinema.halls.filter(is_active=True)
        page = self.paginate_queryset(halls.order_by("number"))
        return self.get_paginated_response(HallSerializer(page, many=True).data)

    @extend_schema(
        tags=TAG,
        summary="Add a hall with its layout (manager)",
        request=HallSerializer,
        responses={201: HallSerializer, 409: OpenApiResponse(description="hall number taken in this cinema")},
    )
    @halls.mapping.post
    def add_hall(self, request, pk=None):
        cinema = self.get_object()
        serializer = HallSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hall = hall_save(hall=Hall(cinema=cinema, **serializer.validated_data))
        return Response(HallSerializer(hall).data, status=status.HTTP_201_CREATED)
