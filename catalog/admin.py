from django.contrib import admin

from catalog.models import Genre, Movie
from catalog.services import movie_poster_thumbnails
from cinema.admin_utils import ModelAdmin


@admin.register(Genre)
class GenreAdmin(ModelAdmin):
    list_display = ("name", "name_ru", "slug")
    search_fields = ("name", "name_ru", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Movie)
class MovieAdmin(ModelAdmin):
    list_display = (
        "title",
        "release_date",
        "end_date",
        "age_rating",
        "duration_minutes",
        "rating_average",
        "rating_count",
        "is_active",
        "is_featured",
    )
    list_filter = ("is_active", "is_featured", "age_rating", "genres", "original_language")
    search_fields = ("title", "original_title", "director", "cast")
    date_hierarchy = "release_date"
    prepopulated_fields = {"slug": ("original_title",)}
    filter_horizontal = ("genres",)
    readonly_fields = ("rating_average", "rating_count", "created_by", "created_at", "updated_at")
    list_editable = ("is_active", "is_featured")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if "poster" in form.changed_data:
            movie_poster_thumbnails(movie=obj)
