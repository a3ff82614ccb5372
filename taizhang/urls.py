from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

urlpatterns = [
    # Sign-in (password, then the authenticator code), sign-out, the account's own pages.
    path("", include("accounts.urls")),
    path("account/", include("accounts.urls_account")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("captcha/", include("captcha.urls")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("orgs/", include("orgs.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("ledger/", include("rectification.urls_import")),
    path("ledger/", include("rectification.urls")),
    path("supervision/", include("supervision.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("bulletins/", include("bulletins.urls")),
    path("wishes/", include("wishes.urls")),
    path("intake/", include("intake.urls")),
    path("projects/", include("projects.urls")),
    path("research/", include("research.urls")),
    path("study/", include("study.urls")),
    path("audit/", include("audit.urls")),
    # Pages for the public: no login, phone-first, no personal data.
    path("public/", include("public.urls")),
    path("public/", include("wishes.urls_public")),
    path("public/", include("intake.urls_public")),
    path("public/", include("bulletins.urls_public")),
    # /healthz, /readyz and /metrics for load balancers and monitoring.
    path("", include("ops.urls")),
    path("", include("core.urls")),
]
