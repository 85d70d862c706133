from rest_framework import serializers

from accounts.identity import EMAIL_INPUT_MAX_LENGTH, canonical_email
from accounts.models import User

# Kept by the platform, shown to the user but never written through the profile.
READ_ONLY = (
    "role",
    "email_verified",
    "bonus_points",
    "total_spent",
    "tickets_purchased",
    "reviews_written",
    "date_joined",
    "last_login",
)


class UserSerializer(serializers.ModelSerializer):
    """The own profile. Role, staff flags, money and counters are read-only."""

    class Meta:
        model = User
        fields = ("id", "email", *User.PERSONAL_FIELDS, *User.PREFERENCE_FIELDS, *READ_ONLY)
        read_only_fields = ("id", "email", *READ_ONLY)


class CanonicalEmailField(serializers.EmailField):
    """An address as the platform spells it (``accounts.identity``), checked
    as an e-mail address in that spelling: full-width ``ｃｕｓｔｏｍｅｒ@…``
    is ``customer@…``."""

    def to_internal_value(self, data):
        if isinstance(data, str) and len(data) > EMAIL_INPUT_MAX_LENGTH:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(canonical_email(data) if isinstance(data, str) else data)


class RegisterSerializer(serializers.Serializer):
    email = CanonicalEmailField(max_length=254)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)


class LoginSerializer(serializers.Serializer):
    email = CanonicalEmailField(max_length=254)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()
    user = UserSerializer()


class RefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField(max_length=2000)


class AccessSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class ChangePasswordSerializer(serializers.Serializer):
    old_password = serializers.CharField(max_length=128)
    new_password = serializers.CharField(max_length=128)


class PasswordResetSerializer(serializers.Serializer):
    email = CanonicalEmailField(max_length=254)


class PasswordResetConfirmSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=200)
    new_password = serializers.CharField(max_length=128, style={"input_type": "password"})


class VerifyEmailSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=200)
