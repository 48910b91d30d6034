"""Japanese text folding: what the roster search, sort and validation agree on.

Search ignores the differences a clerk does not see as differences: full- and
half-width forms, hiragana versus katakana, letter case and spaces. Sorting by
フリガナ follows the reading (gojūon) order of JIS X 4061 at its first level:
voicing marks and small kana do not separate words, and the long-vowel mark
counts as the vowel it lengthens.
"""

from __future__ import annotations

import re
import unicodedata

_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}
_HIRAGANA_TO_KATAKANA.update({0x309D: 0x30FD, 0x309E: 0x30FE})
_SPACES = re.compile(r"\s+")
_FULLWIDTH_ASCII_OR_HALFWIDTH_KANA = re.compile(r"[\uFF01-\uFF5E\uFF61-\uFF9F]+")
_KATAKANA_READING = re.compile(r"^[\u30A1-\u30FA\u30FC\u30FD\u30FE\u30FB\u3000]+$")
_IDEOGRAPHIC_SPACE = "\u3000"

_SMALL_TO_LARGE = str.maketrans(
    "ァィゥェォッャュョヮヵヶ",
    "アイウエオツヤユヨワカケ",
)
_VOWEL_OF: dict[str, str] = {}
for _vowel, _row in (
    ("ア", "アカサタナハマヤラワガザダバパ"),
    ("イ", "イキシチニヒミリギジヂビピヰ"),
    ("ウ", "ウクスツヌフムユルグズヅブプヴ"),
    ("エ", "エケセテネヘメレゲゼデベペヱ"),
    ("オ", "オコソトノホモヨロヲゴゾドボポ"),
):
    for _kana in _row:
        _VOWEL_OF[_kana] = _vowel
_VOWEL_OF["ン"] = "ン"
_LONG_VOWEL_MARK = "ー"
_VOICING_MARKS = {"\u3099", "\u309a"}


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def hiragana_to_katakana(text: str) -> str:
    return text.translate(_HIRAGANA_TO_KATAKANA)


def fold_for_search(text: str) -> str:
    """The form both a row and a query take before a substring match."""
    folded = hiragana_to_katakana(nfkc(text).casefold())
    return _SPACES.sub("", folded)


def normalize_name(text: str) -> str:
    """Tidy a person's name without touching its kanji.

    Full NFKC would replace compatibility ideographs that are someone's real
    name, so only full-width ASCII and half-width katakana are folded; runs of
    spaces of any width become one ideographic space, as HR systems write it.
    """
    tidied = _FULLWIDTH_ASCII_OR_HALFWIDTH_KANA.sub(lambda m: nfkc(m.group()), text)
    return _SPACES.sub(_IDEOGRAPHIC_SPACE, tidied.strip())


def normalize_reading(text: str) -> str:
    """フリガナ as stored: full-width katakana, one ideographic space between parts."""
    katakana = hiragana_to_katakana(nfkc(text))
    return _SPACES.sub(_IDEOGRAPHIC_SPACE, katakana.strip())


def is_kana_reading(text: str) -> bool:
    """True for a normalised reading made only of katakana, ー, ・ and spaces."""
    return bool(_KATAKANA_READING.match(text))


def _primary_letter(char: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFD", char) if c not in _VOICING_MARKS)
    return base.translate(_SMALL_TO_LARGE)


def reading_sort_key(reading: str) -> tuple[str, str]:
    """A key that orders readings as a Japanese dictionary or 名簿 does.

    First level: letters without voicing marks, small kana as large, ー as the
    vowel before it. Second level: the katakana themselves, whose code points
    already place 清音 < 濁音 < 半濁音 and small before large.
    """
    katakana = _SPACES.sub(" ", hiragana_to_katakana(nfkc(reading)).strip())
    primary: list[str] = []
    for char in katakana:
        if char == _LONG_VOWEL_MARK and primary:
            primary.append(_VOWEL_OF.get(primary[-1], _LONG_VOWEL_MARK))
        elif char == "・":
            continue
        else:
            primary.append(_primary_letter(char))
    return "".join(primary), katakana
