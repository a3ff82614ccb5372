"""Seed the official calendar from the chinese-calendar package (years up to 2026)."""

from django.db import migrations


def seed(apps, schema_editor):
    from core.official_calendar import seed as seed_years

    seed_years(apps.get_model("core", "CalendarYear"), apps.get_model("core", "CalendarDay"))


def unseed(apps, schema_editor):
    apps.get_model("core", "CalendarDay").objects.filter(date__year__lte=2026).delete()
    apps.get_model("core", "CalendarYear").objects.filter(source="package").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]

    operations = [migrations.RunPython(seed, unseed)]
