"""Give the role the portal runs as the rights it needs on the tables, and no more.

The tables belong to the role that runs the migrations; this command runs as that role, after
every `migrate` (docker-compose.yml's `migrate` service). The portal itself connects as another
role, which owns nothing: it cannot alter, drop or empty a table, nor disable a trigger. It
reads and writes rows, but may only add and read rows of an append-only table (the audit log).
"""

import re

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

# Rows are added and read, never changed or removed, whoever asks.
APPEND_ONLY_MODELS = ["accounts.AuditEvent"]

ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class Command(BaseCommand):
    help = "Grant the portal's database role what it needs on the tables this role owns."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="The role the portal connects as, e.g. portal_app.")

    def handle(self, *args, role: str, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are for PostgreSQL; this database is not.")
        if not ROLE_NAME.fullmatch(role):
            raise CommandError(f"{role!r} is not a plain role name (a-z, 0-9, _).")
        with connection.cursor() as cursor:
            check_role(cursor, role)
            with transaction.atomic():
                for statement in grants(cursor, role):
                    cursor.execute(statement)
        self.stdout.write(f"{role} may read and write rows; the audit log only grows.")


def check_role(cursor, role: str) -> None:
    """Refuse a role that could act as the tables' owner anyway."""
    cursor.execute(
        "SELECT rolsuper, rolname = current_user, pg_has_role(rolname, current_user, 'MEMBER')"
        " FROM pg_roles WHERE rolname = %s",
        [role],
    )
    found = cursor.fetchone()
    if found is None:
        raise CommandError(
            f"There is no role {role}. deploy/postgres/10-portal-app-role.sh creates it when "
            "the database is first made; see the README's production section."
        )
    superuser, is_current, inherits_owner = found
    if superuser or is_current or inherits_owner:
        raise CommandError(
            f"{role} is a superuser, the tables' owner or a member of it: the portal must run "
            "as a role of its own that owns nothing."
        )
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tableowner = %s"
        " ORDER BY tablename",
        [role],
    )
    owned = [name for (name,) in cursor.fetchall()]
    if owned:
        raise CommandError(
            f"{role} owns {', '.join(owned)}: run the migrations as the owner, then "
            f"ALTER TABLE ... OWNER TO the owner for these tables."
        )


def grants(cursor, role: str) -> list[str]:
    quote = connection.ops.quote_name
    cursor.execute("SELECT current_database(), current_schema()")
    database, schema = (quote(name) for name in cursor.fetchone())
    app = quote(role)
    statements = [
        f"GRANT CONNECT ON DATABASE {database} TO {app}",
        f"GRANT USAGE ON SCHEMA {schema} TO {app}",
        f"REVOKE CREATE ON SCHEMA {schema} FROM {app}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {app}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {schema} FROM {app}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {app}",
        # Tables and sequences later migrations make (as this role) are covered too; the
        # `migrate` service runs this command again after each migrate all the same.
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {app}",
    ]
    for label in APPEND_ONLY_MODELS:
        table = quote(apps.get_model(label)._meta.db_table)
        statements.append(f"REVOKE UPDATE, DELETE ON {table} FROM {app}")
    return statements
