from django.core.management.base import BaseCommand

from accounts.models import User
from accounts.roles import sync_groups
from accounts.services import user_set_role


class Command(BaseCommand):
    help = "Recreate the role groups with their permissions and put every user in the group of their role."

    def handle(self, *args, **options):
        sync_groups()
        for user in User.objects.iterator():
            user_set_role(user=user, role=user.role, by=None)
        self.stdout.write(self.style.SUCCESS("Role groups and memberships are in step."))
