from django.core.management.base import BaseCommand

from cinema.docgen import API_FILE, api_file_text


class Command(BaseCommand):
    help = "Regenerate the endpoint table of docs/API_ENDPOINTS.md from the OpenAPI schema."

    def handle(self, *args, **options):
        current = API_FILE.read_text(encoding="utf-8") if API_FILE.exists() else ""
        API_FILE.write_text(api_file_text(current), encoding="utf-8")
        self.stdout.write(f"Wrote {API_FILE}")
