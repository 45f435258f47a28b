"""PostgreSQL: keep each document's tsvector in its table row (STORAGE MAIN) instead of in the TOAST table.

Ranking reads the tsvector of every match (ts_rank). Stored out of line, as PostgreSQL does by default for a
value above about 2 kB (ours are about 3.3 kB and barely compress), each read was a lookup in the TOAST index
and two chunks: 31–38 ms for the 4,700–7,400 matches of a broad query at 10k courses against 15–17 ms inline
(docs/decisions/0020-search-on-postgresql.md). A vector too large for a page still goes out of line. The
existing rows are rewritten (the generated column is computed again) so they move now, not on their next
re-index. SQLite has no such column: nothing to do.
"""

from django.db import migrations

DOC = "course_search_searchdocument"

POSTGRES_UP = [
    f"ALTER TABLE {DOC} ALTER COLUMN search_vector SET STORAGE MAIN",
    f"UPDATE {DOC} SET title_terms = title_terms",
]
POSTGRES_DOWN = [f"ALTER TABLE {DOC} ALTER COLUMN search_vector SET STORAGE EXTENDED"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("course_search", "0004_thesaurus_file")]

    operations = [migrations.RunPython(_run(POSTGRES_UP), _run(POSTGRES_DOWN))]
