"""The property company's configuration: one YAML file, validated strictly.

Everything a company would want to change without touching code lives here:
communities and their buildings, the stewards' and supervisors' chats, staff,
deadlines, business and quiet hours, fees, and reply-text overrides. Secrets and
URLs are not here; they come from the environment (see ``bot.settings``).

A bad file is reported once, naming the file, the key and what is wrong
(``ConfigError``); the CLI turns that into exit code 2 without a traceback.
"""

from __future__ import annotations

import re
from datetime import date, time
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

EXAMPLE_CONFIG = Path(__file__).resolve().parents[2] / "guanjia.example.yaml"

FAST_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""yaml.safe_load's loader, in C when libyaml is there (texts.yaml: 0.17 s → 0.02 s)."""

Role = Literal["steward", "supervisor", "manager", "engineering", "cleaning"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ConfigError(Exception):
    """A configuration file that cannot be used; the message says where and why."""

    def __init__(self, path: str | Path, key: str, problem: str):
        self.path, self.key, self.problem = str(path), key, problem
        where = f"{self.path}: {key}: " if key else f"{self.path}: "
        super().__init__(where + problem)


class Strict(BaseModel):
    """Unknown keys are errors: a typo must not silently fall back to a default."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _parse_hhmm(value: Any) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, int):  # YAML reads 08:30 as sexagesimal 510
        return time(value // 60, value % 60)
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}:\d{2}", value.strip()):
        h, m = (int(x) for x in value.strip().split(":"))
        if h == 24 and m == 0:
            return time(23, 59, 59)
        return time(h, m)
    raise ValueError(f"expected a time of day like 08:30, got {value!r}")


class Building(Strict):
    """A building as residents and the register name it. Its units come from the
    owners' register (``python -m bot import residents``); a small site without a
    register may give the building's shape instead (entrances × floors × rooms per
    floor), and a unit that fits the shape exists. A plain name (``- 商铺``) is a
    building whose units only the register lists."""

    name: str = Field(description="building number or name, e.g. '3', 'A座', '商铺'")
    entrances: int = Field(1, ge=1, le=20, description="单元 per building")
    floors: int | None = Field(None, ge=1, le=200)
    rooms_per_floor: int | None = Field(None, ge=1, le=99)
    unit_format: str | None = Field(
        None, description="how units of this building are written (default: the community's)"
    )

    @model_validator(mode="before")
    @classmethod
    def _plain_name(cls, v: Any) -> Any:
        return {"name": str(v)} if isinstance(v, str | int) else v

    @field_validator("name", mode="before")
    @classmethod
    def _name_as_text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) else v

    @field_validator("unit_format")
    @classmethod
    def _format_has_room(cls, v: str | None) -> str | None:
        return v if v is None else _check_unit_format(v)

    @model_validator(mode="after")
    def _whole_shape(self) -> Building:
        if (self.floors is None) != (self.rooms_per_floor is None):
            raise ValueError("give both floors and rooms_per_floor, or neither")
        return self

    @property
    def arithmetic(self) -> bool:
        """Whether the building's shape says which units exist."""
        return self.floors is not None and self.rooms_per_floor is not None


def _check_unit_format(v: str) -> str:
    if "{room}" not in v:
        raise ValueError("must contain {room}")
    unknown = set(re.findall(r"{(\w*)}", v)) - {"building", "entrance", "room"}
    if unknown:
        raise ValueError(f"unknown placeholder(s): {', '.join(sorted(unknown))}")
    return v


class PlatformChats(Strict):
    """Where a group of staff is reached on each platform (unset = not on it)."""

    telegram: int | None = None
    wecom_webhook: str | None = Field(None, description="WeCom group-robot webhook URL")


