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
