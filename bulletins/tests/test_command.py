"""``manage.py bulletin``: a dry run writes the file only; --save keeps a draft."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from docx import Document

from bulletins.models import Bulletin
from bulletins.tests.conftest import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("only_ledger_statistics")]


def test_dry_run_writes_the_docx_and_saves_nothing(ledger, tmp_path) -> None:
    out = tmp_path / "通报.docx"
    with translation.override("zh-hans"):
        call_command(
            "bulletin",
            "--period",
            "week",
            "--org",
            "AK-JM",
            "--date",
            TODAY.isoformat(),
            "--out",
            str(out),
            stdout=io.StringIO(),
        )
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "共查摆问题4条" in text
    assert not Bulletin.objects.exists()


def test_save_keeps_a_draft(ledger, tmp_path) -> None:
    out = tmp_path / "month.docx"
    call_command("bulletin", "--period", "month", "--out", str(out), "--save", stdout=io.StringIO())
    bulletin = Bulletin.objects.get()
    assert (bulletin.kind, bulletin.org, bulletin.status, bulletin.as_of) == ("month", ledger.district, "draft", TODAY)
    assert out.stat().st_size > 0


@pytest.mark.parametrize(
    "arguments",
    [
        ["--period", "week", "--org", "NOPE"],
        ["--period", "week", "--date", "2026-02-30"],
        ["--period", "week", "--campaign", "999999"],
    ],
)
def test_bad_arguments_are_named(ledger, tmp_path, arguments) -> None:
    with pytest.raises(CommandError) as error:
        call_command("bulletin", *arguments, "--out", str(tmp_path / "x.docx"))
    assert arguments[2] in str(error.value)
