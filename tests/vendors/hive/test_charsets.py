"""The charsets a multipart text part may declare (mockserver/vendors/hive/charsets.py)."""

from __future__ import annotations

import codecs
import encodings.aliases

from mockserver.vendors.hive.charsets import TEXT_CODECS, decode, text_codec


def test_every_label_python_knows_maps_to_a_listed_text_codec_or_to_none() -> None:
    labels = set(encodings.aliases.aliases) | set(encodings.aliases.aliases.values())
    for label in labels | {"punycode", "idna", "rot13", "base64", "undefined", "x-unknown"}:
        codec = text_codec(label)
        assert codec is None or codec in TEXT_CODECS, label
    assert {text_codec(x) for x in ("punycode", "idna", "rot13", "base64", "zlib")} == {None}


def test_the_usual_spellings_of_each_charset_are_accepted() -> None:
    for label, codec in [
        ("UTF-8", "utf_8"),
        (" utf8 ", "utf_8"),
        ("ISO-8859-1", "latin_1"),
        ("latin1", "latin_1"),
        ("windows-1252", "cp1252"),
        ("Shift_JIS", "shift_jis"),
        ("sjis", "shift_jis"),
        ("EUC-KR", "euc_kr"),
        ("UTF-16", "utf_16"),
        ("us-ascii", "ascii"),
    ]:
        assert text_codec(label) == codec, label


def test_each_listed_codec_decodes_what_it_encodes() -> None:
    for codec in TEXT_CODECS:
        codecs.lookup(codec)  # a real codec
        assert decode("Aa1 -".encode(codec), codec) == "Aa1 -", codec