class Community(Strict):
    code: str = Field(pattern=r"^[a-z0-9_-]{1,32}$")
    name: str
    unit_format: str = Field(
        "{building}栋{entrance}单元{room}",
        description="how a unit is written here; placeholders {building} {entrance} {room}",
    )
    buildings: list[Building] = Field(min_length=1)
    stewards_chat: PlatformChats = PlatformChats()
    supervisors_chat: PlatformChats = PlatformChats()

    @field_validator("unit_format")
    @classmethod
    def _format_has_room(cls, v: str) -> str:
        if "{building}" not in v:
            raise ValueError("must contain {building} and {room}")
        return _check_unit_format(v)

    @model_validator(mode="after")
    def _unique_buildings(self) -> Community:
        from models.domain.unit_text import key_of, normalise, part_tokens

        names = [key_of(part_tokens(b.name)) or normalise(b.name) for b in self.buildings]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"building listed twice: {', '.join(dupes)}")
        return self


class StaffMember(Strict):
    name: str = Field(description="the name residents see, e.g. 王管家")
    role: Role
    community: str | None = Field(None, description="community code; unset = all")
    telegram_id: int | None = None
    wechat_openid: str | None = None


class Deadlines(Strict):
    """Defaults from docs/domain.md; every one can be changed by the company."""

    urgent_claim_minutes: int = Field(15, ge=1)
    repair_claim_minutes: int = Field(30, ge=1)
    cleaning_claim_minutes: int = Field(60, ge=1)
    consultation_answer_minutes: int = Field(120, ge=1)
    complaint_report_back_hours: float = Field(4, gt=0)
    complaint_answer_hours: float = Field(24, gt=0)
    escalation_interval_minutes: int = Field(30, ge=1, description="steward→supervisor→manager")
    urgent_escalation_interval_minutes: int = Field(15, ge=1)
    warning_minutes: int = Field(10, ge=0, description="reminder before a deadline")
    followup_after_minutes: int = Field(60, ge=0)
    followup_reminder_days: float = Field(2, gt=0)
    followup_autoclose_days: float = Field(7, gt=0)


class BusinessHours(Strict):
    days: list[Weekday] = ["mon", "tue", "wed", "thu", "fri"]
    start: time = time(8, 30)
    end: time = time(17, 30)
    public_holidays: Literal["cn", "none"] = Field(
        "cn",
        description="cn: China's public holidays and 调休 working weekends from the "
        "chinesecalendar package; none: only the days listed here",
    )
    holidays: list[date] = Field([], description="closed days (over the public calendar)")
    extra_workdays: list[date] = Field(
        [], description="days that are worked (over the public calendar)"
    )

    _hhmm = field_validator("start", "end", mode="before")(_parse_hhmm)

    @model_validator(mode="after")
    def _start_before_end(self) -> BusinessHours:
        if self.start >= self.end:
            raise ValueError("start must be before end")
        both = sorted(set(self.holidays) & set(self.extra_workdays))
        if both:
            raise ValueError(f"{both[0]} is listed both as a holiday and as a working day")
        return self


class QuietHours(Strict):
    start: time = time(21, 0)
    end: time = time(8, 0)

    _hhmm = field_validator("start", "end", mode="before")(_parse_hhmm)


class Fee(Strict):
    """A paid service (有偿服务): the bot states the fee and asks before dispatch."""

    item: str
    keywords: list[str] = Field(min_length=1)
    price: str = Field(description="as residents should read it, e.g. '50元/次'")


class Cleaning(Strict):
    slots: list[str] = ["09:00-11:00", "14:00-16:00", "16:00-18:00"]
    days_ahead: int = Field(3, ge=1, le=14)
    home_service_keywords: list[str] = Field(
        [
            "预约",
            "家政",
            "钟点",
            "开荒",
            "上门保洁",
            "家里",
            "我家",
            "擦玻璃",
            "深度保洁",
            "包月",
            "保姆",
            "打扫卫生",
        ],
        description="words that make a cleaning request a home-service booking (time slots)",
    )

    @field_validator("slots")
    @classmethod
    def _slots_are_ranges(cls, v: list[str]) -> list[str]:
        for s in v:
            if not re.fullmatch(r"\d{1,2}:\d{2}-\d{1,2}:\d{2}", s):
                raise ValueError(f"slot {s!r} is not like 09:00-11:00")
        return v


