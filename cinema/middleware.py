"""Browser-only middleware, not run for the API.

The REST API under ``/api/`` is stateless: it authenticates every request by
its bearer token (``accounts.authentication``), never by a session cookie, and
keeps no flash messages. Sessions, Django's ``request.user`` and messages
serve the admin and the web pages only; for an API request they made a
session store, a lazy user and two message stores that no one read, 3 % of
the CPU of a hold or a payment. These subclasses pass API requests straight
on; everywhere else they are Django's. (CSRF protection stays on for every
path: DRF's views are exempt by design, as they take no cookies.)
"""

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware as DjangoMessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware


class _NotForTheApi:
    def __call__(self, request):
        if request.path_info.startswith(settings.API_PREFIX):
            return self.get_response(request)
        return super().__call__(request)


class SessionMiddleware(_NotForTheApi, DjangoSessionMiddleware):
    pass


class AuthenticationMiddleware(_NotForTheApi, DjangoAuthenticationMiddleware):
    pass


class MessageMiddleware(_NotForTheApi, DjangoMessageMiddleware):
    pass
