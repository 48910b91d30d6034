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
from functools import lru_cache

_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}
_HIRAGANA_TO_KATAKANA.update({0x309D: 0x30FD, 0x309E: 0x30FE})
_HIRAGANA_RUN = re.compile("[\u3041-\u3096\u309d\u309e]+")
_SPACES = re.compile(r"\s+")
_FULLWIDTH_ASCII_OR_HALFWIDTH_KANA = re.compile(r"[\uFF01-\uFF5E\uFF61-\uFF9F]+")
_KATAKANA_READING = re.compile(r"[\u30A1-\u30FA\u30FC\u30FD\u30FE\u30FB\u3000]+")
# A reading already in stored form: katakana words, one ideographic space between
# them. One regex call, where checking the letters and then the spaces took two
# calls and a split.
_READING_LETTERS = "[\u30a1-\u30fa\u30fc\u30fd\u30fe\u30fb]"
_STORED_READING = re.compile(f"{_READING_LETTERS}+(?:\u3000{_READING_LETTERS}+)*")
_IDEOGRAPHIC_SPACE = "\u3000"
# Joins many texts into one so that folding runs once in C, not once per row.
# Neither whitespace nor changed by NFKC, case folding or the kana mapping.
_BATCH_SEPARATOR = "\x00"

_SMALL_TO_LARGE = dict(zip("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ", strict=True))
_VOICING_MARKS = ("\u3099", "\u309a")


def _primary_table() -> dict[int, str]:
    """Katakana → first-level letter: voicing marks dropped, small kana as large, ・ ignored."""
    table: dict[int, str] = {ord("・"): ""}
    for code in range(0x30A1, 0x30FB):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", char) if c not in _VOICING_MARKS)
        base = _SMALL_TO_LARGE.get(base, base)
        if base != char:
            table[code] = base
    return table


_PRIMARY = _primary_table()
_VOWEL_OF: dict[str, str] = {"ン": "ン"}
for _vowel, _row in (
    ("ア", "アカサタナハマヤラワ"),
    ("イ", "イキシチニヒミリヰ"),
    ("ウ", "ウクスツヌフムユル"),
    ("エ", "エケセテネヘメレヱ"),
    ("オ", "オコソトノホモヨロヲ"),
):
    for _kana in _row:
        _VOWEL_OF[_kana] = _vowel
_LONG_VOWEL_RUN = re.compile("([^ー\x00])(ー+)")


def nfkc(text: str) -> str:
    # The quick check is ~25× faster than normalising, and stored text mostly passes it.
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def _katakana_run(match: re.Match[str]) -> str:
    return match.group().translate(_HIRAGANA_TO_KATAKANA)


def hiragana_to_katakana(text: str) -> str:
    # Only the hiragana runs go through translate(): a dict lookup per character
    # over a whole 50,000-row batch costs more than finding the few runs.
    return _HIRAGANA_RUN.sub(_katakana_run, text)


def _fold(text: str) -> str:
    # Spaces go first: the ideographic space in every name would otherwise fail
    # NFKC's quick check and force the slow path over the whole batch.
    folded = hiragana_to_katakana(nfkc("".join(text.split())).casefold())
    # Kana mapping and space removal can leave a letter and a combining voicing
    # mark side by side (か゛ → カ + ゙) that compose only under NFKC again.
    return nfkc("".join(folded.split()))


def fold_for_search(text: str) -> str:
    """The form both a row and a query take before a substring match."""
    return _fold(text)


def fold_many(texts: list[str]) -> list[str]:
    """fold_for_search for many texts at once (the 名簿 folds 50,000 rows on load)."""
    if not texts:
        return []
    return _fold(_BATCH_SEPARATOR.join(texts)).split(_BATCH_SEPARATOR)


# Imports call this for the 団体 and 所属 of every row: a few dozen distinct values
# (some, like 市民生活部／税務課, needing NFKC) over 50,000 rows.
@lru_cache(maxsize=8192)
def normalize_name(text: str) -> str:
    """Tidy a person's name without touching its kanji.

    Full NFKC would replace compatibility ideographs that are someone's real
    name, so only full-width ASCII and half-width katakana are folded; runs of
    spaces of any width become one ideographic space, as HR systems write it.
    """
    tidied = _FULLWIDTH_ASCII_OR_HALFWIDTH_KANA.sub(lambda m: nfkc(m.group()), text)
    # split() drops the ends and the runs of the same whitespace \s matches, in C:
    # a third of the regex substitution's cost over a 50,000-row import.
    return _IDEOGRAPHIC_SPACE.join(tidied.split())


def normalize_reading(text: str) -> str:
    """フリガナ as stored: full-width katakana, one ideographic space between parts."""
    if _STORED_READING.fullmatch(text):
        return text  # already stored form, as most imported readings are
    katakana = nfkc(hiragana_to_katakana(nfkc(text)))
    return _SPACES.sub(_IDEOGRAPHIC_SPACE, katakana.strip())


def is_kana_reading(text: str) -> bool:
    """True for a normalised reading made only of katakana, ー, ・ and spaces."""
    return _KATAKANA_READING.fullmatch(text) is not None


def _lengthen(match: re.Match[str]) -> str:
    letter, marks = match.group(1), match.group(2)
    return letter + _VOWEL_OF.get(letter, "ー") * len(marks)


def reading_sort_keys(readings: list[str]) -> list[tuple[str, str]]:
    """Keys that order readings as a Japanese dictionary or 名簿 does.

    First level: letters without voicing marks, small kana as large, ー as the
    vowel before it, ・ ignored. Second level: the katakana themselves, whose
    code points already place 清音 < 濁音 < 半濁音 and small before large.
    """
    if not readings:
        return []
    joined = _BATCH_SEPARATOR.join(_SPACES.sub(" ", r.strip()) for r in readings)
    katakana = nfkc(hiragana_to_katakana(nfkc(joined)))
    primary = _LONG_VOWEL_RUN.sub(_lengthen, katakana.translate(_PRIMARY))
    return list(zip(primary.split(_BATCH_SEPARATOR), katakana.split(_BATCH_SEPARATOR), strict=True))


def reading_sort_key(reading: str) -> tuple[str, str]:
    return reading_sort_keys([reading])[0]
