"""NIIC 2014 as load_niic writes it, loaded once per test process and copied into each test's
database as rows: load_niic itself takes a third of a second (some 500 queries, validation,
history), and about two hundred tests start from it. tests/test_niic_rows.py holds the copy to
what load_niic gives."""

from django.core.management import call_command
from django.db import connection, transaction

# PostgreSQL's json and jsonb columns (by type oid): Django reads them as text (and decodes them
# itself), so they are written back as that text, cast to their type.
JSON_TYPES = {114: "json", 3802: "jsonb"}


class NiicRows:
    def __init__(self, tables):
        self.tables = tables  # {table: (columns, {json column index: type}, rows)}

    @classmethod
    def written_by_load_niic(cls):
        """Runs load_niic in a transaction that is rolled back, and keeps the rows it added;
        None if it changed a row that was there before (then the rows alone are not enough)."""
        with transaction.atomic():
            before = contents()
            call_command("load_niic", sample_schedule=True, verbosity=0)
            after = contents()
            transaction.set_rollback(True)
        added = {}
        for table, (columns, json_columns, rows) in after.items():
            earlier = {repr(row) for row in before[table][2]} if table in before else set()
            if not earlier <= {repr(row) for row in rows}:
                return None
            new = [row for row in rows if repr(row) not in earlier]
            if new:
                added[table] = (columns, json_columns, new)
        return cls(added)

    def insert(self):
        """Into a test's transaction (the rows refer to rows the migrations made, which a
        transactional test's flush takes away)."""
        with connection.cursor() as cursor:
            for table, (columns, json_columns, rows) in self.tables.items():
                names = ", ".join(connection.ops.quote_name(column) for column in columns)
                marks = ", ".join(
                    f"%s::{json_columns[index]}" if index in json_columns else "%s"
                    for index in range(len(columns))
                )
                cursor.executemany(
                    f"INSERT INTO {connection.ops.quote_name(table)} ({names}) VALUES ({marks})",  # noqa: S608
                    rows,
                )


def contents():
    tables = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            json_columns = {
                index: JSON_TYPES[column[1]]
                for index, column in enumerate(cursor.description)
                if connection.vendor == "postgresql" and column[1] in JSON_TYPES
            }
            columns = [column[0] for column in cursor.description]
            tables[table] = (columns, json_columns, cursor.fetchall())
    return tables
