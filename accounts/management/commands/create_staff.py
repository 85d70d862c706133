import getpass

from django.core.management.base import BaseCommand, CommandError

from accounts.identity import canonical_email
from accounts.models import Role, User
from accounts.services import user_create, user_set_role
from cinema.errors import ApplicationError


class Command(BaseCommand):
    help = "Create a staff account (manager, moderator or admin), or change an existing user's role."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--role", required=True, choices=[Role.MANAGER, Role.MODERATOR, Role.ADMIN])
        parser.add_argument("--password", help="prompted when omitted")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args, email, role, password, first_name, last_name, **options):
        existing = User.objects.filter(email=canonical_email(email)).first()
        try:
            if existing:
                user_set_role(user=existing, role=role, by=None)
                self.stdout.write(self.style.SUCCESS(f"{existing.email} is now {role}."))
                return
            if password is None:
                password = getpass.getpass("Password: ")
                if password != getpass.getpass("Password (again): "):
                    raise CommandError("The passwords differ.")
            user = user_create(
                email=email,
                password=password,
                role=role,
                first_name=first_name,
                last_name=last_name,
                email_verified=True,
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"Created {role} {user.email}."))
