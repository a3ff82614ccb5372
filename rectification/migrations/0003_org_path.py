"""Problems and measures carry their owner org's path (``org_path``), filled here from
the org tree in one UPDATE per table, before the indexes are built."""

import rectification.models
from django.conf import settings
from django.db import migrations, models


def fill_org_paths(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table in ("rectification_problem", "rectification_measure"):
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"UPDATE {table} AS item SET org_path = org.path FROM orgs_org AS org WHERE org.id = item.org_id"
                )
            else:
                cursor.execute(
                    f"UPDATE {table} SET org_path = (SELECT path FROM orgs_org WHERE orgs_org.id = {table}.org_id)"
                )


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0002_initial'),
        ('orgs', '0002_people_count_index'),
        ('rectification', '0002_problem_sort_deadline'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='measure',
            name='org_path',
            field=rectification.models.OrgPathField(default='', editable=False, max_length=255, verbose_name='owner org path'),
        ),
        migrations.AddField(
            model_name='problem',
            name='org_path',
            field=rectification.models.OrgPathField(default='', editable=False, max_length=255, verbose_name='owner org path'),
        ),
        migrations.RunPython(fill_org_paths, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name='measure',
            index=models.Index(fields=['org_path', 'id'], name='measure_org_path'),
        ),
        migrations.AddIndex(
            model_name='problem',
            index=models.Index(fields=['org_path', 'sort_deadline', 'id'], name='problem_org_path_sort'),
        ),
    ]
