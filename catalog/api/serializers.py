from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from catalog.models import Genre, Movie


class GenreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Genre
        fields = ("slug", "name", "name_ru")


class PosterUrlMixin:
    """``poster_url`` is the uploaded poster's absolute URL when there is one,
    else the stored external URL (which a client may still write)."""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.poster:
            request = self.context.get("request")
            url = instance.poster.url
            data["poster_url"] = request.build_absolute_uri(url) if request else url
        return data


class MovieBriefSerializer(PosterUrlMixin, serializers.ModelSerializer):
    class Meta:
        model = Movie
        fields = ("id", "title", "slug", "duration_minutes", "age_rating", "poster_url")


class MovieSerializer(PosterUrlMixin, serializers.ModelSerializer):
    genres = serializers.SlugRelatedField(slug_field="slug", queryset=Genre.objects.all(), many=True, required=False)
    # Declared (optional: made from the title when missing), so the model's unique check is declared too.
    slug = serializers.SlugField(
        max_length=255, required=False, validators=[UniqueValidator(queryset=Movie.objects.all())]
    )
    # Not "cast": generated Python clients use typing.cast inside their models.
    cast_members = serializers.CharField(
        source="cast", required=False, allow_blank=True, help_text="Comma-separated, leading roles first."
    )

    class Meta:
        model = Movie
        fields = (
            "id",
            "title",
            "original_title",
            "slug",
            "description",
            "synopsis",
            "duration_minutes",
            "release_date",
            "end_date",
            "genres",
            "director",
            "producer",
            "writer",
            "cast_members",
            "country",
            "original_language",
            "age_rating",
            "poster_url",
            "backdrop_url",
            "trailer_url",
            "rating_average",
            "rating_count",
            "imdb_id",
            "imdb_rating",
            "kinopoisk_id",
            "kinopoisk_rating",
            "budget",
            "box_office",
            "awards",
            "tags",
            "is_active",
            "is_featured",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("rating_average", "rating_count", "created_at", "updated_at")

    def validate(self, attrs):
        release = attrs.get("release_date", getattr(self.instance, "release_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if release and end and end < release:
            raise serializers.ValidationError({"end_date": "The run cannot end before the release."})
        for field in ("imdb_rating", "kinopoisk_rating"):
            value = attrs.get(field)
            if value is not None and not 0 <= value <= 10:
                raise serializers.ValidationError({field: "A rating from 0 to 10."})
        for field in ("budget", "box_office"):
            value = attrs.get(field)
            if value is not None and value < 0:
                raise serializers.ValidationError({field: "Must not be negative."})
        return attrs
