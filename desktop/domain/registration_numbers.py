"""The three registration numbers a grant application carries, checked as a clerk types them.

- 雇用保険適用事業所番号 (employment insurance establishment number): 4-6-1 digits,
  written with hyphens on the 適用事業所設置届; the form of the digits is all we
  can check (the labour bureau publishes no check-digit rule).
- 法人番号 (corporate number): 13 digits, the first a check digit over the other 12
  (国税庁's rule, see ``corporate_number_check_digit``).
- 雇用保険被保険者番号 (insured person's number): 11 digits, often written 4-6-1.

Each ``clean_*`` takes what was typed (full-width digits, spaces and any dash an
IME offers are accepted) and answers the canonical text or raises
``NumberFormatError`` whose message can be shown to the clerk as it is.
"""

from __future__ import annotations

import re
import unicodedata

_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff0d", "-"))
_OFFICE_NUMBER = re.compile(r"^([0-9]{4})-?([0-9]{6})-?([0-9])$")
_DIGITS = re.compile(r"^[0-9]+$")


class NumberFormatError(ValueError):
    """A registration number that is not well formed; str(exc) is a Japanese reason."""


def _typed(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).translate(_DASHES)
    return "".join(folded.split())


def clean_office_number(text: str) -> str:
    """雇用保険適用事業所番号 as ``1234-567890-1``; hyphens may be left out when typing."""
    match = _OFFICE_NUMBER.match(_typed(text))
    if match is None:
        raise NumberFormatError(
            "雇用保険適用事業所番号は「4桁-6桁-1桁」の数字で入力してください（例: 1301-123456-7）。"
        )
    return "-".join(match.groups())


def corporate_number_check_digit(base12: str) -> int:
    """The check digit of a 法人番号 from its 12-digit base.

    With P_i the i-th digit of the base counting from the rightmost one and
    Q_i = 1 for odd i and 2 for even i: ``check = 9 - (sum(P_i * Q_i) mod 9)``.
    The full number is ``str(check) + base12``; the 国税庁's example base
    "000012050002" gives 7 (7000012050002).
    """
    if len(base12) != 12 or not _DIGITS.match(base12):
        raise ValueError(f"法人番号の基礎番号は12桁の数字です: {base12!r}")
    total = sum(int(digit) * (1 if i % 2 else 2) for i, digit in enumerate(reversed(base12), start=1))
    return 9 - total % 9


def clean_corporate_number(text: str) -> str:
    """法人番号 as 13 digits, its check digit verified."""
    digits = _typed(text).replace("-", "")
    if len(digits) != 13 or not _DIGITS.match(digits):
        raise NumberFormatError("法人番号は13桁の数字で入力してください。")
    expected = corporate_number_check_digit(digits[1:])
    if int(digits[0]) != expected:
        raise NumberFormatError(
            f"法人番号の検査用数字（先頭の1桁）が合いません。番号を確かめてください（先頭は{expected}のはずです）。"
        )
    return digits


def clean_insured_number(text: str) -> str:
    """雇用保険被保険者番号 as 11 digits (the 4-6-1 hyphens are dropped)."""
    digits = _typed(text).replace("-", "")
    if len(digits) != 11 or not _DIGITS.match(digits):
        raise NumberFormatError("雇用保険被保険者番号は11桁の数字で入力してください（例: 1234-567890-1）。")
    return digits


def format_insured_number(digits: str) -> str:
    """11 stored digits shown the way the 被保険者証 prints them: 1234-567890-1."""
    if len(digits) != 11:
        return digits
    return f"{digits[:4]}-{digits[4:10]}-{digits[10]}"
