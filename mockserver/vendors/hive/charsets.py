"""The charsets a multipart text part (or an RFC 5987 file name) may declare, and their decoders.

A part's `charset` picks the decoder of client bytes, so it is read from a fixed list, never
looked up by name: the WHATWG Encoding Standard's encodings (what browsers and HTTP clients
send, https://encoding.spec.whatwg.org/#names-and-labels) plus UTF-16 and UTF-32 with a byte
order mark, each under every alias Python gives it. Each decodes in time linear in its input.
Anything else is refused before any decoding: `punycode` decodes in quadratic time (24 s for
four 250 KiB parts), `idna` cannot replace what it cannot decode, the bytes-to-bytes and text
codecs (`base64`, `rot13`, `zlib`) are no charsets, and `codecs.lookup` on a client's name
would cache every unknown name it was given.
"""

from __future__ import annotations

from encodings import aliases, normalize_encoding
from typing import Final

TEXT_CODECS: Final = frozenset(
    {
        "utf_8",
        "utf_16",
        "utf_16_be",
        "utf_16_le",
        "utf_32",
        "utf_32_be",
        "utf_32_le",
        "ascii",
        "latin_1",
        "cp866",
        *(f"iso8859_{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)),
        "koi8_r",
        "koi8_u",
        "mac_roman",
        "mac_cyrillic",
        "cp874",
        *(f"cp{n}" for n in range(1250, 1259)),
        "gbk",
        "gb18030",
        "big5",
        "euc_jp",
        "iso2022_jp",
        "shift_jis",
        "euc_kr",
    }
)
_LABELS: Final[dict[str, str]] = {
    **{label: codec for label, codec in aliases.aliases.items() if codec in TEXT_CODECS},
    **{codec: codec for codec in TEXT_CODECS},
}
DESCRIBED: Final = (
    "UTF-8, UTF-16, UTF-32, US-ASCII, ISO-8859-1 to -16, windows-874 and -1250 to -1258, "
    "IBM866, KOI8-R, KOI8-U, macintosh, x-mac-cyrillic, GBK, GB18030, Big5, EUC-JP, "
    "ISO-2022-JP, Shift_JIS, EUC-KR"
)


def text_codec(label: str) -> str | None:
    """The Python codec of a declared charset label (any case, `-`, `_` or spaces), None when
    the label names no text charset of the list."""
    if len(label) > 40:
        return None
    return _LABELS.get(normalize_encoding(label.strip()).lower())


def decode(data: bytes, codec: str) -> str:
    """`data` in one of TEXT_CODECS, undecodable bytes replaced with U+FFFD."""
    return data.decode(codec, "replace")
