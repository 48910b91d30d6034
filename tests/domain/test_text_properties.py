"""Properties of the text normalisers that every roster screen relies on.

The examples in test_text.py pin known cases; these check the promises behind
them over generated text: normalising twice changes nothing, every kana form a
clerk may type is stored and searched alike, and the batch functions the 名簿
uses on load agree with their one-text forms.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from desktop.domain.text import (
    fold_for_search,
    fold_many,
    normalize_name,
    normalize_reading,
    reading_sort_key,
    reading_sort_keys,
)

IDEOGRAPHIC_SPACE = "\u3000"

# Hand-written half-width forms, so that the test does not lean on NFKC as the code does.
_PLAIN_FULL = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンァィゥェォッャュョー"
_PLAIN_HALF = "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝｧｨｩｪｫｯｬｭｮｰ"
HALF_WIDTH: dict[str, str] = dict(zip(_PLAIN_FULL, _PLAIN_HALF, strict=True))
HALF_WIDTH.update(
    {
        voiced: HALF_WIDTH[plain] + "ﾞ"
        for voiced, plain in zip(
            "ガギグゲゴザジズゼゾダヂヅデドバビブベボヴ",
            "カキクケコサシスセソタチツテトハヒフヘホウ",
            strict=True,
        )
    }
)
HALF_WIDTH.update(
    {semi: HALF_WIDTH[plain] + "ﾟ" for semi, plain in zip("パピプペポ", "ハヒフヘホ", strict=True)}
)
KATAKANA_WITH_HALF_WIDTH = "".join(HALF_WIDTH)

# Hiragana letters ぁ (U+3041) … ゖ (U+3096) and their katakana twins ァ … ヶ, 0x60 further on.
HIRAGANA_LETTERS = "".join(chr(code) for code in range(0x3041, 0x3097))
VOICING_MARKS = "\u3099\u309a"  # combining ゙ and ゚, which NFKC composes with the letter before
TO_KATAKANA = str.maketrans({chr(code): chr(code + 0x60) for code in range(0x3041, 0x3097)})

PRINTABLE_ASCII = "".join(chr(code) for code in range(0x21, 0x7F))
TO_FULL_WIDTH = str.maketrans(
    {chr(code): chr(code + 0xFEE0) for code in range(0x21, 0x7F)} | {" ": IDEOGRAPHIC_SPACE}
)

SPACES = st.sampled_from([" ", IDEOGRAPHIC_SPACE, "\t", "  ", " \u3000 ", "\n", "\u00a0"])
words_without_nul = st.text().filter(lambda text: "\x00" not in text)
katakana_words = st.lists(
    st.text(alphabet=KATAKANA_WITH_HALF_WIDTH, min_size=1, max_size=8), min_size=1, max_size=4
)
# Every kana form a clerk may type: hiragana, full- and half-width katakana, marks and spaces.
kana_text = st.text(
    alphabet=HIRAGANA_LETTERS
    + KATAKANA_WITH_HALF_WIDTH
    + _PLAIN_HALF
    + "ﾞﾟ・ "
    + IDEOGRAPHIC_SPACE
    + VOICING_MARKS,
    max_size=16,
)


def to_half_width(katakana: str) -> str:
    return "".join(HALF_WIDTH[char] for char in katakana)


def with_spaces(text: str, positions: list[int], spaces: list[str]) -> str:
    """The text with each space inserted at a position (taken modulo the length so far)."""
    for position, space in zip(positions, spaces, strict=False):
        cut = position % (len(text) + 1)
        text = text[:cut] + space + text[cut:]
    return text


# --- normalize_name ------------------------------------------------------------------------


@given(st.text())
@example("ｶﾞ\u3099")
@example(" \uff21\u3000\u3000ﾔﾏﾀﾞ ")
def test_normalize_name_is_idempotent(text: str) -> None:
    normalized = normalize_name(text)

    assert normalize_name(normalized) == normalized


def _tidy_name_slowly(text: str) -> str:
    """The rule normalize_name promises, without its shortcut for already-tidy names."""
    folded = re.sub(
        r"[\uFF01-\uFF5E\uFF61-\uFF9F]+", lambda m: unicodedata.normalize("NFKC", m.group()), text
    )
    return re.sub(r"\s+", IDEOGRAPHIC_SPACE, folded.strip())


@given(st.text(alphabet=st.sampled_from("山田太郎ｱﾔｶＡａ1１ \u3000\t\n\x1c\xa0\u2003")))
@example("山田\u3000太郎")
@example("山田\u3000\u3000太郎")
@example("\u3000山田")
@example("山田\xa0太郎")
@example("山田\u3000")
def test_normalize_name_shortcut_agrees_with_the_rule(text: str) -> None:
    assert normalize_name(text) == _tidy_name_slowly(text)


# --- normalize_reading ---------------------------------------------------------------------


def _reading_slowly(text: str) -> str:
    """The rule normalize_reading promises, without its shortcut for stored forms."""
    nfkc = unicodedata.normalize
    katakana = nfkc("NFKC", nfkc("NFKC", text).translate(TO_KATAKANA))
    return re.sub(r"\s+", IDEOGRAPHIC_SPACE, katakana.strip())


@given(st.text(alphabet=st.sampled_from("アガヷーヽ・ｱﾞァ \u3000\t")))
@example("ヤマダ\u3000タロウ")
@example("ヤマダ\u3000\u3000タロウ")
@example("\u3000ヤマダ")
@example("ヤマダ タロウ")
def test_normalize_reading_shortcut_agrees_with_the_rule(text: str) -> None:
    assert normalize_reading(text) == _reading_slowly(text)


@given(st.one_of(st.text(), kana_text))
@example("ﾜﾞ")
@example("わ\u3099")
def test_normalize_reading_is_idempotent(text: str) -> None:
    normalized = normalize_reading(text)

    assert normalize_reading(normalized) == normalized


@given(st.text(alphabet=HIRAGANA_LETTERS + "ー " + IDEOGRAPHIC_SPACE + VOICING_MARKS))
@example("ゔぁいおれっと")
@example("わ\u3099")  # only the katakana has a precomposed form: ヷ
def test_hiragana_reading_is_stored_as_its_katakana(hiragana: str) -> None:
    assert normalize_reading(hiragana) == normalize_reading(hiragana.translate(TO_KATAKANA))


@given(katakana_words)
@example(["ガッコウ"])
@example(["パピプペポ", "ヴァイオレット"])
def test_half_width_reading_is_stored_as_full_width(words: list[str]) -> None:
    full_width = IDEOGRAPHIC_SPACE.join(words)
    half_width = " ".join(to_half_width(word) for word in words)

    assert normalize_reading(half_width) == full_width
    assert normalize_reading(full_width) == full_width


# --- fold_for_search and fold_many ---------------------------------------------------------


@given(st.text(alphabet=PRINTABLE_ASCII + " "))
@example("Taro@Example.JP")
@example("A-0123 ~\\")
def test_fold_ignores_the_width_of_ascii(ascii_text: str) -> None:
    assert fold_for_search(ascii_text.translate(TO_FULL_WIDTH)) == fold_for_search(ascii_text)


@given(katakana_words)
def test_fold_ignores_the_width_of_katakana(words: list[str]) -> None:
    full_width = "".join(words)

    assert fold_for_search(to_half_width(full_width)) == fold_for_search(full_width)


@given(st.text(), st.lists(st.integers(min_value=0), max_size=5), st.lists(SPACES, max_size=5))
@example("か\u3099", [1], [" "])  # a space between a letter and its voicing mark
@example("ﾔﾏﾀﾞ", [3], ["\u3000"])
def test_fold_ignores_spaces(text: str, positions: list[int], spaces: list[str]) -> None:
    assert fold_for_search(with_spaces(text, positions, spaces)) == fold_for_search(text)


@given(st.lists(words_without_nul, max_size=8))
@example([])
@example([""])
@example(["か", "\u3099"])  # a voicing mark must not join the previous row's letter
@example(["ﾔﾏ", "ﾞ"])
@example(["Σ", "ς"])
def test_fold_many_folds_each_text_as_fold_for_search_does(texts: list[str]) -> None:
    assert fold_many(texts) == [fold_for_search(text) for text in texts]


# --- reading_sort_keys ---------------------------------------------------------------------


@given(st.lists(st.one_of(words_without_nul, kana_text), max_size=8))
@example([])
@example(["ー", "アー", "ー"])  # a long mark at the start of a row has no vowel to copy
@example(["か", "\u3099"])
def test_reading_sort_keys_agree_with_reading_sort_key(readings: list[str]) -> None:
    assert reading_sort_keys(readings) == [reading_sort_key(reading) for reading in readings]


@given(st.lists(kana_text, max_size=8))
def test_sorting_by_the_batch_keys_is_sorting_by_reading_sort_key(readings: list[str]) -> None:
    batch_keys = dict(zip(readings, reading_sort_keys(readings), strict=True))

    by_batch = sorted(readings, key=batch_keys.__getitem__)

    assert by_batch == sorted(readings, key=reading_sort_key)


@given(kana_text, kana_text, kana_text)
def test_reading_order_is_total(first: str, second: str, third: str) -> None:
    a, b, c = reading_sort_keys([first, second, third])

    assert (a < b) + (a == b) + (a > b) == 1  # exactly one holds
    if a <= b and b <= c:
        assert a <= c


@given(kana_text)
@example("ﾔﾏﾀﾞ  ﾀﾛｳ")
@example(" やまだ\u3000たろう ")
def test_a_typed_reading_sorts_where_its_stored_form_does(typed: str) -> None:
    stored = normalize_reading(typed)

    assert reading_sort_key(typed) == reading_sort_key(stored)
    assert reading_sort_key(typed)[1].replace(" ", IDEOGRAPHIC_SPACE) == stored
