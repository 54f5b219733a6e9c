"""The one place that reads the environment.

Every setting the warehouse takes from the environment is read here, once, into a frozen
``Settings``; everything else receives a ``Settings`` (or one of its fields) as an argument.
"""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from ingest.redaction import register_secret

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_models"  # the dbt project (and its profiles.yml)
REFERENCE_SEEDS_DIR = DBT_PROJECT_DIR / "seeds" / "reference"  # the bundled reference lists
SAMPLE_DIR = Path(__file__).resolve().parent / "sample" / "data"
DEFAULT_WATCHLIST = Path(__file__).resolve().parent / "watchlist.yaml"

DEFAULT_LDA_API_URL = "https://lda.gov/api/v1/"
# The LDA's two official hosts: the successor and the historic host (until its sunset). Each is
# the other's fallback when a bot wall refuses scripts on one of them.
LDA_OFFICIAL_HOSTS: dict[str, str] = {"lda.gov": "lda.senate.gov", "lda.senate.gov": "lda.gov"}
DEFAULT_USASPENDING_API_URL = "https://api.usaspending.gov"
DEFAULT_GDELT_API_URL = "https://api.gdeltproject.org/api/v2/doc/doc"
# SEC EDGAR: the company ticker list is a file on www.sec.gov, the submissions are on data.sec.gov
DEFAULT_EDGAR_FILES_URL = "https://www.sec.gov/files/"
DEFAULT_EDGAR_DATA_URL = "https://data.sec.gov/"
DEFAULT_GLEIF_API_URL = "https://api.gleif.org/api/v1"

SOURCES = ("live", "sample")

T = TypeVar("T")


class ConfigError(ValueError):
    """Settings in the environment are not usable. ``problems`` holds each one, naming its
    variable; the message is all of them, one per line."""

    def __init__(self, *problems: str) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Settings:
    warehouse: Path
    source: str
    lda_api_url: str
    usaspending_api_url: str
    gdelt_api_url: str
    watchlist: Path
    years: tuple[int, int]
    sample_dir: Path = SAMPLE_DIR
    lda_requests_per_minute: int | None = None  # None: the published limit (15, or 120 with a key)
    # an analyst's own article lists (CSV or JSON Lines), read on live refreshes
    article_files: tuple[Path, ...] = ()
    lda_api_key: str | None = field(default=None, repr=False)
    # the base URL tried once when a bot wall refuses LDA_API_URL: the other official host
    # (derived from LDA_API_URL by load_settings; None for any other host)
    lda_fallback_api_url: str | None = None
    # SEC EDGAR (company names and former names): the two base URLs and the User-Agent the SEC's
    # fair-access rules require on every request (who is asking, with a contact address)
    edgar_files_url: str = DEFAULT_EDGAR_FILES_URL
    edgar_data_url: str = DEFAULT_EDGAR_DATA_URL
    edgar_user_agent: str | None = None
    # the GLEIF API (LEI records and their Level 2 relationships), without a trailing slash
    gleif_api_url: str = DEFAULT_GLEIF_API_URL
    # how many published snapshots of the warehouse to keep (the published one among them)
    snapshots_keep: int = 2
    # the longest GDELT query (characters) a group of news terms may be; None: the client's
    # default (ingest.gdelt.MAX_QUERY_CHARS)
    gdelt_max_query_chars: int | None = None

    @property
    def is_sample(self) -> bool:
        return self.source == "sample"

    @property
    def build_warehouse(self) -> Path:
        """The refresh's own database beside the published file (``ingest.publish``)."""
        from ingest.publish import WarehouseFiles

        return WarehouseFiles(self.warehouse).build


def dbt_target_path(env: Mapping[str, str] | None = None) -> Path:
    """Where dbt writes its artifacts (the manifest, partial parsing's cache): dbt's own
    ``DBT_TARGET_PATH`` when set (relative to the dbt project, or absolute), as dbt and
    dagster-dbt read it for each run's folder; else ``target`` in the project."""
    env = os.environ if env is None else env
    return DBT_PROJECT_DIR / env.get("DBT_TARGET_PATH", "target")


def parse_years(raw: str | None, name: str = "INFLUENCE_YEARS") -> tuple[int, int]:
    """A range of filing years, ``2017-2019`` or ``2018``; ``name`` is where it was given (an
    environment variable or an option), for the message when it is not one."""
    if not raw:
        this_year = dt.date.today().year
        return (this_year - 1, this_year)
    try:
        first, _, last = raw.partition("-")
        start, end = int(first), int(last or first)
    except ValueError:
        raise ConfigError(f"{name} must look like 2017-2019 or 2018, got {raw!r}") from None
    if start > end or start < 1999:
        raise ConfigError(f"{name} {raw!r} is not a valid range of filing years")
    return (start, end)


