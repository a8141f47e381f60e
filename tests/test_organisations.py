"""French identifiers: INSEE commune codes and SIRET numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partenariat.errors import InputError
from partenariat.organisations import Organisation, is_insee_commune, is_siret, luhn_valid


@pytest.mark.parametrize(
    "code", ["12176", "83129", "2A004", "2B033", "97411", "97101", "01001", "95690"]
)
def test_valid_insee_codes(code: str) -> None:
    assert is_insee_commune(code)


@pytest.mark.parametrize(
    "code",
    ["1217", "121760", "20004", "2C004", "00123", "96123", "ABCDE", "12 76", ""],
)
def test_invalid_insee_codes(code: str) -> None:
    assert not is_insee_commune(code)


def test_insee_code_is_normalised_to_upper_case() -> None:
    org = Organisation("ccas", "ccas", "CCAS d'Ajaccio", insee=" 2a004 ")
    assert org.insee == "2A004"


def test_siret_checksum() -> None:
    assert is_siret("12345678901237")  # invented number with a valid Luhn key
    assert not is_siret("12345678901234")
    assert not is_siret("1234567890123")  # 13 digits
    assert not is_siret("1234567890123A")


def test_la_poste_siret_uses_its_own_rule() -> None:
    # La Poste establishments: the digits sum to a multiple of 5 (Luhn does not apply).
    assert is_siret("35600000000047")
    assert not luhn_valid("35600000000047")
    assert not is_siret("35600000000048")  # Luhn-valid, but not La Poste's rule


def test_siret_spaces_are_removed() -> None:
    org = Organisation("ml", "mission-locale", "ML", siret="123 456 789 01237")
    assert org.siret == "12345678901237"


def test_building_an_organisation_with_a_bad_siret_fails_with_the_key() -> None:
    with pytest.raises(InputError) as caught:
        Organisation("ml", "mission-locale", "ML", siret="12345678901234")
    assert caught.value.key == "siret"
    assert caught.value.found == "12345678901234"


@given(st.text(alphabet="0123456789", min_size=13, max_size=13))
def test_exactly_one_check_digit_completes_any_siret(prefix: str) -> None:
    if prefix.startswith("356000000"):
        return  # La Poste: several digits can complete the sum to a multiple of 5
    completions = [d for d in "0123456789" if is_siret(prefix + d)]
    assert len(completions) == 1
