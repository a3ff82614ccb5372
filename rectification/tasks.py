"""Background jobs of the ledger: a long import runs in the worker, not in the request.

The task only loads the job by id and calls the importer; how far it got goes to the cache
while the import runs (see ``core.models.ImportJob``: the import's transaction holds
SQLite's write lock, so the row is written once, at the end), and the page polls it.

Chinese wording for the translator (zh_Hans catalogue), msgid → msgstr:

    "The import stopped because of an error in Taizhang; nothing was imported. Tell the administrator."
        → "系统出错，导入已中止，未导入任何内容，请联系系统管理员"
    "The uploaded file is no longer there; upload it again."  → "上传的文件已不存在，请重新上传"
"""

from __future__ import annotations

import logging
import time

from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from core.models import ImportJob
from rectification.importers import LedgerImportResult, import_ledger

logger = logging.getLogger(__name__)
# How long the cache keeps a running job's progress (a job never runs this long).
PROGRESS_TIMEOUT = 6 * 3600
# The row is updated at most this often while no transaction is open (the checking part).
ROW_UPDATE_SECONDS = 2.0


def _progress_writer(job: ImportJob):  # type: ignore[no-untyped-def]
    """A ``progress(done, total)`` callback for ``job``: always the cache; the row too while
    the connection is not inside the import's transaction, so the page still moves when
    the cache is per process (``LocMemCache`` with a separate worker)."""
    last_row_update = 0.0

    def report(done: int, total: int) -> None:
        nonlocal last_row_update
        cache.set(job.progress_key, (done, total), PROGRESS_TIMEOUT)
        now = time.monotonic()
        if not connection.in_atomic_block and now - last_row_update >= ROW_UPDATE_SECONDS:
            ImportJob.objects.filter(pk=job.pk).update(done=done, total=total)
            last_row_update = now

    return report


@db_task()
def run_ledger_import(job_id: int) -> None:
    """Run the ledger import of ``job_id`` once: a job that is not waiting is left alone."""
    moved = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(status=ImportJob.Status.RUNNING)
    if not moved:
        return
    job = ImportJob.objects.select_related("campaign__org", "created_by").get(pk=job_id)
    try:
        try:
            with job.file.open("rb") as stored:
                data = stored.read()
        except OSError:
            result = LedgerImportResult(dry_run=job.dry_run)
            result.errors.append(_problem(_("The uploaded file is no longer there; upload it again.")))
        else:
            result = import_ledger(
                data=data,
                filename=job.original_name,
                campaign=job.campaign,
                acting_user=job.created_by,
                dry_run=job.dry_run,
                progress=_progress_writer(job),
            )
    except Exception:
        logger.exception("ledger import %s failed", job_id)
        message = _("The import stopped because of an error in Taizhang; nothing was imported. Tell the administrator.")
        result = LedgerImportResult(dry_run=job.dry_run, errors=[_problem(message)])
        status = ImportJob.Status.FAILED
    else:
        status = ImportJob.Status.DONE
    done, total = cache.get(job.progress_key) or (0, 0)
    ImportJob.objects.filter(pk=job_id).update(
        status=status,
        result=result.as_dict(),
        done=max(done, total),
        total=total,
        finished_at=timezone.now(),
    )
    cache.delete(job.progress_key)


def _problem(message: str):  # type: ignore[no-untyped-def]
    from core.spreadsheets import ImportProblem

    return ImportProblem(location=None, message=message)
