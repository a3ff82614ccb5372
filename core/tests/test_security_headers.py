"""Security headers and production settings (issue 8, item 5): a Content-Security-Policy
without inline scripts, frame denial, nosniff, a referrer policy, HttpOnly cookies, HSTS
behind HTTPS, and ``manage.py check --deploy`` clean under the production variables."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from core.testing.permissions import client_for

BASE_DIR = Path(settings.BASE_DIR)
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "",  # filled per run: 50 random characters
    "SECURE_COOKIES": "true",
    "BEHIND_HTTPS_PROXY": "true",
    "ALLOWED_HOSTS": "taizhang.example.gov.cn",
}


def directives(header: str) -> dict[str, list[str]]:
    policy: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            policy[words[0]] = words[1:]
    return policy


# Variables of the test run that a production process does not have (the browser tests'
# DJANGO_ALLOW_ASYNC_UNSAFE is itself a deploy check error).
TEST_ONLY = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "CAPTCHA_TEST_MODE", "DEBUG"}


def run(arguments: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """A fresh Python process with ``env`` over this one's environment."""
    environment = {key: value for key, value in os.environ.items() if key not in TEST_ONLY}
    environment.update(env)
    environment["TAIZHANG_VAR_DIR"] = str(tmp_path / "var")
    return subprocess.run(
        [sys.executable, *arguments], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=300
    )


def run_python(code: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return run(["-c", code], env, tmp_path)


class TestPageHeaders:
    @pytest.mark.parametrize("path", ["/", "/login/", "/public/wishes/post/"])
    def test_every_page_carries_the_policy(self, db, people, path):
        client = client_for(people.clerk_a) if path == "/" else Client()
        response = client.get(path, follow=path != "/login/")
        assert response.status_code == 200
        policy = directives(response["Content-Security-Policy"])
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no host
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert policy["form-action"] == ["'self'"]
        assert policy["img-src"] == ["'self'", "data:"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"

    def test_no_inline_script_in_the_pages(self, db, people):
        """The policy would block them: every script has a src, or is JSON data."""
        import re

        for path in ("/", "/ledger/", "/dashboards/"):
            html = client_for(people.supervisor).get(path, follow=True).content.decode()
            for tag in re.findall(r"<script\b[^>]*>", html):
                assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
            assert not re.search(r"\son[a-z]+\s*=", html.split("<body", 1)[-1]), path

    def test_cookies_are_http_only(self, db, people):
        client = Client()
        page = client.get("/login/")
        assert page.cookies["csrftoken"]["httponly"]
        assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY

    def test_htmx_takes_the_csrf_token_from_the_page_not_the_cookie(self, db, people):
        """Why the CSRF cookie may be HttpOnly: the token is in hx-headers."""
        html = client_for(people.clerk_a).get("/").content.decode()
        assert 'hx-headers=\'{"X-CSRFToken": "' in html
        script = (BASE_DIR / "taizhang" / "static" / "taizhang" / "app.js").read_text()
        assert "document.cookie" not in script

    def test_the_api_docs_need_no_inline_script(self, db, people):
        """Swagger UI loads its start-up code as a same-origin script (the split view)."""
        client = client_for(people.supervisor)
        html = client.get("/api/docs/").content.decode()
        assert "<script>" not in html.replace(" ", "")
        script = client.get("/api/docs/?script=")
        assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")


class TestProductionSettings:
    def environment(self) -> dict[str, str]:
        return {**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(48)[:50]}

    def test_check_deploy_is_clean(self, tmp_path):
        result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], self.environment(), tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "System check identified no issues" in result.stdout, result.stdout + result.stderr

    def test_hsts_and_secure_cookies_in_production(self, tmp_path):
        code = (
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'taizhang.settings'); django.setup();"
            "from django.conf import settings as s;"
            "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT,"
            " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY,"
            " s.SECURE_PROXY_SSL_HEADER[0], s.DEBUG, 'healthz' in ''.join(s.SECURE_REDIRECT_EXEMPT))"
        )
        result = run_python(code, self.environment(), tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == [
            "31536000",
            "True",
            "True",
            "True",
            "True",
            "True",
            "True",
            "HTTP_X_FORWARDED_PROTO",
            "False",
            "True",
        ]

    def test_no_hsts_on_plain_http(self, tmp_path):
        """The embedded set-up (no proxy, no secure cookies) sends no HSTS: a browser
        would otherwise refuse the plain-HTTP address for a year."""
        code = (
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'taizhang.settings'); django.setup();"
            "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT)"
        )
        env = {"SECURE_COOKIES": "false", "BEHIND_HTTPS_PROXY": "false"}
        result = run_python(code, env, tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["0", "False"]

    def test_the_secret_key_comes_from_the_environment(self, tmp_path):
        key = secrets.token_urlsafe(48)[:50]
        code = (
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'taizhang.settings'); django.setup();"
            "from django.conf import settings as s; print(s.SECRET_KEY)"
        )
        result = run_python(code, {**self.environment(), "SECRET_KEY": key}, tmp_path)
        assert result.stdout.strip() == key
        assert not (tmp_path / "var" / "secret_key").exists()  # no key file written when one is given


class TestNginxTemplate:
    """deploy/nginx.conf.template, the front every real site copies."""

    def template(self) -> str:
        return (BASE_DIR / "deploy" / "nginx.conf.template").read_text()

    def test_uploaded_files_are_never_served_from_disk(self):
        text = self.template()
        assert "location /media/ {\n            return 404;" in text
        assert "MEDIA" not in text.replace("MEDIA_ROOT, and /media/", "")  # no alias to the media folder

    def test_sign_ins_are_rate_limited(self):
        text = self.template()
        assert "limit_req_zone $taizhang_login_key zone=taizhang_login:10m rate=30r/m;" in text
        login = text.split("location = /login/ {", 1)[1].split("}", 1)[0]
        assert "limit_req zone=taizhang_login" in login and "proxy_pass http://taizhang;" in login

    def test_media_is_not_under_the_static_tree(self):
        media = Path(settings.MEDIA_ROOT).resolve()
        static = Path(settings.STATIC_ROOT).resolve()
        assert static not in media.parents and media not in static.parents and media != static


class TestMediaCheck:
    def test_media_inside_the_static_tree_is_an_error(self, settings, tmp_path):
        from core.checks import media_outside_static

        assert media_outside_static() == []
        settings.STATIC_ROOT = tmp_path / "static"
        settings.MEDIA_ROOT = tmp_path / "static" / "media"
        assert [error.id for error in media_outside_static()] == ["core.E001"]
        settings.MEDIA_ROOT = tmp_path
        assert [error.id for error in media_outside_static()] == ["core.E001"]
