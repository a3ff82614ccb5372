from django.db import migrations


def install(apps, schema_editor):
    """Build the text search's index of character pairs and fill it (``search.install``)."""
    from rectification import search

    search.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from rectification import search

    search.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("rectification", "0007_campaign_sort_index"),
    ]

    operations = [
        migrations.RunPython(install, uninstall, elidable=False),
    ]
