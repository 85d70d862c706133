from datetime import timedelta

import django_filters

from scheduling.models import Session, SessionFormat
from scheduling.selectors import local_date_range_q


class SessionFilter(django_filters.FilterSet):
    movie = django_filters.NumberFilter(field_name="movie_id")
    cinema = django_filters.NumberFilter(field_name="hall__cinema_id")
    city = django_filters.CharFilter(field_name="hall__cinema__city", lookup_expr="iexact")
    date = django_filters.DateFilter(method="filter_date", label="the cinema's local date (YYYY-MM-DD)")
    date_from = django_filters.DateFilter(method="filter_range", label="from this local date")
    date_to = django_filters.DateFilter(method="filter_range", label="until this local date, inclusive")
    format = django_filters.ChoiceFilter(choices=SessionFormat.choices)
    language = django_filters.CharFilter(field_name="audio_language")
    min_price = django_filters.NumberFilter(field_name="base_price", lookup_expr="gte")
    max_price = django_filters.NumberFilter(field_name="base_price", lookup_expr="lte")
    available = django_filters.BooleanFilter(method="filter_available", label="has unsold seats")
    status = django_filters.CharFilter()

    class Meta:
        model = Session
        fields = [
            "movie",
            "cinema",
            "city",
            "date",
            "date_from",
            "date_to",
            "format",
            "language",
            "min_price",
            "max_price",
            "available",
            "status",
        ]

    def filter_date(self, queryset, name, value):
        return queryset.filter(local_date_range_q(value, value))

    def filter_range(self, queryset, name, value):
        return queryset  # applied together in filter_queryset

    def filter_available(self, queryset, name, value):
        return queryset.filter(seats_available__gt=0) if value else queryset.filter(seats_available=0)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        date_from, date_to = self.form.cleaned_data.get("date_from"), self.form.cleaned_data.get("date_to")
        if date_from or date_to:
            if date_from and date_to and date_to < date_from:
                from cinema.errors import ValidationFailed

                raise ValidationFailed("date_to is before date_from.", fields={"date_to": ["Before date_from."]})
            if date_to and not date_from:
                date_from = date_to - timedelta(days=366)
            if date_from and not date_to:
                date_to = date_from + timedelta(days=366)
            queryset = queryset.filter(local_date_range_q(date_from, date_to))
        return queryset
