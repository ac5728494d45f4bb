"""Secrets and URLs, from environment variables or a ``.env`` file.

Kept apart from the YAML config so that the config file can be committed to a
company's own repository while tokens stay in the environment.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from models.storage.db import DEFAULT_DATABASE_URL


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    database_url: str = Field(DEFAULT_DATABASE_URL, alias="DATABASE_URL")
    guanjia_config: str | None = Field(None, alias="GUANJIA_CONFIG")

    telegram_bot_token: str | None = Field(None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_url: str | None = Field(None, alias="TELEGRAM_API_URL")
    telegram_webhook_url: str | None = Field(None, alias="TELEGRAM_WEBHOOK_URL")
    telegram_webhook_secret: str | None = Field(None, alias="TELEGRAM_WEBHOOK_SECRET")

    wechat_token: str | None = Field(None, alias="WECHAT_TOKEN")
    wechat_app_id: str | None = Field(None, alias="WECHAT_APP_ID")
    wechat_app_secret: str | None = Field(None, alias="WECHAT_APP_SECRET")
    wechat_aes_key: str | None = Field(None, alias="WECHAT_AES_KEY")
    wechat_api_url: str = Field("https://api.weixin.qq.com", alias="WECHAT_API_URL")
    media_dir: str = Field("data/media", alias="GUANJIA_MEDIA_DIR")

    redis_url: str | None = Field(None, alias="REDIS_URL")

    sweep_seconds: float = Field(15.0, alias="GUANJIA_SWEEP_SECONDS", gt=0)

    http_host: str = Field("127.0.0.1", alias="GUANJIA_HTTP_HOST")
    http_port: int = Field(8080, alias="GUANJIA_HTTP_PORT")

    # the web console (/console) and the web chat (/chat)
    public_url_setting: str | None = Field(None, alias="GUANJIA_PUBLIC_URL")
    console_secret: str | None = Field(None, alias="GUANJIA_CONSOLE_SECRET")
    console_secret_file: str = Field("data/console_secret", alias="GUANJIA_CONSOLE_SECRET_FILE")
    webchat: bool = Field(True, alias="GUANJIA_WEBCHAT")
    demo: str = Field("auto", alias="GUANJIA_DEMO", pattern="^(auto|on|off)$")

    @property
    def public_url(self) -> str:
        """Where people open the console and the web chat (links in chats point here)."""
        return (self.public_url_setting or f"http://{self.http_host}:{self.http_port}").rstrip("/")

    @property
    def demo_mode(self) -> bool:
        """The playground: demo sign-in buttons and a resident chat beside the stewards'
        view. ``auto`` turns it on only where it cannot be production by accident: no
        platform configured, SQLite, and a server that listens on the loopback address
        only. ``on`` is refused when a platform is configured (see ``check_demo``)."""
        if self.demo == "off":
            return False
        if self.demo == "on":
            return True
        loopback = self.http_host in ("127.0.0.1", "localhost", "::1")
        return (
            loopback
            and self.database_url.startswith("sqlite")
            and not self.telegram_configured
            and not self.wechat_configured
        )

    def check_demo(self) -> None:
        if self.demo == "on" and (self.telegram_configured or self.wechat_configured):
            raise ValueError(
                "GUANJIA_DEMO=on with a platform configured: demo mode lets anyone who can "
                "open the console sign in as a demo staff member; it is for a machine "
                "without real residents. Remove GUANJIA_DEMO or set it to off."
            )

    def config_path(self) -> Path:
        """The config file to use: $GUANJIA_CONFIG, ./guanjia.yaml, else the shipped example."""
        from models.domain.config import EXAMPLE_CONFIG

        if self.guanjia_config:
            return Path(self.guanjia_config)
        local = Path("guanjia.yaml")
        return local if local.exists() else EXAMPLE_CONFIG

    @property
    def telegram_configured(self) -> bool:
        return bool(self.telegram_bot_token)

    @property
    def wechat_configured(self) -> bool:
        return bool(self.wechat_token and self.wechat_app_id and self.wechat_app_secret)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
