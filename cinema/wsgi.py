import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cinema.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """Import now what the first request would: every view (through the
    URLconf), the Redis client library and the translation catalogues. That
    took half a second, spent in the first request of every new worker. Under
    gunicorn (``preload_app``) this runs once in the master and workers are
    forked warm. Nothing here opens a connection, so nothing is shared by
    the forks."""
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - imports the URLconf
    for code, _name in settings.LANGUAGES:
        translation.activate(code)
    translation.deactivate()
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        import redis  # noqa: F401


_warm_up()
