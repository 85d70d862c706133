from django.core.management.base import BaseCommand

from cinema.docgen import ER_FILE, er_diagram


class Command(BaseCommand):
    help = "Write docs/ER_DIAGRAM.md (Mermaid erDiagram + constraints and indexes) from the models."

    def handle(self, *args, **options):
        ER_FILE.write_text(er_diagram(), encoding="utf-8")
        self.stdout.write(f"Wrote {ER_FILE}")
