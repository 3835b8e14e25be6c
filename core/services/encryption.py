"""Re-encrypting stored secrets under the current key (key rotation)."""

from __future__ import annotations

from django.db import connection, transaction

from core.fields import encrypted_fields, rotate_token


def encrypted_values_rotate(*, fields=None, batch_size: int = 500) -> dict[str, int]:
    """Re-wrap every stored secret with the newest key (cross-tenant on purpose: every row).

    Works on the raw tokens (``MultiFernet.rotate``) in primary-key batches, so plaintext never
    passes through model instances and a large table is never loaded at once.
    """
    counts: dict[str, int] = {}
    for model, field in fields if fields is not None else encrypted_fields():
        table = connection.ops.quote_name(model._meta.db_table)
        column = connection.ops.quote_name(field.column)
        pk = connection.ops.quote_name(model._meta.pk.column)
        rotated, last_pk = 0, None
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                after = f" AND {pk} > %s" if last_pk is not None else ""
                cursor.execute(
                    f"SELECT {pk}, {column} FROM {table} WHERE {column} IS NOT NULL AND {column} <> ''{after} ORDER BY {pk} LIMIT %s",
                    ([last_pk] if last_pk is not None else []) + [batch_size],
                )
                rows = cursor.fetchall()
                for row_pk, token in rows:
                    cursor.execute(f"UPDATE {table} SET {column} = %s WHERE {pk} = %s", [rotate_token(token), row_pk])
            if not rows:
                break
            rotated += len(rows)
            last_pk = rows[-1][0]
        counts[f"{model._meta.label}.{field.name}"] = rotated
    return counts
