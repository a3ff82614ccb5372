"""WSGI entry point for gunicorn: ``gunicorn taizhang.wsgi``."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
application = get_wsgi_application()
# What is loaded now (Django, the apps, their models) lives as long as the process:
# moved out of the collector's reach, a full collection no longer walks it in the middle
# of a request (~4 ms of a ledger page's 40, profiled), and a forked worker does not
# copy the pages the collector would have written to.
gc.freeze()
