"""Views that fail the way a locked or unreachable database fails, for the middleware
tests; mounted beside the site's own URLs."""

from django.db import OperationalError
from django.http import HttpResponse
from django.urls import include, path


def locked(request):
    raise OperationalError("database is locked")


def bad_query(request):
    raise OperationalError("misuse of aggregate function SUM()")


def broken(request):
    raise ValueError("a plain bug")


def logs(request):
    import logging

    logging.getLogger("ops.tests").warning("inside the view")
    return HttpResponse("logged")


urlpatterns = [
    path("test-locked/", locked),
    path("api/test-locked/", locked),
    path("test-broken/", broken),
    path("test-bad-query/", bad_query),
    path("test-logs/", logs),
    path("", include("taizhang.urls")),
]
