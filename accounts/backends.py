from django.contrib.auth.backends import ModelBackend

from accounts.identity import EMAIL_INPUT_MAX_LENGTH, canonical_email
from accounts.models import User


class EmailBackend(ModelBackend):
    """Log in by e-mail: the canonical address (``accounts.identity``), matched exactly."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = email or username or kwargs.get(User.USERNAME_FIELD)
        if not isinstance(email, str) or not email or len(email) > EMAIL_INPUT_MAX_LENGTH or password is None:
            return None
        try:
            user = User.objects.get(email=canonical_email(email))
        except User.DoesNotExist:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
