"""Properties that hold for any input: reading text twice changes nothing, an amount written the Vietnamese way
reads back as itself."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.normalize import clean, fold, tokens
from knowledge.numbers import fmt_number, parse_amount

TEXT = st.text(alphabet=st.one_of(st.characters(), st.sampled_from(list("àáảãạăằắẳẵặâầấẩẫậđĐơờớởỡợưừứửữự hoà"))),
               max_size=80)


@settings(max_examples=300)
@given(TEXT)
def test_cleaning_and_folding_are_idempotent(text: str) -> None:
    assert clean(clean(text)) == clean(text)
    assert fold(fold(text)) == fold(text)
    assert tokens(fold(clean(text))) == tokens(fold(text))  # a question reads the same cleaned or not


@settings(max_examples=300)
@given(st.decimals(min_value=0, max_value=10**12, places=4, allow_nan=False, allow_infinity=False))
def test_an_amount_formatted_for_a_reader_parses_back_to_itself(value: Decimal) -> None:
    assert parse_amount(fmt_number(value)) == value
