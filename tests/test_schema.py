"""The vocabulary of levels is one: the decoder's spellings are those of logframe.schema."""

from __future__ import annotations

from logframe import _native
from logframe.schema import LEVEL_ALIASES, LEVELS


def test_the_decoder_knows_exactly_the_schema_levels_and_aliases() -> None:
    expected = {**{level: level for level in LEVELS}, **LEVEL_ALIASES}
    assert dict(_native.level_spellings()) == expected
