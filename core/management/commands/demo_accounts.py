"""``manage.py demo_accounts``: print the demo's log-ins for whoever ran ``make run``.

Console output for a developer, so it speaks Chinese and English side by side.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.management.base import BaseCommand

from core.demo import DEMO_PASSWORD, demo_account_specs, demo_is_loaded

# Role names as the offices say them (DESIGN.md), beside the English of the choices.
ROLE_NAMES_ZH = {
    "admin": "系统管理员",
    "supervisor": "督办员",
    "leader": "领导",
    "clerk": "单位联络员",
    "member": "党员",
    "inspector": "纪检",
}


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(width - display_width(text), 0)


class Command(BaseCommand):
    help = "Print the demo's log-ins: role, user name, password, person, org and what each sees."

    def handle(self, *args: Any, **options: Any) -> None:
        from django.utils import translation

        from orgs.choices import Role
        from orgs.models import User

        if not demo_is_loaded():
            self.stdout.write("The demo is not loaded (演示数据未加载); run `manage.py load_demo` first.")
            return
        headers = ["角色 Role", "用户名 User", "密码 Password", "姓名 Name", "单位 Org"]
        rows: list[list[str]] = []
        notes: list[tuple[str, str]] = []
        with translation.override("en"):
            english = {value: str(label) for value, label in Role.choices}
        for spec in demo_account_specs():
            person = User.objects.filter(username=spec.username).first()
            if person is None:
                continue
            grant = person.grants.filter(role=spec.role).select_related("org").first()
            password = DEMO_PASSWORD if person.check_password(DEMO_PASSWORD) else "(changed 已修改)"
            rows.append(
                [
                    f"{ROLE_NAMES_ZH.get(spec.role, spec.role)} {english.get(spec.role, spec.role)}",
                    person.username,
                    password,
                    person.real_name,
                    grant.org.name if grant else "-",
                ]
            )
            notes.append((spec.sees_zh, spec.sees_en))
        widths = [max(display_width(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
        rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
        write = self.stdout.write
        write("")
        write("演示账号 Demo accounts")
        write("这是本机演示数据，密码固定公开，切勿用于正式环境。")
        write("This is demo data on a developer machine: the passwords are fixed and public; never use them for real.")
        write(rule)
        write("  ".join(pad(header, width) for header, width in zip(headers, widths, strict=True)).rstrip())
        write(rule)
        for row, (sees_zh, sees_en) in zip(rows, notes, strict=True):
            write("  ".join(pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip())
            write(f"    可见 {sees_zh}")
            write(f"    sees {sees_en}")
        write(rule)
        write("其他演示人员不能登录。Every other demo person has no usable password.")
        write("")
