import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection, models
from django.test.utils import isolate_apps

from core.fields import EncryptedTextField, decrypt_str, encrypt_str, encrypted_fields, mask_secret
from core.services import encrypted_values_rotate


@pytest.fixture
def secret_model(db):
    """A throwaway table with an encrypted column (domain apps bring the real ones)."""
    with isolate_apps("core"):

        class Credential(models.Model):
            label = models.CharField(max_length=20)
            token = EncryptedTextField(blank=True)

            class Meta:
                app_label = "core"
                db_table = "test_core_credential"

    with connection.schema_editor() as editor:
        editor.create_model(Credential)
    yield Credential
    with connection.schema_editor() as editor:
        editor.delete_model(Credential)


def _raw_token(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM test_core_credential WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_encrypt_round_trip_uses_fresh_iv():
    first, second = encrypt_str("s3cret-token"), encrypt_str("s3cret-token")
    assert first != second
    assert "s3cret" not in first
    assert decrypt_str(first) == decrypt_str(second) == "s3cret-token"


def test_mask_secret_shows_only_last_four():
    assert mask_secret("abcd1234efgh5678") == "••••••••5678"
    assert mask_secret("short") == "••••••••"
    assert mask_secret("") == ""
    assert mask_secret(None) == ""


def test_field_stores_ciphertext_and_reads_plaintext(secret_model):
    row = secret_model.objects.create(label="a", token="tok-live-123456")
    raw = _raw_token(row.pk)
    assert raw != "tok-live-123456" and "tok-live" not in raw
    assert secret_model.objects.get(pk=row.pk).token == "tok-live-123456"
    empty = secret_model.objects.create(label="b", token="")
    assert _raw_token(empty.pk) == ""


def test_rotation_rewraps_every_value_with_the_new_key(secret_model, settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    rows = [secret_model.objects.create(label=str(i), token=f"secret-{i}") for i in range(5)]
    before = {row.pk: _raw_token(row.pk) for row in rows}

    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    counts = encrypted_values_rotate(fields=[(secret_model, secret_model._meta.get_field("token"))], batch_size=2)
    assert counts == {"core.Credential.token": 5}

    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key can now be dropped
    for row in rows:
        assert _raw_token(row.pk) != before[row.pk]
        assert Fernet(new_key.encode()).decrypt(_raw_token(row.pk).encode()) == f"secret-{row.label}".encode()
        assert secret_model.objects.get(pk=row.pk).token == f"secret-{row.label}"


def test_rotation_command_walks_registered_fields(db, capsys):
    call_command("rotate_encryption_keys")
    registered = [f"{m._meta.label}.{f.name}" for m, f in encrypted_fields()]
    out = capsys.readouterr().out
    # No rows hold secrets in an empty database: each registered field is visited, none rotated.
    assert out.strip().endswith("Rotated 0 secret(s).")
    for label in registered:
        assert f"{label}: 0 value(s) rotated" in out


def test_lookups_by_secret_value_are_refused(secret_model):
    with pytest.raises(FieldError):
        list(secret_model.objects.filter(token="x"))
