"""Pool membership with validity (one pool per heat pump at a time) and retirement of assets.

The plain many-to-many ``Pool.heat_pumps`` becomes ``PoolMembership`` rows. A heat pump that the
old schema let into several pools gets consecutive memberships in order of the pools' creation
(each ends when the next pool was created), so no two overlap.

On PostgreSQL an exclusion constraint forbids overlapping validity ranges of one heat pump
(``int8range(id, id, '[]')`` stands in for ``=`` so no btree_gist extension is needed); SQLite
has the partial unique constraint (one open-ended membership per heat pump) only.
"""

import django.db.models.deletion
from django.db import migrations, models

EXCLUSION = "poolmembership_no_overlap_per_heat_pump"


def copy_members(apps, schema_editor):
    Pool = apps.get_model("assets", "Pool")
    PoolMembership = apps.get_model("assets", "PoolMembership")
    Through = Pool.heat_pumps.through
    pools = {pool.pk: pool for pool in Pool.objects.all()}
    by_pump: dict[int, list] = {}
    for row in Through.objects.all():
        by_pump.setdefault(row.heatpump_id, []).append(pools[row.pool_id])
    rows = []
    for pump_id, member_of in by_pump.items():
        member_of.sort(key=lambda pool: (pool.created_at, pool.pk))
        for position, pool in enumerate(member_of):
            following = member_of[position + 1] if position + 1 < len(member_of) else None
            rows.append(
                PoolMembership(
                    tenant_id=pool.tenant_id,
                    pool_id=pool.pk,
                    heat_pump_id=pump_id,
                    valid_from_at=None if position == 0 else pool.created_at,
                    valid_to_at=None if following is None else following.created_at,
                )
            )
    PoolMembership.objects.bulk_create(rows)


def add_exclusion(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE assets_poolmembership ADD CONSTRAINT {EXCLUSION} EXCLUDE USING gist ("
        "int8range(heat_pump_id, heat_pump_id, '[]') WITH =, "
        "tstzrange(valid_from_at, valid_to_at, '[)') WITH &&)"
    )


def drop_exclusion(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE assets_poolmembership DROP CONSTRAINT IF EXISTS {EXCLUSION}")


class Migration(migrations.Migration):
    dependencies = [
        ("assets", "0003_seed_technology_catalogue"),
        ("tenants", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="PoolMembership",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("valid_from_at", models.DateTimeField(blank=True, help_text="Member from this instant (UTC); null = since always", null=True)),
                ("valid_to_at", models.DateTimeField(blank=True, help_text="Member until this instant (UTC, excluded); null = open", null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("heat_pump", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="memberships", to="assets.heatpump")),
                ("pool", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to="assets.pool")),
                ("tenant", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="tenants.tenant")),
            ],
            options={"ordering": ["heat_pump_id", "valid_from_at", "id"]},
        ),
        migrations.RunPython(copy_members, migrations.RunPython.noop),
        migrations.RemoveField(model_name="pool", name="heat_pumps"),
        migrations.AddField(
            model_name="pool",
            name="heat_pumps",
            field=models.ManyToManyField(blank=True, related_name="pools", through="assets.PoolMembership", to="assets.heatpump"),
        ),
        migrations.AddConstraint(
            model_name="poolmembership",
            constraint=models.UniqueConstraint(condition=models.Q(("valid_to_at__isnull", True)), fields=("heat_pump",), name="poolmembership_one_open_per_heat_pump"),
        ),
        migrations.AddConstraint(
            model_name="poolmembership",
            constraint=models.CheckConstraint(condition=models.Q(("valid_from_at__isnull", True), ("valid_to_at__isnull", True), ("valid_from_at__lt", models.F("valid_to_at")), _connector="OR"), name="poolmembership_valid_range"),
        ),
        migrations.AddIndex(
            model_name="poolmembership",
            index=models.Index(fields=["tenant", "heat_pump", "valid_from_at"], name="poolmember_tenant_hp"),
        ),
        migrations.AddIndex(
            model_name="poolmembership",
            index=models.Index(fields=["tenant", "pool", "valid_from_at"], name="poolmember_tenant_pool"),
        ),
        migrations.RunPython(add_exclusion, drop_exclusion),
        migrations.AddField(
            model_name="heatpump",
            name="retired_at",
            field=models.DateTimeField(blank=True, help_text="Valid to (UTC): retired from this instant on; kept for the plans, dispatches and telemetry that refer to it", null=True),
        ),
        migrations.AddField(
            model_name="pool",
            name="retired_at",
            field=models.DateTimeField(blank=True, help_text="Valid to (UTC): no members and no new plans from then on", null=True),
        ),
    ]
