"""An asyncio client for the WeChat Official Account API (aiohttp).

wechatpy's own client is synchronous and hard-codes the API host, so we only use wechatpy for
crypto and XML; this module talks HTTP itself:

* ``access_token`` is fetched from ``/cgi-bin/token``, kept in a :class:`TokenStore` (memory
  for one process, Redis for several workers) with its expiry, and refreshed when less than
  five minutes are left. Concurrent callers in one process share ONE fetch (an asyncio.Lock);
  workers share the token through the store.
* every call has a timeout; a call answered with a token error (40001/42001/40014) drops the
  token, fetches a new one and is retried once.
* failures are sorted for the outbox dispatcher: :class:`WeChatTransientError` (5xx,
  timeouts, connection errors, ``-1`` system busy, ``45009`` rate limit: try again later),
  :class:`WeChatWindowClosed` (``45015``/``45047``: the 48-hour customer-service window is
  closed, fall back to a template message) and :class:`WeChatApiError` (everything else).
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import aiohttp

from models.domain.clock import Clock, get_clock
from models.domain.config import template_field_limit

__all__ = [
    "TEMPLATE_FIELD_LIMIT",
    "TOKEN_ERRORS",
    "TRANSIENT_ERRORS",
    "WINDOW_ERRORS",
    "MemoryTokenStore",
    "RedisTokenStore",
    "TokenStore",
    "WeChatApiError",
    "WeChatClient",
    "WeChatError",
    "WeChatTransientError",
    "WeChatWindowClosed",
    "truncate_field",
]

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.weixin.qq.com"
REFRESH_MARGIN = 300.0  # refresh the token when less than 5 minutes are left
TOKEN_ERRORS = frozenset({40001, 42001, 40014})
TRANSIENT_ERRORS = frozenset({-1, 45009, 45011})
WINDOW_ERRORS = frozenset({45015, 45047})
TEMPLATE_FIELD_LIMIT = 20


class WeChatError(Exception):
    """Base of everything this client raises."""


class WeChatApiError(WeChatError):
    """WeChat answered with a non-zero ``errcode`` that retrying will not fix."""

    def __init__(self, errcode: int, errmsg: str):
        super().__init__(f"WeChat API error {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class WeChatWindowClosed(WeChatApiError):
    """45015/45047: the resident has not written within 48 hours (or we used up the replies
    allowed in the window); a customer-service message cannot be sent, a template can."""


class WeChatTransientError(WeChatError):
    """Worth retrying later: HTTP 5xx, timeout, connection error, ``-1`` system busy,
    ``45009``/``45011`` rate limits. ``retry_after`` is a hint in seconds (or None)."""

    RATE_LIMITS = (45009, 45011)

    @property
    def rate_limited(self) -> bool:
        """WeChat says "too many, wait" (the others mean it is down or unreachable)."""
        return self.errcode in self.RATE_LIMITS

    def __init__(
        self,
        reason: str,
        *,
        errcode: int | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ):
        super().__init__(reason)
        self.reason = reason
        self.errcode = errcode
        self.status = status
        self.retry_after = retry_after


# ---------------------------------------------------------------------------- token stores


class TokenStore(Protocol):
    """Where access tokens live; ``expires_at`` is epoch seconds."""

    async def get(self, key: str) -> tuple[str, float] | None: ...

    async def set(self, key: str, token: str, expires_at: float) -> None: ...

    async def delete(self, key: str) -> None: ...


class MemoryTokenStore:
    """One process's tokens."""

    def __init__(self) -> None:
        self._tokens: dict[str, tuple[str, float]] = {}

    async def get(self, key: str) -> tuple[str, float] | None:
        return self._tokens.get(key)

    async def set(self, key: str, token: str, expires_at: float) -> None:
        self._tokens[key] = (token, float(expires_at))

    async def delete(self, key: str) -> None:
        self._tokens.pop(key, None)


