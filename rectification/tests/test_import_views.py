"""The import pages: upload → background job → progress → result; the template; the
export of what the ledger list shows, in the user's scope."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import ImportJob
from core.spreadsheets import read_workbook
from core.testing.factories import CampaignFactory, ChannelFactory, org_create
from core.testing.html import element
from core.testing.permissions import client_for
from core.testing.spreadsheets import xlsx_bytes
from rectification.models import Measure, Problem
from rectification.tasks import _progress_writer
from rectification.tests.factories import MeasureFactory, ProblemFactory
from rectification.tests.test_importers import HEADER, good_row, row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def campaign(tree):
    campaign = CampaignFactory(org=tree.district, name="主题教育", start_date=datetime.date(2023, 9, 1))
    ChannelFactory(campaign=campaign, code="xf", name="信访")
    return campaign


def upload(client, campaign, data, *, dry_run=True, name="台账.xlsx", capture=None):
    payload = {"campaign": campaign.pk, "file": SimpleUploadedFile(name, data, content_type=XLSX)}
    if dry_run:
        payload["dry_run"] = "on"
    with capture(execute=True):
        return client.post("/ledger/import/", payload)


def good_file():
    return xlsx_bytes(
        [
            HEADER,
            good_row(序号=1, 问题="停车难"),
            row(序号=1, 整改措施="协调共享车位"),
            good_row(序号=2, 问题="垃圾清运不及时", 整改状态="已完成"),
        ],
        sheet="台账",
    )


def test_upload_form_offers_visible_active_campaigns_and_checks_by_default(campaign, people, tree):
    other_district = CampaignFactory(org=org_create(name="别区", code="BQ"), name="别区的专项工作")
    CampaignFactory(org=tree.district, name="已结束", status="closed")
    response = client_for(people.clerk_a).get("/ledger/import/")
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["campaign"].queryset) == [campaign]
    assert form.fields["dry_run"].initial is True
    assert other_district.pk not in {c.pk for c in form.fields["campaign"].queryset}


def test_people_without_an_entering_role_may_not_import(campaign, people):
    assert client_for(people.member_a).get("/ledger/import/").status_code == 403
    assert client_for(None).get("/ledger/import/").status_code == 302  # to the login page


def test_check_then_import_for_real(campaign, people, django_capture_on_commit_callbacks):
    client = client_for(people.street_clerk)
    response = upload(client, campaign, good_file(), capture=django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/ledger/import/{job.pk}/"
    assert job.dry_run and job.status == ImportJob.Status.DONE and job.created_by == people.street_clerk
    assert job.result["ok"] and (job.result["problems"], job.result["measures"], job.result["closed"]) == (2, 3, 1)
    assert Problem.objects.count() == 0

    page = client.get(f"/ledger/import/{job.pk}/")
    assert page.status_code == 200
    partial = client.get(f"/ledger/import/{job.pk}/", headers={"HX-Request": "true"})
    preview = element(partial.content.decode(), "import-preview")
    assert preview is not None
    assert "hx-trigger" not in partial.content.decode()  # finished: the polling stops
    assert element(partial.content.decode(), "import-errors") is None

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/ledger/import/{job.pk}/confirm/")
    real = ImportJob.objects.exclude(pk=job.pk).get()
    assert response.url == f"/ledger/import/{real.pk}/"
    assert not real.dry_run and real.result["ok"] and real.status == ImportJob.Status.DONE
    assert (Problem.objects.count(), Measure.objects.count()) == (2, 3)
    done = client.get(f"/ledger/import/{real.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert element(done, "import-done") is not None


def test_errors_are_listed_by_cell_and_nothing_is_imported(campaign, people, django_capture_on_commit_callbacks):
    client = client_for(people.clerk_a)
    data = xlsx_bytes(
        [HEADER, good_row(问题类别="村级"), good_row(序号=2, 问题="乙", 责任单位="居尚社区")], sheet="台账"
    )
    upload(client, campaign, data, dry_run=False, capture=django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE and not job.result["ok"]
    assert job.result["error_count"] == 2
    html = client.get(f"/ledger/import/{job.pk}/").content.decode()
    table = element(html, "import-errors")
    assert table is not None
    assert [(e["sheet"], e["row"], e["column"]) for e in job.result["errors"]] == [("台账", 2, "C"), ("台账", 3, "F")]
    assert Problem.objects.count() == 0
    # A check with problems cannot be imported for real.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/ledger/import/{job.pk}/confirm/")
    assert ImportJob.objects.count() == 1


def test_a_running_job_shows_its_progress_and_keeps_polling(campaign, people):
    job = ImportJob.objects.create(
        kind="ledger",
        campaign=campaign,
        file=SimpleUploadedFile("a.xlsx", b"x"),
        original_name="a.xlsx",
        created_by=people.clerk_a,
        status=ImportJob.Status.RUNNING,
    )
    _progress_writer(job)(3_000, 12_000)
    assert job.progress() == (3_000, 12_000) and job.percent == 25
    partial = client_for(people.clerk_a).get(f"/ledger/import/{job.pk}/", headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert 'hx-trigger="every 1s"' in html and 'aria-valuenow="25"' in html
    cache.clear()  # another process's cache: the row is read instead
    assert job.progress() == (job.done, job.total)


def test_jobs_are_seen_only_by_their_creator(campaign, people, django_capture_on_commit_callbacks):
    upload(client_for(people.clerk_a), campaign, good_file(), capture=django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    other = client_for(people.clerk_b)
    assert other.get(f"/ledger/import/{job.pk}/").status_code == 404
    assert other.post(f"/ledger/import/{job.pk}/confirm/").status_code == 404
    assert job.original_name not in other.get("/ledger/import/").content.decode()


def test_template_download(people):
    response = client_for(people.clerk_a).get("/ledger/import/template/")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    book = read_workbook(data=response.content, filename="t.xlsx")
    assert len(book.sheets) == 2


def test_export_is_scoped_and_filtered(campaign, people, tree):
    mine = ProblemFactory(campaign=campaign, org=tree.community_a, title="甲社区的问题")
    MeasureFactory(problem=mine, title="措施一")
    ProblemFactory(campaign=campaign, org=tree.community_a, title="甲社区已销号的问题", status="closed")
    ProblemFactory(campaign=campaign, org=tree.community_b, title="乙社区的问题")

    def titles(user, query=""):
        response = client_for(user).get(f"/ledger/export/{query}")
        assert response.status_code == 200 and response["Content-Type"] == XLSX
        rows = read_workbook(data=response.content, filename="x.xlsx").sheets[0].rows
        return {r[1] for r in rows[3:] if r[1]}

    assert titles(people.clerk_a) == {"甲社区的问题", "甲社区已销号的问题"}
    assert titles(people.clerk_a, "?status=rectifying") == {"甲社区的问题"}
    assert titles(people.supervisor) == {"甲社区的问题", "甲社区已销号的问题", "乙社区的问题"}
    assert titles(people.supervisor, "?org=AK-JM-JS") == {"乙社区的问题"}
    assert titles(people.member_a) == set()


def test_upload_refuses_oversized_files(campaign, people, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_MAX_BYTES = 100
    response = upload(
        client_for(people.clerk_a), campaign, b"x" * 1000, name="big.csv", capture=django_capture_on_commit_callbacks
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert ImportJob.objects.count() == 0


def test_upload_page_lists_recent_imports(campaign, people, django_capture_on_commit_callbacks):
    client = client_for(people.clerk_a)
    upload(client, campaign, good_file(), capture=django_capture_on_commit_callbacks)
    html = client.get("/ledger/import/").content.decode()
    assert "台账.xlsx" in html