class Outbox(Strict):
    """Delivery. A platform that is down (5xx, timeouts, refused connections) is tried
    again every ``retry_seconds`` for as long as a message is younger than
    ``give_up_after_hours``; a message the platform refuses (a blocked bot, an unknown
    chat) fails at once; any other error is retried with backoff, ``max_attempts``
    times."""

    max_attempts: int = Field(8, ge=1, le=100)
    base_delay_seconds: float = Field(2.0, gt=0)
    max_delay_seconds: float = Field(600.0, gt=0)
    retry_seconds: float = Field(10.0, gt=0, le=300)
    give_up_after_hours: float = Field(24.0, gt=0)


FailureKind = Literal["power", "water", "lift", "gas", "flood", "drain", "fire"]


class Incidents(Strict):
    """Mass incidents (issue 20): reports of the same failure from the same building
    (or entrance) within ``window_minutes`` become one incident once ``threshold``
    households reported it; later reports join it while it is open."""

    enabled: bool = True
    threshold: int = Field(3, ge=2, le=100, description="households that make an incident")
    window_minutes: int = Field(30, ge=1, le=1440, description="how recent the reports must be")
    entrance_scoped: list[FailureKind] = Field(
        ["lift"], description="failures that concern one entrance (单元), not the whole building"
    )
    card_edit_seconds: int = Field(
        15, ge=3, le=600, description="the incident card is edited at most this often"
    )


class Notices(Strict):
    """Notices to residents (通知公告)."""

    default_hours: float = Field(
        24, gt=0, le=24 * 14, description="how long a notice without a time explains reports"
    )
    margin_minutes: int = Field(
        60, ge=0, le=24 * 60, description="reports this long before or after a notice's period"
    )


TicketKind = Literal["repair", "complaint", "cleaning", "consultation"]
TEMPLATE_VALUES = (
    "title",
    "text",
    "number",
    "kind",
    "status",
    "summary",
    "unit",
    "community",
    "time",
    "choices",
)

# -- template fields (模板消息): what each kind of field takes ---------------------------------
# WeChat's category templates (类目模板, the only ones since 2023) name a field by its kind and
# a number (thing5, character_string1, phrase3, time4) and refuse a value that does not fit
# the kind (47003). The limits are those of 类目模板消息参数值内容限制.
TEXT_KINDS = {"thing": 20, "keyword": 20}  # any characters; keywordN: the old library's fields
ASCII_KINDS = {"character_string": 32}  # digits, letters and symbols: no Chinese
HAN_KINDS = {"phrase": 5, "const": 20}  # phrase: Chinese only; const: approved words
TIME_KINDS = ("time", "date")
OTHER_KINDS = ("number", "letter", "symbol", "amount", "phone_number", "car_number", "name")
RETIRED_FIELDS = ("first", "remark")  # no longer shown since May 2023

# Each value: the longest it can be when it has a fixed form, or None when it is cut (or,
# for choices, written shorter) to fit the room its field leaves it; and the characters.
TEMPLATE_VALUE_FORMS: dict[str, tuple[int | None, str]] = {
    "number": (13, "ascii"),  # 20261123-0007 (or "-" for a message about no ticket)
    "time": (17, "time"),  # 2026年11月26日 10:00
    "status": (5, "han"),  # 重新处理中
    "kind": (2, "han"),  # 报修 投诉 保洁 咨询
    "title": (None, "any"),
    "text": (None, "any"),
    "summary": (None, "any"),
    "unit": (None, "any"),
    "community": (None, "any"),
    "choices": (None, "any"),
}
# the least room a value that is cut to fit needs to still say something
TEMPLATE_MIN_ROOM = {"text": 6, "summary": 4, "unit": 4, "community": 2, "title": 4, "choices": 8}
TIME_FORMAT = "%Y年%m月%d日 %H:%M"


