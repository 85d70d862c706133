from django import forms
from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.forms import AdminPasswordChangeForm as BaseAdminPasswordChangeForm
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.token_blacklist import admin as token_admin
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.identity import EMAIL_INPUT_MAX_LENGTH, canonical_email
from accounts.models import Role, User
from accounts.roles import may_grant_role, may_manage_user
from accounts.services import user_set_password, user_set_role, users_check_removable
from cinema.admin_utils import ActionPermissionMixin, AuditHistoryMixin, run_action
from cinema.errors import ApplicationError
from cinema.errors import PermissionDenied as RoleForbidden


class CanonicalEmailField(forms.EmailField):
    """The address in its one stored spelling (``accounts.identity``), so the
    model's checks (ASCII, unique) judge what will be stored."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value or len(value) > EMAIL_INPUT_MAX_LENGTH:  # too long: refused by max_length, unread
            return value
        return canonical_email(value)


class UserCreationForm(forms.ModelForm):
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)

    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "role")
        field_classes = {"email": CanonicalEmailField}

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password"])
        if commit:
            user.save()
        return user


class UserChangeForm(BaseUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {"email": CanonicalEmailField}


class AdminPasswordChangeForm(BaseAdminPasswordChangeForm):
    """A password set here ends the user's sessions, as a change through the API does."""

    def save(self, commit=True):
        usable = self.cleaned_data.get("set_usable_password", True)
        return user_set_password(user=self.user, new_password=self.cleaned_data["password1"] if usable else None)


@admin.register(User)
class UserAdmin(AuditHistoryMixin, ActionPermissionMixin, auth_admin.UserAdmin):
    """Users by role. Only a superuser changes or deletes a superuser or an admin
    (change form, password form, role actions, delete); others grant only roles
    below their own (``accounts.roles``); groups, permissions and the staff and
    superuser flags follow the role and are never edited by hand."""

    add_form = UserCreationForm
    form = UserChangeForm
    change_password_form = AdminPasswordChangeForm
    ordering = ("email",)
    list_display = (
        "email",
        "first_name",
        "last_name",
        "role",
        "is_active",
        "tickets_purchased",
        "total_spent",
        "date_joined",
    )
    list_filter = ("role", "is_active", "email_verified", "marketing_opt_in", "preferred_language")
    search_fields = ("email", "first_name", "last_name", "phone")
    date_hierarchy = "date_joined"
    autocomplete_fields = ("preferred_cinema",)
    readonly_fields = (
        "is_staff",
        "is_superuser",
        "total_spent",
        "tickets_purchased",
        "reviews_written",
        "bonus_points",
        "last_login",
        "last_login_ip",
        "date_joined",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": User.PERSONAL_FIELDS}),
        (_("Preferences"), {"fields": User.PREFERENCE_FIELDS}),
        (_("Role and access"), {"fields": ("role", "is_active", "email_verified", "is_staff", "is_superuser")}),
        (
            _("Loyalty (kept by the booking engine)"),
            {"fields": ("bonus_points", "total_spent", "tickets_purchased", "reviews_written")},
        ),
        (_("Activity"), {"fields": ("last_login", "last_login_ip", "date_joined", "updated_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "first_name", "last_name", "role", "password")}),
    )
    filter_horizontal = ()

    actions = ["make_customer"]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or may_manage_user(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or may_manage_user(request.user, obj))

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            kwargs["choices"] = [(value, label) for value, label in Role.choices if may_grant_role(request.user, value)]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        if "@" in search_term:  # an address: searched in its stored spelling
            search_term = canonical_email(search_term)
        return super().get_search_results(request, queryset, search_term)

    def save_model(self, request, obj, form, change):
        if change and "is_active" in form.changed_data and not obj.is_active:
            try:
                users_check_removable(users=[obj])
            except ApplicationError as exc:
                obj.is_active = True
                self.message_user(request, exc.message, messages.ERROR)
        role_changed = "role" in form.changed_data or not change
        role = obj.role
        if role_changed:  # the row keeps its old role until the service has checked the new one
            obj.role = form.initial.get("role", Role.CUSTOMER) if change else Role.CUSTOMER
        super().save_model(request, obj, form, change)
        if role_changed:
            try:
                user_set_role(user=obj, role=role, by=request.user)
            except RoleForbidden as exc:
                raise PermissionDenied(exc.message) from exc  # the form view's transaction rolls back
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)

    def delete_model(self, request, obj):
        self.delete_queryset(request, type(obj).objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            try:
                users_check_removable(users=list(queryset))
            except ApplicationError as exc:
                raise PermissionDenied(exc.message) from exc
            super().delete_queryset(request, queryset)

    @admin.action(description=_("Make customer"), permissions=["change"])
    def make_customer(self, request, queryset):
        users = list(queryset)
        if not all(self.has_change_permission(request, user) for user in users):
            raise PermissionDenied  # all or nothing: a superuser or an admin is among them
        run_action(
            self,
            request,
            users,
            lambda user: user_set_role(user=user, role=Role.CUSTOMER, by=request.user),
            _("{count} user(s) made customers."),
        )


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(ActionPermissionMixin, auth_admin.GroupAdmin):
    """The role groups (``manage.py sync_roles`` keeps them): what a role may do is
    a superuser's decision alone."""

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


admin.site.unregister(OutstandingToken)
admin.site.unregister(BlacklistedToken)


@admin.register(OutstandingToken)
class OutstandingTokenAdmin(ActionPermissionMixin, token_admin.OutstandingTokenAdmin):
    pass


@admin.register(BlacklistedToken)
class BlacklistedTokenAdmin(ActionPermissionMixin, token_admin.BlacklistedTokenAdmin):
    """Read-only: removing an entry would bring a revoked refresh token back to life."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
