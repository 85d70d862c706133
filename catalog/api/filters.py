import django_filters
from django.utils import timezone

from catalog.models import AgeRating, Movie


class MovieFilter(django_filters.FilterSet):
    genre = django_filters.CharFilter(field_name="genres__slug", label="genre slug")
    age_rating = django_filters.ChoiceFilter(choices=AgeRating.choices)
    language = django_filters.CharFilter(field_name="original_language")
    now_showing = django_filters.BooleanFilter(method="filter_now_showing")
    coming_soon = django_filters.BooleanFilter(method="filter_coming_soon")
    is_featured = django_filters.BooleanFilter()

    class Meta:
        model = Movie
        fields = ["genre", "age_rating", "language", "now_showing", "coming_soon", "is_featured"]

    def filter_now_showing(self, queryset, name, value):
        showing = Movie.objects.now_showing(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=showing) if value else queryset.exclude(pk__in=showing)

    def filter_coming_soon(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(release_date__gt=today) if value else queryset.filter(release_date__lte=today)