def template_field_kind(field: str) -> str:
    """``thing`` for ``thing5``, ``character_string`` for ``character_string12``."""
    return field.rstrip("0123456789")


def template_field_limit(field: str) -> int | None:
    """How many characters a field takes (None: a time, whose form is fixed)."""
    kind = template_field_kind(field)
    for table in (TEXT_KINDS, ASCII_KINDS, HAN_KINDS):
        if kind in table:
            return table[kind]
    return None if kind in TIME_KINDS else 20


def template_placeholders(value: str) -> list[str]:
    """The placeholders of a field's value, in order ("{kind}：{text}" → kind, text)."""
    import string

    return [f for _, f, _, _ in string.Formatter().parse(value) if f is not None]


def _literal(value: str) -> str:
    import string

    return "".join(text for text, _, _, _ in string.Formatter().parse(value))


def _is_han(text: str) -> bool:
    return all("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in text)


def template_field_problem(field: str, value: str) -> str | None:
    """Why ``value`` (with placeholders) cannot go into template field ``field``, or None.
    A field must be able to carry its longest fixed values and still leave each value that
    is cut to fit (the text, the summary …) some room; the answers ({choices}) are never cut,
    they are written shorter ("回复5非常满意…1非常不满意")."""
    kind = template_field_kind(field)
    try:
        used = template_placeholders(value)
    except ValueError as e:
        return str(e)
    unknown = sorted(set(used) - set(TEMPLATE_VALUES))
    if unknown:
        return f"unknown placeholder(s) {', '.join(unknown)} (known: {', '.join(TEMPLATE_VALUES)})"
    literal = _literal(value)
    if "\n" in value:
        return "a template value cannot hold a line break (WeChat drops what follows it)"
    if kind in RETIRED_FIELDS:
        return f"WeChat no longer shows {kind} fields (since May 2023): use the template's own"
    if kind in TIME_KINDS:
        if value.strip() != "{time}":
            return f"a {kind} field takes exactly {{time}} (e.g. 2026年11月26日 10:00)"
        return None
    if kind in OTHER_KINDS:
        if used:
            return f"a {kind} field takes none of our values ({', '.join(used)})"
        return None
    limit = template_field_limit(field) or 20
    forms = [TEMPLATE_VALUE_FORMS[p] for p in used]
    if kind in ASCII_KINDS:
        wrong = [p for p, (_, chars) in zip(used, forms, strict=True) if chars != "ascii"]
        if wrong or not literal.isascii():
            what = ", ".join("{" + p + "}" for p in wrong) or "its Chinese words"
            return f"a {kind} field takes letters, digits and symbols only: not {what}"
    if kind in HAN_KINDS:
        wrong = [p for p, (_, chars) in zip(used, forms, strict=True) if chars != "han"]
        if wrong or not _is_han(literal):
            what = ", ".join("{" + p + "}" for p in wrong) or "words other than Chinese"
            return f"a {kind} field takes Chinese words only: not {what}"
    fixed = len(literal) + sum(n for n, _ in forms if n is not None)
    needed = fixed + sum(
        TEMPLATE_MIN_ROOM[p] for p, (n, _) in zip(used, forms, strict=True) if n is None
    )
    if needed > limit:
        return f"a {kind} field takes {limit} characters; {value!r} needs at least {needed}" + (
            " (each value cut to fit needs some room)" if needed > fixed else ""
        )
    if not used and not literal:
        return "empty value"
    return None


class WeChatTemplate(Strict):
    """A template message (模板消息) approved in the Official Account's console."""

    template_id: str = Field(min_length=1, description="from 广告与服务 → 模板消息")
    url: str | None = Field(None, description="page opened when the message is tapped")
    fields: dict[str, str] = Field(
        min_length=1,
        description="template field (e.g. character_string1) -> its value, with placeholders "
        + " ".join("{" + v + "}" for v in TEMPLATE_VALUES)
        + "; each value must fit its field's kind (thing 20 characters, character_string 32 "
        "letters, digits or symbols, phrase 5 Chinese characters, time {time} only)",
    )

    @field_validator("fields")
    @classmethod
    def _fields_fit(cls, v: dict[str, str]) -> dict[str, str]:
        for name, value in v.items():
            problem = template_field_problem(name, value)
            if problem:
                raise ValueError(f"{name}: {problem}")
        return v

    def carries(self, value: str) -> bool:
        """Whether one of the fields shows ``value`` (e.g. "choices")."""
        return any(value in template_placeholders(v) for v in self.fields.values())


KEYS_WITH_CHOICES = ("followup_accept_ask", "followup_rate_ask")
"""Messages days after the resident's last word whose answer is a number: a template that
carries them must show the numbered answers."""


class WeChat(Strict):
    """The WeChat Official Account channel (credentials are environment variables)."""

    encryption: Literal["safe", "compatible", "plain"] = Field(
        "safe",
        description="which callbacks are accepted, as chosen in the console (消息加解密方式): "
        "safe (安全模式, only encrypted ones; needs WECHAT_AES_KEY), compatible (兼容模式, "
        "encrypted ones and, while switching over, plain ones) or plain (明文模式: the "
        "signature does not cover the message, so a captured request can be replayed with "
        "another body for five minutes)",
    )
    menu: dict[str, TicketKind] = Field(
        {
            "REPORT_REPAIR": "repair",
            "REPORT_COMPLAINT": "complaint",
            "BOOK_CLEANING": "cleaning",
            "ASK_QUESTION": "consultation",
        },
        description="custom-menu CLICK key -> the kind it presets for the next message",
    )
    templates: dict[str, WeChatTemplate] = Field(
        {}, description="template messages by a name of your choosing"
    )
    template_for: dict[str, str] = Field(
        {},
        description="reply-text key (handlers/texts.yaml) or 'default' -> template name, used "
        "when the 48-hour customer-service window is closed or its quota used up",
    )

    @model_validator(mode="after")
    def _templates_exist(self) -> WeChat:
        for key, name in self.template_for.items():
            if name not in self.templates:
                known = ", ".join(self.templates) or "none defined"
                raise ValueError(f"template_for.{key}: no template {name!r} ({known})")
        for key in sorted({*self.template_for, *KEYS_WITH_CHOICES}):
            name = self.template(key)
            if name is None:
                continue
            template = self.templates[name]
            how = key if key in self.template_for else "default"
            if key in KEYS_WITH_CHOICES and not template.carries("choices"):
                raise ValueError(
                    f"template_for.{how}: {key} goes out as {name!r}, which has no field with "
                    "{choices}: the resident would not see which number to answer"
                )
            if key not in KEYS_WITH_CHOICES and not template.carries("text"):
                raise ValueError(
                    f"template_for.{key}: {name!r} has no field with {{text}}: the message "
                    "itself would not be shown"
                )
        return self

    def template(self, text_key: str | None) -> str | None:
        """The name of the template that carries a message with this reply-text key."""
        return self.template_for.get(text_key or "") or self.template_for.get("default")


TextOverride = Annotated[dict[Literal["zh_hans", "zh_hant", "en"], str], Field(min_length=1)]


class Config(Strict):
    timezone: str = "Asia/Shanghai"
    communities: list[Community] = Field(min_length=1)
    staff: list[StaffMember] = []
    deadlines: Deadlines = Deadlines()
    business_hours: BusinessHours = BusinessHours()
    quiet_hours: QuietHours = QuietHours()
    handover_times: list[time] = [time(8, 30), time(17, 30)]
    burst_window_seconds: int = Field(120, ge=0)
    fees: list[Fee] = []
    cleaning: Cleaning = Cleaning()
    outbox: Outbox = Outbox()
    wechat: WeChat = WeChat()
    incidents: Incidents = Incidents()
    notices: Notices = Notices()
    texts: dict[str, TextOverride] = Field({}, description="overrides of reply texts by key")
    nlp_rules: str | None = Field(None, description="extra keyword-rule YAML file")

    _hhmm = field_validator("handover_times", mode="before")(
        lambda v: [_parse_hhmm(x) for x in v] if isinstance(v, list) else v
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError(f"unknown timezone {v!r}") from e
        return v

    def reference_problem(self) -> tuple[str, str] | None:
        """(key, problem) for the first name that points nowhere, else None."""
        return _reference_problem(
            [c.code for c in self.communities], [s.community for s in self.staff]
        )

    @model_validator(mode="after")
    def _references(self) -> Config:
        problem = self.reference_problem()
        if problem:
            raise ValueError(f"{problem[0]}: {problem[1]}")
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def community(self, code: str) -> Community:
        for c in self.communities:
            if c.code == code:
                return c
        raise KeyError(code)


def _reference_problem(codes: list[Any], staff_communities: list[Any]) -> tuple[str, str] | None:
    for i, c in enumerate(codes):
        if c in codes[:i]:
            return f"communities[{i}].code", f"community code {c!r} is listed twice"
    for i, community in enumerate(staff_communities):
        if community is not None and community not in codes:
            known = ", ".join(map(str, codes))
            return f"staff[{i}].community", f"{community!r} is not a community code ({known})"
    return None


def _location(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def load_config(path: str | Path) -> Config:
    """Read and validate a config file; any problem raises one ``ConfigError``."""
    path = Path(path)
    try:
        raw_text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, "", "file not found") from None
    except OSError as e:
        raise ConfigError(path, "", f"cannot read the file ({e.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(path, "", "the file is not UTF-8 text") from None
    try:
        data = yaml.load(raw_text, Loader=FAST_SAFE_LOADER)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e)
        raise ConfigError(path, where, f"not valid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise ConfigError(path, "", "expected a mapping of settings at the top level")
    try:
        config = Config.model_validate(data)
    except ValidationError as e:
        if e.errors()[0]["loc"] == ():  # a cross-reference: name the key it is about
            reference = _reference_problem(
                [c.get("code") for c in data.get("communities", [])],
                [m.get("community") for m in data.get("staff", [])],
            )
            if reference:
                raise ConfigError(path, *reference) from None
        err = e.errors()[0]
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key (check the spelling against guanjia.example.yaml)"
        elif err["type"] == "missing":
            msg = "required key is missing"
        elif msg.startswith("Value error, "):
            msg = msg.removeprefix("Value error, ")
        more = len(e.errors()) - 1
        if more:
            msg += f" (and {more} more problem{'s' if more > 1 else ''})"
        raise ConfigError(path, _location(err["loc"]) or "(top level)", msg) from None
    shipped = _shipped_texts()
    for key, variants in config.texts.items():
        if key not in shipped:
            raise ConfigError(
                path, f"texts.{key}", "unknown text key (the keys are those of handlers/texts.yaml)"
            )
        allowed = set(re.findall(r"{(\w+)}", shipped[key]["zh_hans"]))
        for variant, text in variants.items():
            extra = sorted(set(re.findall(r"{(\w+)}", text)) - allowed)
            if extra:
                known = ", ".join(f"{{{a}}}" for a in sorted(allowed)) or "none"
                raise ConfigError(
                    path,
                    f"texts.{key}.{variant}",
                    f"unknown placeholder {{{extra[0]}}} (this text has: {known})",
                )
    return config


@lru_cache(maxsize=1)
def _shipped_texts() -> dict[str, dict[str, str]]:
    """The reply texts a company may reword (handlers/texts.yaml); read once."""
    texts = Path(__file__).resolve().parents[2] / "handlers" / "texts.yaml"
    return yaml.load(texts.read_text(encoding="utf-8"), Loader=FAST_SAFE_LOADER)
