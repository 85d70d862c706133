from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm as BaseAdminPasswordChangeForm
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.identity import EMAIL_INPUT_MAX_LENGTH, canonical_email
from accounts.models import Role, User
from accounts.services import user_set_password, user_set_role
from cinema.errors import ApplicationError


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
class UserAdmin(BaseUserAdmin):
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

    def get_search_results(self, request, queryset, search_term):
        if "@" in search_term:  # an address: searched in its stored spelling
            search_term = canonical_email(search_term)
        return super().get_search_results(request, queryset, search_term)

    def save_model(self, request, obj, form, change):
        role_changed = "role" in form.changed_data or not change
        super().save_model(request, obj, form, change)
        if role_changed:
            try:
                user_set_role(user=obj, role=obj.role)
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)

    @admin.action(description=_("Make customer"))
    def make_customer(self, request, queryset):
        for user in queryset:
            user_set_role(user=user, role=Role.CUSTOMER)

    actions = ["make_customer"]