def _per_minute(raw: str | None) -> int | None:
    if not raw:
        return None
    if not raw.strip().isdigit() or int(raw) < 1:
        raise ConfigError(f"LDA_REQUESTS_PER_MINUTE must be a positive whole number, got {raw!r}")
    return int(raw)


def _gdelt_max_query_chars(raw: str | None) -> int | None:
    """``GDELT_MAX_QUERY_CHARS``: the longest query a group of news terms may be, in characters
    (unset: the client's default)."""
    if raw is None or not raw.strip():
        return None
    if not raw.strip().isdigit() or int(raw) < 1:
        raise ConfigError(f"GDELT_MAX_QUERY_CHARS must be a positive whole number, got {raw!r}")
    return int(raw)


def _paths(raw: str | None) -> tuple[Path, ...]:
    """``INFLUENCE_ARTICLE_FILES``: paths separated by ``os.pathsep`` (":" on Unix)."""
    return tuple(Path(p.strip()).expanduser() for p in (raw or "").split(os.pathsep) if p.strip())


def other_official_lda_url(url: str) -> str | None:
    """The same URL on the other official LDA host (lda.gov <-> lda.senate.gov), or None when
    ``url`` is on neither."""
    parts = urlsplit(url)
    other = LDA_OFFICIAL_HOSTS.get((parts.hostname or "").lower())
    if other is None:
        return None
    return parts._replace(netloc=other).geturl()


def _edgar_user_agent(raw: str | None) -> str | None:
    """``EDGAR_USER_AGENT``: the SEC asks for a name and a contact e-mail address, e.g.
    ``"Influence Warehouse admin@example.org"``; unset, EDGAR is not pulled live."""
    value = " ".join((raw or "").split())
    if not value:
        return None
    if "@" not in value:
        raise ConfigError(
            "EDGAR_USER_AGENT must name you and give a contact e-mail address, as the SEC's "
            f"fair-access rules require (e.g. 'Jane Doe jane@example.org'), got {value!r}"
        )
    return value


_CHARACTER_NAMES = {
    "\r": "a carriage return (CR)",
    "\n": "a line feed (LF)",
    "\t": "a tab",
    " ": "a space",
}


def _character_name(char: str) -> str:
    """How a message names a character that has no place in a key, without quoting the key."""
    if char in _CHARACTER_NAMES:
        return _CHARACTER_NAMES[char]
    name = unicodedata.name(char, "").lower()
    code = f"U+{ord(char):04X}"
    if char.isspace():
        return f"a whitespace character ({name or code})" if name else f"whitespace {code}"
    if unicodedata.category(char).startswith("C"):
        return f"a control character ({code})"
    return f"a non-ASCII character ({code}{', ' + name if name else ''})"


def _is_bad_key_character(char: str) -> bool:
    return not char.isascii() or char.isspace() or not char.isprintable()


def check_api_key(name: str, value: str) -> None:
    """Raise ``ConfigError`` when the key ``value`` of the setting ``name`` holds whitespace, a
    control character or a non-ASCII character: an HTTP header cannot carry it, and the error
    ``requests`` raises would quote the whole header, key and all. The message says which
    characters are wrong and where; it never contains the value."""
    bad = [i for i, char in enumerate(value) if _is_bad_key_character(char)]
    if not bad:
        return
    length = len(value)

    def names(positions: list[int]) -> str:
        found: list[str] = []
        for i in positions:
            described = _character_name(value[i])
            if described not in found:
                found.append(described)
        return " and ".join(found)

    trailing = [i for i in bad if all(j in bad for j in range(i, length))]
    leading = [i for i in bad if all(j in bad for j in range(i + 1))]
    inner = [i for i in bad if i not in trailing and i not in leading]
    problems: list[str] = []
    if len(bad) == length:
        problems.append(f"is nothing but {names(bad)}")
    else:
        if leading:
            problems.append(f"starts with {names(leading)}")
        if trailing:
            if all(value[i] in "\r\n" for i in trailing):
                problems.append(f"ends with a line break: {names(trailing)}")
            else:
                problems.append(f"ends with {names(trailing)}")
        if inner:
            where = ", ".join(str(i + 1) for i in inner[:5])
            more = " ..." if len(inner) > 5 else ""
            problems.append(f"contains {names(inner)} at character {where}{more} of {length}")
    raise ConfigError(
        f"{name} {'; it '.join(problems)}. An API key is printable ASCII with no spaces; "
        "one pasted from a file often keeps the file's line break. The key is not shown here. "
        f"Set it again without them, e.g. export {name}=\"$(tr -d '[:space:]' < keyfile)\""
    )


def _lda_api_key(raw: str | None) -> str | None:
    """``LDA_API_KEY``: optional; checked, and registered so that it is redacted everywhere."""
    if not raw:
        return None
    register_secret("LDA_API_KEY", raw)  # before the check: it could end up in a traceback
    check_api_key("LDA_API_KEY", raw)
    return raw


