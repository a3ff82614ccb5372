"""Settings for the test suite: the production settings plus a test-only app.

The ``core.tests.workflow_app`` app holds a concrete ``TrackedItem`` so the shared
workflow, scoping and attachment machinery is tested on its own, before any domain app
uses it. Static files are served by the plain storage so no ``collectstatic`` is needed.
"""

import atexit
import shutil
import tempfile
from pathlib import Path

from taizhang.settings import *  # noqa: F403
from taizhang.settings import DATABASES, INSTALLED_APPS, STORAGES, VAR_DIR

INSTALLED_APPS = [*INSTALLED_APPS, "core.tests.workflow_app"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HUEY = {"huey_class": "huey.MemoryHuey", "immediate": True, "name": "taizhang-test"}

# A file, not memory, for SQLite test databases: concurrency tests open a second
# connection, which an in-memory database shared between threads refuses ("table is
# locked"). pytest-xdist gives each worker its own file.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
(VAR_DIR / "static").mkdir(exist_ok=True)  # WhiteNoise warns when STATIC_ROOT is missing

# Uploaded evidence goes to a throw-away folder per test process, removed at exit.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="taizhang-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
