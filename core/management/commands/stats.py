"""``manage.py stats``: every app's figures from the statistics registry.

The same figures as the dashboards and ``/api/statistics/``, for scripts and cron jobs::

    manage.py stats --json --org AK --campaign 1 --date 2023-12-05
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import DomainError
from core.statistics import build_scope, collect


class Command(BaseCommand):
    help = (
        "Print the statistics of every app for an org subtree, a campaign and a date. "
        "Without --user the figures cover everything (run as the installer)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print JSON (UTF-8, indented) instead of text.")
        parser.add_argument("--org", metavar="CODE", help="Code of the org whose subtree is counted.")
        parser.add_argument("--campaign", metavar="ID", help="Id of the campaign to count.")
        parser.add_argument(
            "--date", metavar="YYYY-MM-DD", help="Figures as they stood at the end of this day (default: today)."
        )
        parser.add_argument(
            "--from",
            dest="period_start",
            metavar="YYYY-MM-DD",
            help="First day of the period for added/closed counts (default: the Monday of --date's week).",
        )
        parser.add_argument(
            "--to",
            dest="period_end",
            metavar="YYYY-MM-DD",
            help="Last day of the period (default: --date).",
        )
        parser.add_argument("--user", metavar="USERNAME", help="Count only what this person may see.")

    def handle(self, *args: Any, **options: Any) -> None:
        from orgs.models import User

        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"--user: there is no person with the user name “{options['user']}”.")
        try:
            scope = build_scope(
                user=user,
                org=options["org"],
                campaign=options["campaign"],
                date=options["date"],
                period_start=options["period_start"],
                period_end=options["period_end"],
            )
        except DomainError as error:
            raise CommandError(f"--{_option_name(error.field)}: {error.message}") from error
        figures = collect(scope)
        if options["json"]:
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2))
        else:
            self.stdout.write("\n".join(text_lines(figures)))


def _option_name(field: str | None) -> str:
    return {"period_start": "from", "period_end": "to", None: "arguments"}.get(field, field or "arguments")


def text_lines(value: Any, *, depth: int = 0) -> list[str]:
    """The figures as indented ``name: value`` lines, lists of rows one row a line."""
    indent = "  " * depth
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines.append(f"{indent}{key}:")
                lines.extend(text_lines(item, depth=depth + 1))
            else:
                lines.append(f"{indent}{key}: {_scalar(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                lines.append(f"{indent}- " + ", ".join(f"{key} {_scalar(v)}" for key, v in item.items()))
            else:
                lines.append(f"{indent}- {_scalar(item)}")
    else:
        lines.append(f"{indent}{_scalar(value)}")
    return lines


def _scalar(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, dict | list):
        return "none"
    return str(value)
