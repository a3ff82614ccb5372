import pytest


@pytest.fixture
def captcha_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    """django-simple-captcha's test mode ("PASSED" is right). The package reads the
    setting once, at import, so ``override_settings`` cannot switch it: patch its copy."""
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", True)
