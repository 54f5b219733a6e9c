"""Write (or check) the dbt seed of English words that the company resolver treats as real words.

The fuzzy_typo rule accepts two names one or two letters apart only when the words that differ are
not both real words: "CITY OF SUMNER" and "CITY OF SUMTER" are two places, "ASSOCIAITON" is a typo.
The seed lists the words of six letters or more (shorter words must match exactly, so the rule
never edits them) with their frequency in English as wordfreq measures it, on the Zipf scale
(log10 of occurrences per billion words). The resolver's threshold is the dbt var
company_match_known_word_zipf.

Source: the ``wordfreq`` package (Robyn Speer, https://github.com/rspeer/wordfreq), its "large"
English list, which combines Wikipedia, subtitles, news, books, web text, Twitter and Reddit. Its
data is licensed CC BY-SA 4.0; the seed carries that licence and this attribution.

    python scripts/english_words_seed.py          # rewrite the seed
    python scripts/english_words_seed.py --check  # exit 1 if the seed differs from wordfreq's list
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from importlib import metadata

from wordfreq import iter_wordlist, zipf_frequency

from ingest.config import REFERENCE_SEEDS_DIR

SEED = REFERENCE_SEEDS_DIR / "english_words.csv"
MIN_LENGTH = 6  # the fuzzy rule's edit budget is 0 below six letters
MIN_ZIPF = 2.0  # below the resolver's default threshold (2.5), so the var can be lowered a little
WORD = re.compile(rf"[a-z]{{{MIN_LENGTH},}}")


def seed_text() -> str:
    """The seed's CSV: word (upper case, as normalised names spell it), zipf_frequency."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["word", "zipf_frequency"])
    rows = []
    for word in iter_wordlist("en", "large"):
        frequency = zipf_frequency(word, "en", "large")
        if frequency < MIN_ZIPF:
            break  # the list is in descending frequency
        if WORD.fullmatch(word):
            rows.append((word.upper(), frequency))
    for word, frequency in sorted(rows):
        writer.writerow([word, f"{frequency:.2f}"])
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    text = seed_text()
    version = metadata.version("wordfreq")
    if args.check:
        if SEED.read_text(encoding="utf-8") != text:
            print(f"{SEED} differs from wordfreq {version}'s list: rerun without --check")
            return 1
        print(f"{SEED} matches wordfreq {version} ({text.count(chr(10)) - 1} words)")
        return 0
    SEED.write_text(text, encoding="utf-8")
    print(f"wrote {SEED} from wordfreq {version} ({text.count(chr(10)) - 1} words)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
