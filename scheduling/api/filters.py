from datetime import timedelta

import django_filters

from cinema.api.fields import CalendarDateFilter
from cinema.errors import ValidationFailed
from scheduling.models import Session, SessionFormat
from scheduling.selectors import local_date_range_q
from venues.models import cities_matching


class SessionFilter(django_filters.FilterSet):
    movie = django_filters.NumberFilter(field_name="movie_id")
    cinema = django_filters.NumberFilter(field_name="hall__cinema_id")
    city = django_filters.CharFilter(method="filter_city")
    date = CalendarDateFilter(method="filter_date", label="the cinema's local date (YYYY-MM-DD)")
    date_from = CalendarDateFilter(method="filter_bound", label="from this local date")
    date_to = CalendarDateFilter(method="filter_bound", label="until this local date, inclusive")
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

    def filter_city(self, queryset, name, value):
        return queryset.filter(hall__cinema__city__in=cities_matching(value))

    def filter_date(self, queryset, name, value):
        return queryset.filter(local_date_range_q(value, value))

    def filter_bound(self, queryset, name, value):
        return queryset  # both bounds are applied together in filter_queryset

    def filter_available(self, queryset, name, value):
        return queryset.filter(seats_available__gt=0) if value else queryset.filter(seats_available=0)

    def filter_queryset(self, queryset):
        """date_from/date_to bound one local-date range together (open ends: a year)."""
        queryset = super().filter_queryset(queryset)
        date_from, date_to = self.form.cleaned_data.get("date_from"), self.form.cleaned_data.get("date_to")
        if not (date_from or date_to):
            return queryset
        if date_from and date_to and date_to < date_from:
            raise ValidationFailed("date_to is before date_from.", fields={"date_to": ["Before date_from."]})
        date_from = date_from or date_to - timedelta(days=366)
        date_to = date_to or date_from + timedelta(days=366)
        return queryset.filter(local_date_range_q(date_from, date_to))
