"""The full-text structures the database engine queries, one per database vendor.

SQLite: an external-content FTS5 table over course_search_searchdocument (rowid = the document id), kept
in step by triggers, its four columns in the order title, keywords, summary, body (weighted at query time
by bm25).
PostgreSQL: a stored generated tsvector ('simple' configuration: words were already cut in Python)
weighted A-D per field, with a GIN index.
"""

from django.db import migrations

DOC = "course_search_searchdocument"
FTS = "course_search_fts"
COLUMNS = "title_terms, keyword_terms, summary_terms, body_terms"

SQLITE_UP = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5({COLUMNS}, content='{DOC}', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON {DOC} BEGIN"
    f" INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES"
    " (new.id, new.title_terms, new.keyword_terms, new.summary_terms, new.body_terms); END",
    f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON {DOC} BEGIN"
    f" INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) VALUES"
    " ('delete', old.id, old.title_terms, old.keyword_terms, old.summary_terms, old.body_terms); END",
    f"CREATE TRIGGER {FTS}_au AFTER UPDATE ON {DOC} BEGIN"
    f" INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) VALUES"
    " ('delete', old.id, old.title_terms, old.keyword_terms, old.summary_terms, old.body_terms);"
    f" INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES"
    " (new.id, new.title_terms, new.keyword_terms, new.summary_terms, new.body_terms); END",
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS {FTS}_{t}" for t in ("ai", "ad", "au")] + [f"DROP TABLE IF EXISTS {FTS}"]

POSTGRES_UP = [
    f"ALTER TABLE {DOC} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    " setweight(to_tsvector('simple', coalesce(title_terms, '')), 'A')"
    " || setweight(to_tsvector('simple', coalesce(keyword_terms, '')), 'B')"
    " || setweight(to_tsvector('simple', coalesce(summary_terms, '')), 'C')"
    " || setweight(to_tsvector('simple', coalesce(body_terms, '')), 'D')) STORED",
    f"CREATE INDEX course_search_vector_gin ON {DOC} USING gin (search_vector)",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS course_search_vector_gin", f"ALTER TABLE {DOC} DROP COLUMN search_vector"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("course_search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