def _register_url_password(name: str, url: str) -> str:
    """A URL setting is no secret, but a password written into it (``https://user:pw@host/``)
    is: it is redacted like a key (marker ``[<name>_PASSWORD]``)."""
    try:
        password = urlsplit(url).password
    except ValueError:  # an unparsable URL has no password to find; requests reports it
        password = None
    if password:
        register_secret(f"{name}_PASSWORD", password)
    return url


def _snapshots_keep(raw: str | None) -> int:
    """``INFLUENCE_SNAPSHOTS_KEEP``: published snapshots kept, at least 1 (default 2)."""
    if raw is None or not raw.strip():
        return 2
    try:
        keep = int(raw.strip())
    except ValueError:
        keep = 0
    if keep < 1:
        raise ConfigError(
            f"INFLUENCE_SNAPSHOTS_KEEP must be a whole number of at least 1, got {raw!r}"
        )
    return keep


def _url(value: str) -> str:
    return value if value.endswith("/") else value + "/"


def watchlist_path(env: Mapping[str, str]) -> Path:
    """``INFLUENCE_WATCHLIST``: the watchlist file (default: the bundled one)."""
    return Path(env.get("INFLUENCE_WATCHLIST") or DEFAULT_WATCHLIST)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from ``env`` (default: ``os.environ``). Raises ``ConfigError`` with
    every unusable setting, not only the first."""
    env = os.environ if env is None else env
    problems: list[str] = []

    def checked(parse: Callable[[str | None], T], name: str, default: T) -> T:
        try:
            return parse(env.get(name))
        except ConfigError as exc:
            problems.extend(exc.problems)
            return default

    source = env.get("INFLUENCE_SOURCE", "live").strip().lower()
    if source not in SOURCES:
        problems.append(f"INFLUENCE_SOURCE must be one of {SOURCES}, got {source!r}")
    years = checked(parse_years, "INFLUENCE_YEARS", (0, 0))
    per_minute = checked(_per_minute, "LDA_REQUESTS_PER_MINUTE", None)
    edgar_user_agent = checked(_edgar_user_agent, "EDGAR_USER_AGENT", None)
    lda_api_key = checked(_lda_api_key, "LDA_API_KEY", None)
    snapshots_keep = checked(_snapshots_keep, "INFLUENCE_SNAPSHOTS_KEEP", 2)
    gdelt_max_query_chars = checked(_gdelt_max_query_chars, "GDELT_MAX_QUERY_CHARS", None)
    if problems:
        raise ConfigError(*problems)
    warehouse = Path(env.get("INFLUENCE_WAREHOUSE") or REPO_ROOT / "warehouse.duckdb")
    lda_api_url = _url(env.get("LDA_API_URL") or DEFAULT_LDA_API_URL)
    for name, default in (
        ("LDA_API_URL", DEFAULT_LDA_API_URL),
        ("USASPENDING_API_URL", DEFAULT_USASPENDING_API_URL),
        ("GDELT_API_URL", DEFAULT_GDELT_API_URL),
        ("EDGAR_FILES_URL", DEFAULT_EDGAR_FILES_URL),
        ("EDGAR_DATA_URL", DEFAULT_EDGAR_DATA_URL),
        ("GLEIF_API_URL", DEFAULT_GLEIF_API_URL),
    ):
        _register_url_password(name, env.get(name) or default)
    return Settings(
        warehouse=warehouse.expanduser().resolve(),
        source=source,
        lda_api_url=lda_api_url,
        lda_fallback_api_url=other_official_lda_url(lda_api_url),
        usaspending_api_url=(env.get("USASPENDING_API_URL") or DEFAULT_USASPENDING_API_URL).rstrip(
            "/"
        ),
        gdelt_api_url=env.get("GDELT_API_URL") or DEFAULT_GDELT_API_URL,
        watchlist=watchlist_path(env),
        years=years,
        sample_dir=Path(env.get("INFLUENCE_SAMPLE_DIR") or SAMPLE_DIR),
        lda_requests_per_minute=per_minute,
        article_files=_paths(env.get("INFLUENCE_ARTICLE_FILES")),
        lda_api_key=lda_api_key,
        edgar_files_url=_url(env.get("EDGAR_FILES_URL") or DEFAULT_EDGAR_FILES_URL),
        edgar_data_url=_url(env.get("EDGAR_DATA_URL") or DEFAULT_EDGAR_DATA_URL),
        edgar_user_agent=edgar_user_agent,
        gleif_api_url=(env.get("GLEIF_API_URL") or DEFAULT_GLEIF_API_URL).rstrip("/"),
        snapshots_keep=snapshots_keep,
        gdelt_max_query_chars=gdelt_max_query_chars,
    )
