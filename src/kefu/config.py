"""One Settings object for the whole application (environment prefix ``KEFU_``)."""

from __future__ import annotations

from datetime import time
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEMO_SECRET = "kefu-demo-secret-do-not-use-in-production"


# A work order's files: the largest taken (a phone's photo is 2-5 MB, a minute of voice
# memo under 1 MB), and how many an order keeps at once (e-mailed ones too).
ATTACHMENT_MAX_BYTES = 10_485_760
ATTACHMENTS_PER_ORDER = 30
# Refunds and credits to a customer (退费, 赔付), in fen: a team lead approves up to the
# first, a supervisor up to the second; more is refused (it goes to finance).
REFUND_LEAD_LIMIT_FEN = 20_000
REFUND_CEILING_FEN = 200_000


class Settings(BaseSettings):
    """Runtime configuration; runs with no env file, refuses demo secrets in production."""

    model_config = SettingsConfigDict(env_prefix="KEFU_", extra="ignore")

    database_url: str = Field(default_factory=lambda: f"sqlite:///{Path('var/kefu.db').resolve()}")
    secret_key: str = DEMO_SECRET
    demo_mode: bool = False
    default_language: str = "zh-CN"
    timezone: str = "Asia/Shanghai"
    max_body_bytes: int = 1_048_576
    session_max_age_seconds: int = 12 * 3600
    cookie_secure: bool = False
    login_max_failures: int = 5
    login_window_seconds: int = 300
    login_ip_max_failures: int = 30
    db_pool_size: int = 10
    # Write requests of one process let into the application at once; the rest wait on
    # the event loop, holding no thread (core/admission.py). More inside at once did less:
    # their threads queue for the interpreter at each query's answer. Paired runs, 16
    # callers creating orders: SQLite 314-352 a second with 4, 320-421 with 2; PostgreSQL
    # 252-271 with no limit, 289-341 with 2. 200 callers opening IVR calls: SQLite
    # 123-142 with 4, 155-157 with 2; PostgreSQL 154-166 with no limit, 209-302 with 2.
    sqlite_write_slots: int = 2
    postgresql_write_slots: int = 2
    export_max_rows: int = 200_000
    attachment_max_bytes: int = ATTACHMENT_MAX_BYTES
    attachments_per_order: int = ATTACHMENTS_PER_ORDER
    repeat_window_days: int = 30
    repeat_category_level: int = 2
    # Emergencies: this many complaints or faults of one category branch in one unit
    # within the window propose an incident.
    incident_threshold: int = 5
    incident_window_minutes: int = 60
    incident_category_level: int = 2
    refund_lead_limit_fen: int = REFUND_LEAD_LIMIT_FEN
    refund_ceiling_fen: int = REFUND_CEILING_FEN
    # Where approved refunds are credited: an operator's billing system over HTTP
    # (kefu.billing.http_credit); empty, kefu's own balances.
    billing_credit_url: str = ""
    billing_credit_token: str = ""
    # Where the IVR's and SMS's balance and package lookups ask: an operator's billing
    # system over HTTP (kefu.billing.lookups); empty, kefu's own subscriber data.
    billing_lookup_url: str = ""
    billing_lookup_token: str = ""
    # The questionnaire subscribers answer on the self-service page, once a quarter
    # (its code; the shipped telecom satisfaction survey by default); empty offers none.
    selfcare_survey: str = "ecsi-telecom"
    # Where staff open the console (https://kefu.example.cn): mails to staff about an
    # order, an incident or a page end with its address there. Empty: they name the order
    # by its number only, as kefu cannot know the address it is reached at.
    console_url: str = ""
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_sender: str = "kefu@localhost"
    sms_gateway: str = "file:var/sms.jsonl"  # or an http(s) URL
    worker_interval_seconds: float = 2.0
    # The evening before an engineer's visit, at this local time (HH:MM), the customer is
    # reminded of it and each engineer gets the next day's sheet (派工短信); the
    # supervisors hear then of an engineer off with visits still booked. Visits booked
    # from then on follow a change; those booked before keep their time.
    evening_notices_at: time = time(18)
    # Inbound SMS and e-mail: bodies are kept up to this many characters (the rest is cut
    # and marked); a rule answers one address at most this often an hour (no robot loops);
    # the SMTP receiver refuses mails over this size and for other domains (empty: any).
    intake_body_chars: int = 100_000
    intake_auto_replies_per_hour: int = 5
    mail_max_bytes: int = 10_485_760
    mail_domains: str = ""
    imap_password: str = ""
    # ACD: an offered call rings this long before it goes to the next agent; the clock
    # that takes back rung-out offers and releases dedicated windows runs in every server
    # process at this interval (0 turns it off, for tests that drive it themselves).
    acd_ring_seconds: int = 20
    acd_tick_seconds: float = 1.0
    # Freeze what a server loaded at start (and jieba's dictionary once read) so the
    # garbage collector stops walking it; off for tests that build many apps in one
    # process, where frozen apps would never be freed.
    settle_heap: bool = True
    sql_echo: bool = False

    @field_validator("console_url")
    @classmethod
    def _console_address(cls, value: str) -> str:
        """An http(s) address with a host and nothing after the path (links are built on
        it), without its trailing slash; empty stays empty."""
        if not value:
            return value
        parts = urlsplit(value)
        plain = parts.scheme in ("http", "https") and parts.netloc
        if not plain or parts.query or parts.fragment:
            raise ValueError("not a plain http(s) address, such as https://kefu.example.cn")
        return value.rstrip("/")

    def check_production_safety(self) -> None:
        """Refuse to run with the shipped demo secret unless demo mode is on."""
        if not self.demo_mode and self.secret_key == DEMO_SECRET:
            raise RuntimeError(
                "KEFU_SECRET_KEY is the shipped demo secret; set a real secret "
                "or run with KEFU_DEMO_MODE=true (demo only)."
            )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
