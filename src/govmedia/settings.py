"""Settings, read from the environment (see README: DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, PORT,
MEDIA_ROOT)."""

import os
import secrets
from pathlib import Path

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("GOVMEDIA_VAR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("DEBUG", "0") == "1"
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves the API documentation's assets locally (no CDN on the intranet)
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "govmedia.web",
    "govmedia.org",
    "govmedia.audit",
    "govmedia.calendar",
    "govmedia.registry",
    "govmedia.compliance",
    "govmedia.publishing",
    "govmedia.inquiries",
    "govmedia.security",
    "govmedia.platforms",
    "govmedia.ops",
    "govmedia.notifications",
    "govmedia.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "govmedia.web.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "govmedia.web.middleware.SessionRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "govmedia.api.ratelimit.RateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "govmedia.web.middleware.ForgetBadgeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "govmedia.security.middleware.DeviceCookieMiddleware",
    "govmedia.web.middleware.LoginRequiredMiddleware",
    "govmedia.security.middleware.TwoFactorMiddleware",
    "govmedia.web.middleware.DutySeparationMiddleware",
    "govmedia.web.middleware.PasswordChangeRequiredMiddleware",
    "govmedia.web.middleware.AuditRefusalMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "govmedia.urls"
WSGI_APPLICATION = "govmedia.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "govmedia.web.context.shell",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'govmedia.sqlite3'}", conn_max_age=60
    )
}
if test_name := os.environ.get("TEST_DATABASE_NAME"):  # parallel test runs on one PostgreSQL server
    DATABASES["default"]["TEST"] = {"NAME": test_name}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Page queries are short; PostgreSQL's JIT compiled the bigger ones for up to 0.7 s before running them
    # for 50 ms (province scale), so it is off for the app's connections. Parallel workers likewise: starting
    # one cost a few ms of a 7 ms queue query, and under load the cores are busy serving other pages.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c jit=off -c random_page_cost=1.1 -c max_parallel_workers_per_gather=0"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "govmedia.org.backends.PersonBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "govmedia.org.passwords.CharacterClassValidator", "OPTIONS": {"classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# How long the navigation's to-do badge may be reused before it is counted again (web.context.nav_counts).
NAV_BADGE_SECONDS = int(os.environ.get("NAV_BADGE_SECONDS", 60))
# Idle timeout: the session expires after this many seconds without a request. Its expiry is moved on by
# requests at most once every SESSION_REFRESH_SECONDS (web.middleware.SessionRefreshMiddleware), so it
# may end up to that much sooner, never later.
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_SECONDS", 30 * 60))
SESSION_REFRESH_SECONDS = 60
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False
# Two-factor sign-in: the name authenticator apps show, and a growing delay after wrong codes.
OTP_TOTP_ISSUER = "政务新媒体管理平台"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Chinese throughout, whatever the browser asks for (no LocaleMiddleware: an English browser got Django's
# own messages, "This field is required.", in English).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# The app serves its own static files (no CDN, no separate web server needed on a county laptop).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS=1 for a deployment served over HTTPS (directly or behind a TLS-terminating reverse proxy that sets
# X-Forwarded-Proto and strips it from clients): secure-only cookies, redirect to HTTPS, HSTS.
HTTPS = os.environ.get("HTTPS", "0") == "1"
if HTTPS:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", 365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("HSTS_INCLUDE_SUBDOMAINS", "0") == "1"
# Rate limits, "requests/seconds" (govmedia.api.ratelimit): per API token, per address on the API, and failed
# sign-ins per address (django-axes locks the account itself after AXES_FAILURE_LIMIT failures).
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600/60")
API_RATE_LIMIT_PER_IP = os.environ.get("API_RATE_LIMIT_PER_IP", "1200/60")
SIGN_IN_FAILURES_PER_IP = os.environ.get("SIGN_IN_FAILURES_PER_IP", "30/900")
# `govmedia sweep` verifies the audit hash chain at most this often (seconds) and raises an alarm on a break.
AUDIT_VERIFY_INTERVAL = int(os.environ.get("AUDIT_VERIFY_INTERVAL", 3600))
AUDIT_VERIFY_SLICE = int(os.environ.get("AUDIT_VERIFY_SLICE", 200_000))  # entries a sweep checks

# The county standard's effective date, for filings of already-open accounts (R4.2-2).
STANDARD_EFFECTIVE_DATE = os.environ.get("STANDARD_EFFECTIVE_DATE", "2026-01-01")
# The county portal; content already published there may be published directly (R5.4-1).
COUNTY_PORTAL_DOMAINS = os.environ.get("COUNTY_PORTAL_DOMAINS", "www.yaoan.gov.cn,yaoan.gov.cn").split(",")
# A CJK font for the long-Weibo image; found through fontconfig when empty.
CJK_FONT_PATH = os.environ.get("CJK_FONT_PATH", "")

# Platform adapters (B-6): base URLs of the platforms' APIs; `make run` points them at the simulator.
WECHAT_API_BASE = os.environ.get("WECHAT_API_BASE", "https://api.weixin.qq.com")
WEIBO_API_BASE = os.environ.get("WEIBO_API_BASE", "https://api.weibo.com")
# The local platform simulator at /simulator/ (on with GOVMEDIA_SIMULATOR=1, and by default when DEBUG).
SIMULATOR_ENABLED = os.environ.get("GOVMEDIA_SIMULATOR", "1" if DEBUG else "0") == "1"
SIMULATOR_APP_SECRET = os.environ.get("GOVMEDIA_SIMULATOR_SECRET", "simulator-secret")
# With the simulator on, accounts without credentials use the simulator's demo credentials.
PLATFORM_DEMO_CREDENTIALS = SIMULATOR_ENABLED
PLATFORM_TAMPER_INTERVAL = int(os.environ.get("GOVMEDIA_TAMPER_INTERVAL", 600))  # seconds between checks

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# 等保 requires locking the account itself after repeated failures, whatever address they come from.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