class RedisTokenStore:
    """Tokens shared by every worker through Redis (``redis.asyncio.Redis``). The value keeps
    the expiry; the key also gets a TTL so a dead token disappears by itself."""

    def __init__(self, redis: Any, prefix: str = "guanjia:", clock: Clock | None = None):
        self.redis = redis
        self.prefix = prefix
        self._clock = clock

    def _now(self) -> float:
        return (self._clock or get_clock()).now().timestamp()

    async def get(self, key: str) -> tuple[str, float] | None:
        raw = await self.redis.get(self.prefix + key)
        if raw is None:
            return None
        try:
            value = json.loads(raw)
            return str(value["token"]), float(value["expires_at"])
        except (ValueError, KeyError, TypeError):
            return None

    async def set(self, key: str, token: str, expires_at: float) -> None:
        ttl = math.ceil(expires_at - self._now())
        if ttl <= 0:
            await self.delete(key)
            return
        value = json.dumps({"token": token, "expires_at": expires_at})
        await self.redis.set(self.prefix + key, value, ex=ttl)

    async def delete(self, key: str) -> None:
        await self.redis.delete(self.prefix + key)


# ---------------------------------------------------------------------------- helpers


def truncate_field(value: str, limit: int = TEMPLATE_FIELD_LIMIT) -> str:
    """Cut ``value`` to ``limit`` characters, the last being '…' when anything was cut."""
    value = str(value)
    if len(value) <= limit:
        return value
    return value[: limit - 1] + "…"


_FILENAME_RE = re.compile(r"""filename\*?=(?:UTF-8''|")?([^";]+)"?""", re.IGNORECASE)


def _filename(disposition: str | None) -> str | None:
    if not disposition:
        return None
    m = _FILENAME_RE.search(disposition)
    return m.group(1).strip() if m else None


# ---------------------------------------------------------------------------- client


