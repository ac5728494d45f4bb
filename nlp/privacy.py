"""Masking residents' personal data in any text staff or logs will see.

``mask_personal(text)`` hides mainland mobile numbers (13812345678, 138-1234-5678,
138 1234 5678, +86 / 0086 / 86 prefixes), landlines with an area code (0571-88123456,
(010) 1234 5678), 18-character ID-card numbers (with a plausible birth date), bank card
numbers (16–19 digits passing the Luhn check) and e-mail addresses:

    13812345678            -> 138****5678
    +86 138-1234-5678      -> +86 138****5678
    0571-88123456          -> 0571-****3456
    330102199001011234     -> 3301**********1234
    zhang.san@example.com  -> z***@example.com

It leaves alone what staff need and what only looks like a number: units ("3栋2单元1201",
"S-101"), ticket numbers ("20261203-0007"), dates and times, money ("¥1,380.00",
"13800元"), short numbers, and digits that are part of a longer run of digits.
Full-width digits are read as digits. The classifier masks before it matches, so a phone
number can never contain a keyword ("12345").
"""

from __future__ import annotations

import re

_FW = str.maketrans("０１２３４５６７８９＋－（）", "0123456789+-()")
# A number must not be part of a longer run of digits.
_L = r"(?<![0-9])"
_R = r"(?![0-9])"
# between the groups of a phone number: a space or two, or a dash, dot or long dash with
# spaces around it ("138 - 1234 - 5678", "138.1234.5678", "138—1234—5678")
_SEP = r"(?:[ \u00a0]{0,2}[\-.\u2013\u2014－][ \u00a0]{0,2}|[ \u00a0]{1,2})?"

_ID = re.compile(
    _L + r"([1-9]\d{5}) ?((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01]) ?(\d{3}[\dXx])" + _R
)
_CARD = re.compile(_L + r"\d{16,19}" + _R)
_MOBILE = re.compile(
    _L
    + r"((?:\+|00)?86[ \-]?|\(\+?86\)[ \-]?)?"  # country code
    + r"(1[3-9]\d)"
    + _SEP
    + r"(\d{4})"
    + _SEP
    + r"(\d{4})"
    + _R
)
_LANDLINE = re.compile(_L + r"(\(0\d{2,3}\)[ \-]?|0\d{2,3}[ \-])(\d{3,4})[ \-]?(\d{4})" + _R)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
)
# Anything to mask has ten digits or more (separators allowed) or an "@".
_QUICK = re.compile(r"[0-9０-９](?:[\s\-.()（）－\u2013\u2014]{0,5}[0-9０-９]){9,}|@")


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _mask_id(m: re.Match[str]) -> str:
    s = m.group()
    return s[:4] + "*" * (len(s) - 8) + s[-4:]


def _mask_card(m: re.Match[str]) -> str:
    s = m.group()
    return s[:4] + "*" * (len(s) - 8) + s[-4:] if _luhn(s) else s


def _mask_mobile(m: re.Match[str]) -> str:
    prefix = m.group(1) or ""
    return f"{prefix}{m.group(2)}****{m.group(4)}"


def _mask_landline(m: re.Match[str]) -> str:
    return f"{m.group(1)}****{m.group(3)}"


def _mask_email(m: re.Match[str]) -> str:
    return f"{m.group(1)[0]}***@{m.group(2)}"


def mask_personal(text: str | None) -> str:
    """``text`` with phone numbers, ID-card and bank-card numbers and e-mail addresses
    masked (see the module's docstring); anything else is returned unchanged. Never raises:
    ``None`` gives ``""``. Masking twice gives the same text as masking once."""
    if not text:
        return ""
    text = str(text)
    if _QUICK.search(text) is None:
        return text
    work = text.translate(_FW) if any("\uff08" <= c <= "\uff19" for c in text) else text
    if len(work) != len(text):  # pragma: no cover - translate keeps lengths
        work = text
    out = _ID.sub(_mask_id, work)
    out = _CARD.sub(_mask_card, out)
    out = _MOBILE.sub(_mask_mobile, out)
    out = _LANDLINE.sub(_mask_landline, out)
    if "@" in out:
        out = _EMAIL.sub(_mask_email, out)
    return text if out == work else out
