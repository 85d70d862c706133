from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from catalog.api.filters import MovieFilter
from catalog.api.serializers import MovieSerializer
from catalog.models import Movie
from catalog.services import unique_slug
from cinema.api.cache import PublicCacheMixin
from cinema.api.permissions import IsManagerOrReadOnly, is_manager
from cinema.api.schema import DeactivatedSerializer
from cinema.db import delete_or_deactivate
from cinema.errors import ValidationFailed

TAG = ["movies"]


@extend_schema_view(
    list=extend_schema(tags=TAG, summary="List films (filter, order, paginate)"),
    retrieve=extend_schema(
        tags=TAG,
        summary="A film, by id or slug",
        parameters=[OpenApiParameter("id", OpenApiTypes.STR, OpenApiParameter.PATH, description="numeric id or slug")],
    ),
    create=extend_schema(tags=TAG, summary="Add a film (manager)"),
    update=extend_schema(tags=TAG, summary="Replace a film (manager)"),
    partial_update=extend_schema(tags=TAG, summary="Change a film (manager)"),
    destroy=extend_schema(
        tags=TAG,
        summary="Delete a film, or deactivate it when it has sessions (manager)",
        responses={204: None, 200: DeactivatedSerializer},
    ),
)
class MovieViewSet(PublicCacheMixin, viewsets.ModelViewSet):
    serializer_class = MovieSerializer
    permission_classes = [IsManagerOrReadOnly]
    filterset_class = MovieFilter
    ordering_fields = ["title", "release_date", "rating_average", "duration_minutes", "created_at"]
    ordering = ["-release_date", "id"]
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

    def get_queryset(self):
        qs = Movie.objects.prefetch_related("genres")
        if not is_manager(self.request.user):
            qs = qs.filter(is_active=True)
        return qs

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if queryset.ordered and "id" not in [str(o).lstrip("-") for o in queryset.query.order_by]:
            queryset = queryset.order_by(*queryset.query.order_by, "id")  # deterministic pages
        return queryset

    def get_object(self):
        value = self.kwargs["pk"]
        qs = self.get_queryset()
        obj = qs.filter(pk=int(value)).first() if value.isdigit() else qs.filter(slug=value).first()
        if obj is None:
            raise NotFound("Film not found.")
        self.check_object_permissions(self.request, obj)
        return obj

    def perform_create(self, serializer):
        slug = serializer.validated_data.get("slug") or unique_slug(
            Movie, serializer.validated_data.get("original_title") or serializer.validated_data["title"]
        )
        serializer.save(created_by=self.request.user, slug=slug)

    def destroy(self, request, *args, **kwargs):
        outcome = delete_or_deactivate(self.get_object())
        if outcome == "deleted":
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response({"status": "deactivated", "message": "The film has sessions; it was deactivated instead."})

    @extend_schema(
        tags=TAG,
        summary="Search films by title, original title, director or cast",
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "minLength": 2, "maxLength": 100},
                required=True,
                description="2 to 100 characters, matched anywhere in the texts, case-insensitively",
            )
        ],
        responses={200: MovieSerializer(many=True)},
    )
    @action(detail=False, methods=["get"])
    def search(self, request):
        q = request.query_params.get("q", "").strip()
        if len(q) < 2 or len(q) > 100:
            raise ValidationFailed("q: 2 to 100 characters.", fields={"q": ["Give 2 to 100 characters."]})
        qs = self.filter_queryset(self.get_queryset()).filter(search_text__contains=q.casefold())
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
