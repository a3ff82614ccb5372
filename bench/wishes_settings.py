"""Settings for the public wish load test: the production settings, with the per-address
rate limit lifted (every benchmark client comes from 127.0.0.1) and DEBUG off. The captcha
runs in its test mode through the environment (``CAPTCHA_TEST_MODE=true``), set by
``bench/wishes_public_load.py`` for the server it starts, never in production."""

from taizhang.settings import *  # noqa: F403

PUBLIC_SUBMISSIONS_PER_MINUTE = 10**9
DEBUG = False
