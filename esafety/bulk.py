"""Many rows written in one statement each batch, without a model instance for each row:
for a campaign that writes tens of thousands of "to sign" items and notifications at once
(building and preparing a Django model per row was most of its time).

The rows are tuples of plain values (ids, strings, aware datetimes, None) in the order of
`columns` (field attnames). No Python default is applied and no signal is sent, as with
`bulk_create`: give every column, and invalidate what follows the table yourself.
"""

from django.db import connection


def insert_rows(
    model, columns: list[str], rows: list[tuple], *, ignore_conflicts=False, returning=()
) -> list[tuple]:
    """Insert `rows` into `model`'s table; returns the `returning` columns of each row
    inserted (rows skipped as conflicts return nothing). PostgreSQL: one INSERT ... VALUES
    per batch (psycopg2's execute_values). Elsewhere: `bulk_create`."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        return _bulk_create(model, columns, rows, ignore_conflicts, returning)
    from psycopg2.extras import execute_values

    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in columns]
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) VALUES %s"
    )
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    if returning:
        sql += " RETURNING " + ", ".join(
            quote(model._meta.get_field(name).column) for name in returning
        )
    found = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            result = execute_values(
                cursor.cursor, sql, batch, page_size=len(batch), fetch=bool(returning)
            )
            found += [tuple(row) for row in result or ()]
    return found


BATCH = 5000


def _bulk_create(model, columns, rows, ignore_conflicts, returning) -> list[tuple]:
    objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
    made = model.objects.bulk_create(objects, batch_size=2000, ignore_conflicts=ignore_conflicts)
    return [tuple(getattr(obj, name) for name in returning) for obj in made] if returning else []
