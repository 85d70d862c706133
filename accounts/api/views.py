from django.contrib.auth import authenticate, update_session_auth_hash
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.api.serializers import (
    AccessSerializer,
    ChangePasswordSerializer,
    LoginSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetSerializer,
    RefreshSerializer,
    RegisterSerializer,
    TokenPairSerializer,
    UserSerializer,
    VerifyEmailSerializer,
)
from accounts.api.throttling import LoginAccountThrottle, PasswordResetEmailThrottle
from accounts.authentication import issued_since_password_change
from accounts.errors import PasswordChanged
from accounts.models import User
from accounts.services import (
    email_verification_resend,
    email_verify,
    password_reset_confirm,
    password_reset_request,
    user_change_password,
    user_record_login,
    user_register,
)
from cinema.api.throttling import LoginIPThrottle, OneTripThrottlesMixin, PasswordResetIPThrottle, RegisterThrottle
from cinema.errors import ValidationFailed

TAG = ["auth"]


def _tokens_for(user) -> dict:
    refresh = RefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh), "user": UserSerializer(user).data}


class RegisterView(OneTripThrottlesMixin, APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [RegisterThrottle, LoginIPThrottle]

    @extend_schema(
        tags=TAG,
        summary="Create a customer account",
        request=RegisterSerializer,
        responses={201: UserSerializer, 409: OpenApiResponse(description="e-mail taken (code email_taken)")},
    )
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_register(**serializer.validated_data)  # always a customer: role is never taken from input
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class LoginView(OneTripThrottlesMixin, APIView):
    permission_classes = [AllowAny]
    throttle_classes = [LoginIPThrottle, LoginAccountThrottle]

    @extend_schema(
        tags=TAG,
        summary="Log in: JWT access and refresh tokens",
        request=LoginSerializer,
        responses={200: TokenPairSerializer, 401: OpenApiResponse(description="wrong e-mail or password")},
    )
    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request, email=serializer.validated_data["email"], password=serializer.validated_data["password"]
        )
        if user is None:
            raise AuthenticationFailed("Wrong e-mail or password.", code="invalid_credentials")
        user_record_login(user=user, ip=request.META.get("REMOTE_ADDR"))
        return Response(_tokens_for(user))


class RefreshView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAG,
        summary="Exchange a refresh token for a new pair (the old one is blacklisted)",
        request=RefreshSerializer,
        responses={200: AccessSerializer, 401: OpenApiResponse(description="invalid, expired or revoked token")},
    )
    def post(self, request):
        serializer = RefreshSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            refresh = RefreshToken(serializer.validated_data["refresh"])
            refresh.check_blacklist()
            user_id = refresh["user_id"]
            refresh.blacklist()
        except TokenError as exc:
            raise AuthenticationFailed(
                "The refresh token is invalid, expired or revoked.", code="token_not_valid"
            ) from exc
        user = User.objects.filter(pk=user_id, is_active=True).first()
        if user is None:
            raise AuthenticationFailed("The account is not active.", code="user_inactive")
        if not issued_since_password_change(refresh, user.password_changed_at):
            raise PasswordChanged()  # its sessions ended (the change blacklisted this token too)
        new = RefreshToken.for_user(user)
        return Response({"access": str(new.access_token), "refresh": str(new)})


class LogoutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAG, summary="Log out: blacklist the refresh token", request=RefreshSerializer, responses={205: None}
    )
    def post(self, request):
        serializer = RefreshSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            refresh = RefreshToken(serializer.validated_data["refresh"])
            if str(refresh["user_id"]) != str(request.user.pk):
                raise ValidationFailed("This refresh token belongs to someone else.", code="token_not_yours")
            refresh.blacklist()
        except TokenError as exc:
            raise ValidationFailed("The refresh token is invalid or expired.", code="token_not_valid") from exc
        return Response(status=status.HTTP_205_RESET_CONTENT)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAG, summary="My profile", responses={200: UserSerializer})
    def get(self, request):
        return Response(UserSerializer(request.user).data)

    @extend_schema(
        tags=TAG,
        summary="Change my profile (role, money and counters are read-only)",
        request=UserSerializer,
        responses={200: UserSerializer},
    )
    def patch(self, request):
        serializer = UserSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data)


class ChangePasswordView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAG,
        summary="Change my password: every other session ends (log in again)",
        request=ChangePasswordSerializer,
        responses={204: None},
    )
    def post(self, request):
        serializer = ChangePasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user_change_password(user=request.user, **serializer.validated_data)
        # Every other session ends: Django checks a session against the password's
        # hash. The browser that made the change stays signed in (a new session key).
        if isinstance(request.successful_authenticator, SessionAuthentication):
            update_session_auth_hash(request, request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetView(OneTripThrottlesMixin, APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [PasswordResetIPThrottle, PasswordResetEmailThrottle]

    @extend_schema(
        tags=TAG,
        summary="E-mail a link to set a new password",
        description="Answers 204 whether or not an account has this address. Limited per IP and per address.",
        request=PasswordResetSerializer,
        responses={204: None, 429: OpenApiResponse(description="too many requests")},
    )
    def post(self, request):
        serializer = PasswordResetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        password_reset_request(email=serializer.validated_data["email"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetConfirmView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [PasswordResetIPThrottle]

    @extend_schema(
        tags=TAG,
        summary="Set a new password with the e-mailed link's uid and token",
        description="The link works once and expires after PASSWORD_RESET_TIMEOUT; every refresh token "
        "of the account is revoked.",
        request=PasswordResetConfirmSerializer,
        responses={204: None, 400: OpenApiResponse(description="invalid, used or expired link; weak password")},
    )
    def post(self, request):
        serializer = PasswordResetConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        password_reset_confirm(**serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class VerifyEmailView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=TAG,
        summary="Confirm the e-mail address with the e-mailed link's uid and token",
        request=VerifyEmailSerializer,
        responses={204: None, 400: OpenApiResponse(description="invalid or expired link")},
    )
    def post(self, request):
        serializer = VerifyEmailSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email_verify(**serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class VerifyEmailResendView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [RegisterThrottle]

    @extend_schema(
        tags=TAG, summary="Send the link that confirms my e-mail address again", request=None, responses={204: None}
    )
    def post(self, request):
        email_verification_resend(user=User.objects.get(pk=request.user.pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
