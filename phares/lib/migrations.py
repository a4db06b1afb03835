from django.db import migrations


class RunSQLPostgres(migrations.RunSQL):
    """SQL propre à PostgreSQL (contraintes d'exclusion) : ignoré sur SQLite, où
    les services font la même vérification dans une transaction sérialisée."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class RunSQLSQLite(migrations.RunSQL):
    """SQL propre à SQLite (déclencheurs dans le dialecte de SQLite)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "sqlite":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "sqlite":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def en_attente(connection) -> list:
    """Les migrations du code que `migrate` appliquerait encore à la base de `connection`."""
    # Imported here: the executor (and the migration graph it loads) is only needed by the
    # readiness probe and the restore, never to serve a page.
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())
