"""The english_words seed is wordfreq's list, as the script writes it, and holds the words the
company resolver must know apart from typos."""

from __future__ import annotations

import csv

import pytest

from scripts import english_words_seed

pytestmark = pytest.mark.unit


def test_the_committed_seed_is_what_the_installed_wordfreq_gives() -> None:
    assert english_words_seed.main(["--check"]) == 0


def test_real_words_are_in_it_and_typos_filed_to_the_senate_are_not() -> None:
    with english_words_seed.SEED.open(encoding="utf-8") as seed:
        zipf = {row["word"]: float(row["zipf_frequency"]) for row in csv.DictReader(seed)}
    threshold = 2.5  # dbt_project.yml: company_match_known_word_zipf
    # different organisations filed as LDA clients one letter apart (Senate bulk XML 2016-17)
    for word in ("DENTAL", "RENTAL", "BAKERS", "BANKERS", "SUMNER", "SUMTER"):
        assert zipf[word] >= threshold, word
    # misspellings filed as LDA client names in the same files
    for typo in ("HOPSITAL", "LOUSIANA", "NETWROK", "ASSOCIAITON", "COLODADO", "DETRIOT"):
        assert zipf.get(typo, 0.0) < threshold, typo
    assert all(len(word) >= english_words_seed.MIN_LENGTH for word in zipf)