class WeChatClient:
    """``WeChatClient(app_id, app_secret, base_url, token_store)``; use as an async context
    manager, or call :meth:`close`, when it made its own session."""

    def __init__(
        self,
        app_id: str,
        app_secret: str,
        base_url: str = DEFAULT_BASE_URL,
        token_store: TokenStore | None = None,
        session: aiohttp.ClientSession | None = None,
        timeout: float = 5,
        clock: Clock | None = None,
    ):
        self.app_id = app_id
        self._app_secret = app_secret
        self.base_url = base_url.rstrip("/")
        self.token_store: TokenStore = token_store or MemoryTokenStore()
        self._session = session
        self._own_session = session is None
        self.timeout = timeout
        self._clock = clock
        self._lock = asyncio.Lock()
        self.token_key = f"wechat:access_token:{app_id}"
        self.token_fetches = 0
        self._local: tuple[str, float] | None = None  # fallback while the store is down

    async def __aenter__(self) -> WeChatClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._own_session and self._session is not None:
            await self._session.close()
            self._session = None

    def _now(self) -> float:
        return (self._clock or get_clock()).now().timestamp()

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
            self._own_session = True
        return self._session

    def _redact(self, text: str) -> str:
        return text.replace(self._app_secret, "***") if self._app_secret else text

    # ------------------------------------------------------------------ access token

    async def get_access_token(self) -> str:
        """A valid access token: the stored one while more than 5 minutes are left, else a
        fresh one. Concurrent callers in this process share one fetch."""
        cached = await self._store_get()
        if cached and cached[1] - self._now() > REFRESH_MARGIN:
            return cached[0]
        async with self._lock:
            cached = await self._store_get()  # another caller refreshed meanwhile?
            if cached and cached[1] - self._now() > REFRESH_MARGIN:
                return cached[0]
            try:
                return await self._fetch_token()
            except WeChatTransientError:
                if cached and cached[1] > self._now():
                    log.warning("wechat token refresh failed; using the current token meanwhile")
                    return cached[0]
                raise

    async def invalidate_token(self, token: str | None = None) -> None:
        """Forget the stored token (only if it is still ``token``, when given, so a token a
        sibling worker just fetched is not thrown away)."""
        if token is not None:
            cached = await self._store_get()
            if not cached or cached[0] != token:
                return
        self._local = None
        try:
            await self.token_store.delete(self.token_key)
        except Exception:
            log.warning("wechat token store unavailable; could not drop the token", exc_info=True)

    async def _store_get(self) -> tuple[str, float] | None:
        """The shared token; if the store (Redis) is down, this process's last token."""
        try:
            cached = await self.token_store.get(self.token_key)
        except Exception:
            log.warning("wechat token store unavailable; using this process's token", exc_info=True)
            return self._local
        if cached:
            self._local = cached
        return cached

    async def _store_set(self, token: str, expires_at: float) -> None:
        self._local = (token, expires_at)
        try:
            await self.token_store.set(self.token_key, token, expires_at)
        except Exception:
            log.warning("wechat token store unavailable; token kept in this process", exc_info=True)

    async def _fetch_token(self) -> str:
        started = self._now()
        status, _headers, body = await self._http(
            "GET",
            "/cgi-bin/token",
            params={
                "grant_type": "client_credential",
                "appid": self.app_id,
                "secret": self._app_secret,
            },
        )
        self.token_fetches += 1
        data = self._json(status, body, "/cgi-bin/token")
        self._check(data)
        token = data.get("access_token")
        if not token:
            raise WeChatApiError(-2, "token response without access_token")
        expires_in = float(data.get("expires_in") or 7200)
        await self._store_set(token, started + expires_in)
        log.info("wechat access token refreshed (expires in %.0fs)", expires_in)
        return token

    # ------------------------------------------------------------------ HTTP

    async def _http(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        url: str | None = None,
        form: aiohttp.FormData | None = None,
    ) -> tuple[int, Mapping[str, str], bytes]:
        data: Any = form
        headers = {}
        if json_body is not None:
            # WeChat wants real UTF-8, not \\u escapes.
            data = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json; charset=utf-8"
        try:
            async with self._get_session().request(
                method,
                url or self.base_url + path,
                params=params,
                data=data,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            ) as response:
                body = await response.read()
                return response.status, response.headers, body
        except TimeoutError:
            raise WeChatTransientError(f"timeout after {self.timeout}s calling {path}") from None
        except aiohttp.ClientError as exc:
            reason = self._redact(f"{type(exc).__name__} calling {path}: {exc}")
            raise WeChatTransientError(reason) from None

    def _json(self, status: int, body: bytes, path: str) -> dict[str, Any]:
        if status >= 500:
            raise WeChatTransientError(f"HTTP {status} from {path}", status=status)
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            if status >= 400:
                raise WeChatApiError(-2, f"HTTP {status} from {path}") from None
            raise WeChatTransientError(f"unreadable answer from {path}", status=status) from None
        if not isinstance(data, dict):
            raise WeChatApiError(-2, f"unexpected answer from {path}")
        if status >= 400 and not data.get("errcode"):
            raise WeChatApiError(-2, f"HTTP {status} from {path}")
        return data

    @staticmethod
    def _check(data: Mapping[str, Any]) -> None:
        try:
            errcode = int(data.get("errcode") or 0)
        except (TypeError, ValueError):
            errcode = -2
        if errcode == 0:
            return
        errmsg = str(data.get("errmsg", ""))
        if errcode in TRANSIENT_ERRORS:
            raise WeChatTransientError(
                f"WeChat busy or rate-limited ({errcode}: {errmsg})",
                errcode=errcode,
                retry_after=60.0 if errcode != -1 else 1.0,
            )
        if errcode in WINDOW_ERRORS:
            raise WeChatWindowClosed(errcode, errmsg)
        raise WeChatApiError(errcode, errmsg)

    async def _with_token(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        params: Mapping[str, Any] | None = None,
        raw: bool = False,
        form: Callable[[], aiohttp.FormData] | None = None,
    ) -> Any:
        for attempt in (1, 2):
            token = await self.get_access_token()
            status, headers, body = await self._http(
                method,
                path,
                params={**(params or {}), "access_token": token},
                json_body=json_body,
                form=form() if form is not None else None,  # a form is sent once: anew each time
            )
            content_type = headers.get("Content-Type", "").split(";")[0].strip().lower()
            if raw and status < 400 and content_type not in ("application/json", "text/plain"):
                return body, content_type or "application/octet-stream", headers
            data = self._json(status, body, path)
            errcode = data.get("errcode")
            if errcode in TOKEN_ERRORS and attempt == 1:
                log.info("wechat token rejected (%s); refreshing once", errcode)
                await self.invalidate_token(token)
                continue
            self._check(data)
            return data
        raise AssertionError("unreachable")

    # ------------------------------------------------------------------ API

    async def call(
        self,
        method: str,
        path: str,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Call ``path`` with the access token; returns the answer when ``errcode`` is 0."""
        return await self._with_token(method.upper(), path, json_body=json, params=params)

    async def send_text(self, openid: str, text: str) -> dict[str, Any]:
        """A customer-service text (only within 48 hours of the resident's last message)."""
        return await self.call(
            "POST",
            "/cgi-bin/message/custom/send",
            json={"touser": openid, "msgtype": "text", "text": {"content": text}},
        )

    async def send_image(self, openid: str, media_id: str) -> dict[str, Any]:
        return await self.call(
            "POST",
            "/cgi-bin/message/custom/send",
            json={"touser": openid, "msgtype": "image", "image": {"media_id": media_id}},
        )

    async def upload_image(self, content: bytes, filename: str, content_type: str) -> str:
        """Upload an image as temporary media (kept 3 days by WeChat); its media id."""

        def form() -> aiohttp.FormData:
            data = aiohttp.FormData()
            data.add_field("media", content, filename=filename, content_type=content_type)
            return data

        answer = await self._with_token(
            "POST", "/cgi-bin/media/upload", params={"type": "image"}, form=form
        )
        media_id = answer.get("media_id")
        if not media_id:
            raise WeChatApiError(-2, "upload answer without media_id")
        return str(media_id)

    async def send_template(
        self,
        openid: str,
        template_id: str,
        data: Mapping[str, str],
        url: str | None = None,
    ) -> dict[str, Any]:
        """A template message. The values should fit their fields already; as a last
        resort each is cut to its field's length ('…' counted inside): 20 characters for a
        ``thing``, 32 for a ``character_string``, 5 for a ``phrase``."""
        body: dict[str, Any] = {
            "touser": openid,
            "template_id": template_id,
            "data": {
                name: {"value": truncate_field(value, template_field_limit(name) or 64)}
                for name, value in data.items()
            },
        }
        if url:
            body["url"] = url
        return await self.call("POST", "/cgi-bin/message/template/send", json=body)

    async def download_media(self, media_id: str) -> tuple[bytes, str, str]:
        """A temporary media file a resident sent: ``(content, content_type, filename)``."""
        result = await self._with_token(
            "GET", "/cgi-bin/media/get", params={"media_id": media_id}, raw=True
        )
        if isinstance(result, dict):
            video_url = result.get("video_url")
            if not video_url:
                raise WeChatApiError(-2, "media answer without content")
            status, headers, body = await self._http("GET", "/video", url=video_url)
            if status >= 400:
                raise WeChatTransientError(f"HTTP {status} fetching video", status=status)
            content_type = headers.get("Content-Type", "video/mp4").split(";")[0]
            return body, content_type, f"{media_id}.mp4"
        body, content_type, headers = result
        name = _filename(headers.get("Content-Disposition")) or media_id
        return body, content_type, name

    async def user_info(self, openid: str, lang: str = "zh_CN") -> dict[str, Any]:
        return await self.call("GET", "/cgi-bin/user/info", params={"openid": openid, "lang": lang})
