"""Documents generated from the code: the ER diagram (models) and the endpoint
reference (OpenAPI schema). ``manage.py erd`` and ``manage.py api_docs`` write
them; tests fail when the committed files differ from what these produce."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

DOCS = Path(settings.BASE_DIR) / "docs"
ER_FILE = DOCS / "ER_DIAGRAM.md"
API_FILE = DOCS / "API_ENDPOINTS.md"
HAND_WRITTEN = "<!-- Hand-written below this line; `manage.py api_docs` keeps it. -->"
PROJECT_APPS = ("accounts", "catalog", "venues", "pricing", "scheduling", "booking", "reviews", "notifications")

_TYPES = {
    "AutoField": "int",
    "BigAutoField": "bigint",
    "BooleanField": "bool",
    "CharField": "varchar",
    "DateField": "date",
    "DateTimeField": "timestamptz",
    "DecimalField": "decimal",
    "EmailField": "varchar",
    "GenericIPAddressField": "inet",
    "JSONField": "json",
    "PositiveIntegerField": "int",
    "PositiveSmallIntegerField": "smallint",
    "SlugField": "varchar",
    "TextField": "text",
    "TimeField": "time",
    "URLField": "varchar",
    "ForeignKey": "bigint",
    "IntegerField": "int",
}


def _models():
    """The project's tables, with many-to-many link tables between project models."""
    for label in PROJECT_APPS:
        for model in sorted(
            apps.get_app_config(label).get_models(include_auto_created=True), key=lambda m: m._meta.db_table
        ):
            if model._meta.auto_created and any(
                f.related_model._meta.app_label not in PROJECT_APPS
                for f in model._meta.concrete_fields
                if f.is_relation
            ):
                continue  # user ↔ auth groups and permissions
            yield model


def _column_type(field) -> str:
    if field.is_relation and field.target_field.name != "id":
        return _column_type(field.target_field)  # a key to another column: its type (ticket type by code)
    kind = field.get_internal_type()
    base = _TYPES.get(kind, kind.lower())
    if kind in ("CharField", "SlugField", "EmailField", "URLField") and field.max_length:
        return f"{base}({field.max_length})"
    return base


def _keys(field) -> str:
    if field.primary_key:
        return "PK"
    if field.is_relation:
        return "FK"
    if field.unique:
        return "UK"
    return ""


def er_diagram() -> str:
    lines = [
        "# ER diagram",
        "",
        "Generated from the models by `python manage.py erd`; a test fails when this file is stale.",
        "",
        "```mermaid",
        "erDiagram",
    ]
    relations = []
    for model in _models():
        table = model._meta.db_table
        lines.append(f"    {table} {{")
        for field in model._meta.concrete_fields:
            keys = _keys(field)
            notes = (
                [f"{field.max_digits},{field.decimal_places}"] if field.get_internal_type() == "DecimalField" else []
            )
            notes += ["nullable"] if field.null else []
            comment = f' "{" ".join(notes)}"' if notes else ""
            lines.append(f"        {_column_type(field)} {field.column}{' ' + keys if keys else ''}{comment}")
            if field.is_relation and field.related_model._meta.app_label in PROJECT_APPS:
                target = field.related_model._meta.db_table
                many = "o|" if field.one_to_one else "o{"
                one = "|o" if field.null else "||"
                relations.append(f'    {target} {one}--{many} {table} : "{field.name}"')
        lines.append("    }")
    lines += relations
    lines += [
        "```",
        "",
        "## Constraints and indexes",
        "",
        "| table | name | kind | definition |",
        "| --- | --- | --- | --- |",
    ]
    for model in _models():
        table = model._meta.db_table
        for constraint in model._meta.constraints:
            lines.append(
                f"| {table} | `{constraint.name}` | {_constraint_kind(constraint)} | "
                f"{_escape(_constraint_text(constraint))} |"
            )
        for extra in getattr(model, "DATABASE_ONLY_CONSTRAINTS", ()):
            lines.append(f"| {table} | `{extra[0]}` | {extra[1]} | {_escape(extra[2])} |")
        for index in model._meta.indexes:
            fields = ", ".join(index.fields)
            lines.append(f"| {table} | `{index.name}` | index | ({fields}) |")
        for field in model._meta.concrete_fields:
            if field.unique and not field.primary_key:
                lines.append(f"| {table} | `{field.column}` | unique | ({field.column}) |")
    lines.append("")
    return "\n".join(lines)


def _constraint_kind(constraint) -> str:
    if isinstance(constraint, models.UniqueConstraint):
        return "unique, partial" if constraint.condition is not None else "unique"
    return "check"


def _constraint_text(constraint) -> str:
    if isinstance(constraint, models.UniqueConstraint):
        columns = ", ".join(constraint.fields) or ", ".join(str(e) for e in constraint.expressions)
        where = f" where {constraint.condition}" if constraint.condition is not None else ""
        return f"({columns}){where}"
    return str(constraint.condition)


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def api_reference() -> str:
    """The generated part of docs/API_ENDPOINTS.md."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    lines = [
        "# API endpoints",
        "",
        "Generated from the OpenAPI schema by `python manage.py api_docs`; a test fails when it is stale.",
        "The schema itself is served at `/api/schema/` (Swagger UI `/api/docs/`, ReDoc `/api/redoc/`).",
        'Every error answers with one JSON envelope: `{"code", "message", "errors", "details"}`.',
        "The operation id is the function's name in a generated client (`make client`); it does not change",
        "without an entry in the changelog below.",
        "",
        "| method | path | summary | who may call | statuses | operation id |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            statuses = ", ".join(sorted(operation.get("responses", {})))
            lines.append(
                f"| {method.upper()} | `{path}` | {_escape(operation.get('summary', ''))} | "
                f"{operation.get('x-roles', '')} | {statuses} | `{operation['operationId']}` |"
            )
    lines.append("")
    return "\n".join(lines)


def api_file_text(current: str) -> str:
    """Regenerated API_ENDPOINTS.md: the generated table, then the hand-written part kept as it is."""
    tail = current.split(HAND_WRITTEN, 1)[1] if HAND_WRITTEN in current else "\n"
    return f"{api_reference()}\n{HAND_WRITTEN}{tail}"
