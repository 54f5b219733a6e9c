"""The redaction helper and the configuration check of LDA_API_KEY: pure functions."""

from __future__ import annotations

import pytest

from ingest.config import ConfigError, load_settings
from ingest.redaction import marker, redact, register_secret

pytestmark = pytest.mark.unit

KEY = "unitKey-5f4e3d2c1b0a"


def test_a_registered_secret_is_replaced_in_every_form_it_is_quoted_in() -> None:
    register_secret("LDA_API_KEY", KEY)
    assert marker("LDA_API_KEY") == "[LDA_API_KEY]"
    assert redact(f"Token {KEY} refused") == "Token [LDA_API_KEY] refused"
    assert redact(f"{KEY}{KEY}") == "[LDA_API_KEY][LDA_API_KEY]"
    assert redact("nothing secret here") == "nothing secret here"


def test_a_key_with_a_line_break_is_redacted_as_libraries_quote_it() -> None:
    key = "crlfKey-0a1b2c3d4e5f"
    register_secret("LDA_API_KEY", key + "\r\n")
    quoted = repr(f"Token {key}\r\n")  # how requests' InvalidHeader quoted the header
    assert "crlfKey" not in redact(quoted)
    assert "crlfKey" not in redact(f"Token {key} (stripped)")


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("abc123\r\n", "ends with a line break: a carriage return (CR) and a line feed"),
        ("abc123\n", "LDA_API_KEY ends with a line break: a line feed (LF)"),
        ("abc 123", "LDA_API_KEY contains a space at character 4 of 7"),
        ("\tabc123", "LDA_API_KEY starts with a tab"),
        ("abc123\u2019", "LDA_API_KEY ends with a non-ASCII character (U+2019"),
        ("\n", "LDA_API_KEY is nothing but a line feed (LF)"),
    ],
)
def test_a_key_a_header_cannot_carry_is_refused_without_showing_it(value: str, says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"LDA_API_KEY": value})
    message = str(caught.value)
    assert says in message
    assert "abc" not in message and "123" not in message


def test_a_clean_key_is_kept_and_an_empty_one_is_none() -> None:
    assert load_settings({"LDA_API_KEY": "abc123-DEF"}).lda_api_key == "abc123-DEF"
    assert load_settings({"LDA_API_KEY": ""}).lda_api_key is None
    assert "abc123-DEF" not in repr(load_settings({"LDA_API_KEY": "abc123-DEF"}))


def test_a_password_written_into_an_api_url_is_redacted_too() -> None:
    url = "https://reader:urlPass-77aa88bb@lda.example.org/api/v1/"
    load_settings({"LDA_API_URL": url})
    assert redact(f"could not reach GET {url}filings/") == (
        "could not reach GET https://reader:[LDA_API_URL_PASSWORD]@lda.example.org/api/v1/filings/"
    )
