from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile

from catalog.models import Genre, Movie
from catalog.services import movie_poster_thumbnails, poster_check
from cinema.admin_utils import ModelAdmin
from cinema.errors import ValidationFailed


class MovieAdminForm(forms.ModelForm):
    class Meta:
        model = Movie
        fields = "__all__"  # noqa: DJ007  (MovieAdmin decides which are shown)

    def clean_poster(self):
        poster = self.cleaned_data.get("poster")
        if isinstance(poster, UploadedFile):
            try:
                poster_check(poster)
            except ValidationFailed as exc:
                raise forms.ValidationError(exc.message) from None
        return poster


@admin.register(Genre)
class GenreAdmin(ModelAdmin):
    list_display = ("name", "name_ru", "slug")
    search_fields = ("name", "name_ru", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Movie)
class MovieAdmin(ModelAdmin):
    form = MovieAdminForm
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
        replaced = Movie.objects.filter(pk=obj.pk).values_list("poster", flat=True).first() if change else ""
        super().save_model(request, obj, form, change)
        if "poster" in form.changed_data:
            request._new_poster_files = [obj.poster.name]
            movie_poster_thumbnails(movie=obj, replaced_poster=replaced or "")
            request._new_poster_files += [obj.poster_small.name, obj.poster_medium.name]

    def changeform_view(self, request, *args, **kwargs):
        # A save that fails after the upload was stored rolls back to the old poster:
        # the files written for the new one would point nowhere, so they go.
        try:
            return super().changeform_view(request, *args, **kwargs)
        except Exception:
            storage = Movie._meta.get_field("poster").storage
            for name in getattr(request, "_new_poster_files", ()):
                if name:
                    storage.delete(name)
            raise
