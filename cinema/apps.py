from django.apps import AppConfig


class CinemaConfig(AppConfig):
    name = "cinema"
    verbose_name = "Cinema platform"

    def ready(self):
        from cinema import admin_site  # noqa: F401  (brands the admin)
        from cinema.api.cache import connect_invalidation

        connect_invalidation()
