"""Seed the official calendar from the chinese-calendar package (years up to 2026)."""

from django.db import migrations


def seed(apps, schema_editor):
    from core.official_calendar import package_days

    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    for year, days in sorted(package_days().items()):
        CalendarDay.objects.bulk_create(CalendarDay(date=d, kind=kind, name=name) for d, kind, name in days)
        CalendarYear.objects.create(year=year, source="package")


def unseed(apps, schema_editor):
    apps.get_model("core", "CalendarDay").objects.filter(date__year__lte=2026).delete()
    apps.get_model("core", "CalendarYear").objects.filter(source="package").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]

    operations = [migrations.RunPython(seed, unseed)]
