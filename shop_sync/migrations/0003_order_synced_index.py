from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("shop_sync", "0002_order_shop_created_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["tenant", "-synced_at"], name="shop_sync_order_t_synced"),
        ),
    ]
