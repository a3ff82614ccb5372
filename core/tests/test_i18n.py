"""The Chinese catalogue is complete, compiled, and what the pages and services speak.

The interface speaks Simplified Chinese by default and English on request. Code strings
are English msgids; ``locale/zh_Hans/LC_MESSAGES/django.po`` holds their Chinese (and
``<app>/locale/…`` for an app that keeps its own catalogue), and the compiled ``django.mo``
beside each is committed (a fresh machine has no gettext tools), so a stale ``.mo`` is a
bug these tests catch.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from core.errors import DomainError

BASE_DIR = Path(settings.BASE_DIR)
CATALOGUE = Path("locale") / "zh_Hans" / "LC_MESSAGES" / "django.po"
PO_PATHS = sorted([BASE_DIR / CATALOGUE, *BASE_DIR.glob(f"*/{CATALOGUE}")])
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@pytest.fixture(params=PO_PATHS, ids=[str(p.relative_to(BASE_DIR)) for p in PO_PATHS])
def po_path(request) -> Path:
    return request.param


@pytest.fixture
def po(po_path: Path) -> polib.POFile:
    return polib.pofile(str(po_path))


def _translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


class TestCatalogue:
    def test_header(self, po: polib.POFile) -> None:
        assert not po.metadata_is_fuzzy, "remove the “#, fuzzy” flag from the catalogue header"
        assert po.metadata.get("Language") == "zh_Hans"
        assert po.metadata.get("Plural-Forms") == "nplurals=1; plural=0;"
        assert "charset=UTF-8" in po.metadata.get("Content-Type", "")

    def test_every_entry_is_translated(self, po: polib.POFile) -> None:
        live = [e for e in po if not e.obsolete]
        untranslated = [e.msgid for e in live if not all(_translations(e))]
        assert not untranslated, "untranslated msgids (run `make messages`, then fill them in):\n" + "\n".join(
            untranslated
        )

    def test_no_entry_is_fuzzy(self, po: polib.POFile) -> None:
        fuzzy = [e.msgid for e in po if "fuzzy" in e.flags and not e.obsolete]
        assert not fuzzy, "fuzzy msgids (check the translation, then drop the flag):\n" + "\n".join(fuzzy)

    def test_placeholders_are_kept(self, po: polib.POFile) -> None:
        wrong = []
        for entry in po:
            if entry.obsolete:
                continue
            wanted = set(PLACEHOLDER.findall(entry.msgid))
            if entry.msgid_plural:
                wanted |= set(PLACEHOLDER.findall(entry.msgid_plural))
            for text in _translations(entry):
                if text and set(PLACEHOLDER.findall(text)) != wanted:
                    wrong.append(f"{entry.msgid!r} → {text!r}")
        assert not wrong, "placeholders differ from the msgid:\n" + "\n".join(wrong)

    def test_mo_is_compiled_from_the_po(self, po: polib.POFile, po_path: Path) -> None:
        """A .po edited without running compilemessages leaves a stale .mo: fail then."""
        mo_path = po_path.with_suffix(".mo")
        assert mo_path.exists(), "run `python manage.py compilemessages --ignore '.venv/*'`"
        mo = polib.mofile(str(mo_path))

        def table(entries) -> dict[tuple[str, str | None], object]:
            out: dict[tuple[str, str | None], object] = {}
            for e in entries:
                if e.obsolete or not e.msgid or "fuzzy" in e.flags:
                    continue
                value = tuple(e.msgstr_plural[k] for k in sorted(e.msgstr_plural)) if e.msgid_plural else e.msgstr
                out[(e.msgid, e.msgctxt)] = value
            return out

        expected, compiled = table(po), table(mo)
        stale = sorted(
            {k[0] for k in expected.keys() - compiled.keys()}
            | {k[0] for k in compiled.keys() - expected.keys()}
            | {k[0] for k in expected.keys() & compiled.keys() if expected[k] != compiled[k]}
        )
        assert not stale, "django.mo differs from django.po; run compilemessages. Msgids:\n" + "\n".join(stale)


class TestPages:
    def test_login_page_in_chinese_then_english(self, client, db) -> None:
        response = client.get("/login/")
        assert response.status_code == 200
        page = response.content.decode()
        assert "登录" in page
        assert "Log in" not in page

        response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
        assert response.status_code == 302
        page = client.get("/login/").content.decode()
        assert "Log in" in page
        assert "登录" not in page

    def test_office_page_in_chinese(self, client, tree, people) -> None:
        client.force_login(people.clerk_a)
        response = client.get("/")
        assert response.status_code == 200
        page = response.content.decode()
        for label in ("工作概览", "组织架构", "人员", "专项工作", "退出登录"):
            assert label in page, label
        assert "Overview" not in page

    def test_service_refusal_in_chinese(self, tree, people) -> None:
        from orgs.services import person_create

        bad_mobile = {"acting_user": people.admin, "username": "wang", "real_name": "王五", "home_org": tree.grid_a}
        bad_mobile["mobile"] = "123"
        with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
            person_create(**bad_mobile)
        assert str(refused.value) == "“123”不是有效的手机号（应为以13～19开头的11位数字）。"
        assert refused.value.field == "mobile"

        with translation.override("en"), pytest.raises(DomainError) as refused:
            person_create(**bad_mobile)
        assert "is not a valid mobile number" in str(refused.value)
