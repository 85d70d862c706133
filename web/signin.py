"""Sign-in of the customer pages by Django's session cookie (``/web/login/``,
``/web/logout/``). Page endpoints, outside the API and its schema: the pages
then call ``/api/v1/`` with the cookie (DRF's ``SessionAuthentication``).

Same rules as the API's ``POST /api/v1/auth/login/``: the e-mail backend and
its canonical address, the login limits per IP and per account, inactive
accounts refused. CSRF is checked before anything else, also for the login
itself (no login CSRF). ``login()`` rotates the session key and the CSRF
token; the answer carries the new token for the page's next calls.
"""

from django.contrib.auth import authenticate, login, logout
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import LoginSerializer
from accounts.api.throttling import LoginAccountThrottle
from accounts.services import user_record_login
from cinema.api.throttling import LoginIPThrottle, OneTripThrottlesMixin
from cinema.errors import ApplicationError, PermissionDenied


class WrongCredentials(ApplicationError):
    status_code = 400
    code = "invalid_credentials"


class _PageEndpoint(APIView):
    """A JSON endpoint of the pages: CSRF-checked for every request, signed in or not."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    schema = None  # not part of the API

    def initial(self, request, *args, **kwargs):
        try:
            SessionAuthentication().enforce_csrf(request)
        except exceptions.PermissionDenied as exc:  # no token, or another page's: 403
            message = _("The page's security token is missing or out of date. Reload the page and try again.")
            raise PermissionDenied(message, code="csrf_failed") from exc
        super().initial(request, *args, **kwargs)


def signed_in_user(user) -> dict:
    """What the header shows: the answer of a sign-in, and the page's data."""
    return {"email": user.email, "first_name": user.first_name, "last_name": user.last_name}


class LoginView(OneTripThrottlesMixin, _PageEndpoint):
    throttle_classes = [LoginIPThrottle, LoginAccountThrottle]

    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request, email=serializer.validated_data["email"], password=serializer.validated_data["password"]
        )
        if user is None:  # a wrong password, no such account, or an inactive one: one answer
            raise WrongCredentials(_("Wrong e-mail or password."))
        login(request, user)  # a new session key, a new CSRF token
        user_record_login(user=user, ip=request.META.get("REMOTE_ADDR"))
        return Response({**signed_in_user(user), "csrf_token": get_token(request)})


class LogoutView(_PageEndpoint):
    def post(self, request):
        logout(request)
        return Response(status=status.HTTP_204_NO_CONTENT)
