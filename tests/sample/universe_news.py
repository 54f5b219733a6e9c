"""GDELT DOC 2.0 ArtList article objects of the sample universe, 2017-2019.

The case's coverage of 2018-10-23/24 (publishers and dates as reported; titles and URLs are this
project's own wording, not the publishers' headlines), a few dated story clusters, and a
synthetic background. Every title holds at least one watchlist search term, because the fake
GDELT API finds articles by title; some use "ice" or "Amazon" in their everyday senses to test
tagging.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from typing import Any

from tests.sample.universe import rng_for

# (seen at, UTC, "YYYYMMDDHHMM"), domain, title, path
CASE_STORIES = (
    (
        "201810231504",
        "www.thedailybeast.com",
        "Emails show Amazon pitched Rekognition to ICE at a Silicon Valley meeting",
        "/emails-show-amazon-pitched-rekognition-to-ice",
    ),
    (
        "201810231822",
        "www.washingtonpost.com",
        "Amazon courted Immigration and Customs Enforcement "
        "with face-matching technology, emails show",
        "/technology/2018/10/23/amazon-courted-immigration-customs-enforcement-face-matching/",
    ),
    (
        "201810231947",
        "www.engadget.com",
        "Amazon made its facial recognition pitch directly to ICE",
        "/2018/10/23/amazon-facial-recognition-pitch-ice/",
    ),
    (
        "201810232041",
        "www.foxbusiness.com",
        "Records reveal Amazon Web Services met ICE over facial recognition",
        "/technology/records-amazon-web-services-ice-facial-recognition",
    ),
    (
        "201810232104",
        "www.businessinsider.com",
        "Amazon sales staff pitched Rekognition to Immigration and Customs Enforcement last summer",
        "/amazon-staff-pitched-rekognition-immigration-customs-enforcement-2018-10",
    ),
    (
        "201810232130",
        "thehill.com",
        "Documents detail Amazon facial recognition outreach to ICE",
        "/policy/technology/412766-documents-detail-amazon-facial-recognition-outreach-to-ice",
    ),
    (
        "201810232215",
        "fortune.com",
        "Amazon lobbying hits another quarterly high as its facial recognition sales draw fire",
        "/2018/10/23/amazon-lobbying-quarterly-high-facial-recognition/",
    ),
    (
        "201810241402",
        "www.aclu.org",
        "Amazon marketed face surveillance to ICE; we are asking Homeland Security for the records",
        "/blog/privacy-technology/surveillance-technologies/amazon-marketed-face-surveillance-ice",
    ),
    (
        "201810241533",
        "www.axios.com",
        "Amazon faces scrutiny for marketing Rekognition to ICE",
        "/amazon-scrutiny-marketing-rekognition-ice-1540392000",
    ),
    (
        "201810241810",
        "www.cnet.com",
        "ACLU presses Homeland Security on facial recognition after Amazon ICE meeting",
        "/news/aclu-presses-homeland-security-facial-recognition-amazon-ice/",
    ),
    (
        "201810242006",
        "www.itpro.co.uk",
        "Details surface of Amazon facial recognition talks with US immigration agency ICE",
        "/security/32191/details-surface-of-amazon-facial-recognition-talks",
    ),
)
# dated story clusters around the case: (YYYYMMDD, title); publishers drawn from DOMAINS
EVENTS = (
    ("20180522", "Civil liberties groups object to Amazon selling Rekognition to police"),
    ("20180522", "Amazon facial recognition tool marketed to law enforcement, documents show"),
    (
        "20180616",
        "Rekognition: shareholders ask Amazon to stop selling face analysis to government",
    ),
    ("20180622", "Amazon employees urge company to stop selling facial recognition to police"),
    ("20180726", "ACLU test: Amazon Rekognition matched 28 members of Congress to mugshots"),
    ("20180726", "Lawmakers demand answers after facial recognition test mismatches Congress"),
    ("20180727", "Amazon disputes ACLU findings on Rekognition accuracy settings"),
    ("20180412", "Pentagon releases draft request for JEDI cloud contract"),
    ("20180726", "Department of Defense opens bidding on JEDI cloud contract"),
    ("20181008", "Google drops out of Pentagon JEDI cloud contract race"),
    ("20181012", "Amazon Web Services seen as front-runner for $10 billion Pentagon cloud deal"),
    ("20181129", "Amazon Web Services unveils new machine learning services at re:Invent"),
    ("20190124", "Study finds bias in Amazon Rekognition facial analysis"),
    ("20190403", "AI researchers call on Amazon to halt Rekognition sales to police"),
    ("20190522", "Amazon shareholders reject proposals to limit Rekognition sales"),
    ("20190522", "House hearing examines facial recognition use by federal agencies"),
    (
        "20190710",
        "Immigration and Customs Enforcement searched driver license photos with facial "
        "recognition, records show",
    ),
    ("20190801", "Pentagon delays JEDI cloud award for review"),
    ("20191025", "Pentagon awards JEDI cloud contract to Microsoft over Amazon"),
    ("20191122", "Amazon Web Services protests Department of Defense JEDI decision"),
)
DOMAINS = (
    "www.nytimes.com",
    "www.reuters.com",
    "apnews.com",
    "www.cnbc.com",
    "www.geekwire.com",
    "www.seattletimes.com",
    "www.theverge.com",
    "www.wired.com",
    "www.nextgov.com",
    "fcw.com",
    "federalnewsnetwork.com",
    "www.defensenews.com",
    "www.usatoday.com",
    "www.npr.org",
    "www.latimes.com",
    "www.politico.com",
    "www.zdnet.com",
    "techcrunch.com",
    "www.govexec.com",
    "www.bbc.com",
)
FILL: dict[str, tuple[str, ...]] = {
    "city": (
        "Seattle",
        "Arlington",
        "Phoenix",
        "San Diego",
        "El Paso",
        "Miami",
        "Chicago",
        "Atlanta",
        "Denver",
        "Baltimore",
        "Houston",
        "Orlando",
        "Portland",
        "Newark",
    ),
    "state": (
        "Texas",
        "Ohio",
        "Virginia",
        "Georgia",
        "Oregon",
        "Michigan",
        "Arizona",
        "Colorado",
        "Minnesota",
        "Tennessee",
    ),
    "border": ("El Paso", "San Diego", "Tucson", "Laredo", "Yuma", "McAllen", "Nogales"),
    "n": ("two", "three", "five", "dozens of", "hundreds of"),
    "amt": ("$50 million", "$120 million", "$400 million", "$1.2 billion", "$2 billion"),
    "move": ("rise", "slip", "jump", "fall"),
    "event": ("earnings beat", "holiday sales report", "Prime Day", "analyst upgrade"),
    "svc": ("machine learning", "database", "serverless", "storage", "security"),
    "thing": (
        "missile defense radar",
        "satellite launches",
        "fighter jet parts",
        "body armor",
        "hypersonic research",
        "cyber defense",
    ),
}
TEMPLATES = (
    "Amazon opens new fulfillment center near {city}",
    "Amazon Web Services launches new {svc} tools for developers",
    "Amazon shares {move} after {event}",
    "Amazon to hire {n} workers in {state}",
    "Amazon expands same-day delivery to {city}",
    "Amazon warehouse workers in {city} push for better conditions",
    "Amazon Web Services outage disrupts websites across the country",
    "{state} agencies move records to Amazon Web Services cloud",
    "Police in {city} weigh use of Amazon Rekognition",
    "{city} council debates limits on facial recognition",
    "Airport in {city} tests facial recognition boarding",
    "Civil liberties groups urge limits on facial recognition in {state}",
    "Immigration and Customs Enforcement arrests {n} people in {city} operation",
    "Customs and Border Protection reports rise in crossings near {border}",
    "Homeland Security announces cybersecurity grants for {state}",
    "Customs and Border Protection expands biometric exit checks at {city} airport",
    "Immigration and Customs Enforcement detention contracts questioned in {state}",
    "Homeland Security officials brief {state} on election security",
    "Pentagon awards {amt} contract for {thing}",
    "Department of Defense budget request seeks more for {thing}",
    "Pentagon audit finds gaps in {thing} accounting",
    "Department of Defense expands base near {city}",
    # tricky: "ice" as frozen water, "Amazon" as the rainforest or the river
    "Ice storm leaves thousands without power in {state}; Homeland Security monitors",
    "Black ice closes highways in {state} as Homeland Security urges caution",
    "Ice hockey veterans visit the Pentagon for charity game",
    "Fires in the Amazon rainforest spread at record pace",
    "Scientists find new fish species in the Amazon River",
    "Deforestation in the Amazon basin rises again, satellite data show",
    "Drought leaves Amazon River at its lowest level in decades",
    "Travel: seven days on a riverboat down the Amazon",
)
WINTER = TEMPLATES[22:24]  # ice storms and black ice only in winter


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


def _article(
    rng: random.Random, seen: dt.datetime, domain: str, title: str, path: str
) -> dict[str, Any]:
    url = f"https://{domain}{path}"
    return {
        "url": url,
        "url_mobile": f"https://{domain}/amp{path}" if rng.random() < 0.2 else "",
        "title": title,
        "seendate": seen.strftime("%Y%m%dT%H%M%SZ"),
        "socialimage": f"https://{domain}/images/{_slug(title)[:40]}.jpg"
        if rng.random() < 0.7
        else "",
        "domain": domain,
        "language": "English",
        "sourcecountry": "United Kingdom" if domain.endswith(".uk") else "United States",
    }


def _path(rng: random.Random, day: dt.date, title: str, serial: int) -> str:
    slug = _slug(title)
    patterns = (
        f"/{day:%Y/%m/%d}/{slug}/",
        f"/news/{slug}-{serial}",
        f"/article/{slug}-{rng.randint(10_000, 99_999)}",
        f"/{rng.choice(('business', 'technology', 'politics'))}/{day:%Y/%m/%d}/{slug}.html",
    )
    return rng.choice(patterns)


def build_articles() -> list[dict[str, Any]]:
    """Every article of the universe, in seen order."""
    rng = rng_for("gdelt")
    out = []
    for stamp, domain, title, path in CASE_STORIES:
        seen = dt.datetime.strptime(stamp, "%Y%m%d%H%M")
        out.append(_article(rng, seen, domain, title, path))
    for serial, (day_text, title) in enumerate(EVENTS):
        day = dt.datetime.strptime(day_text, "%Y%m%d").date()
        for domain in rng.sample(DOMAINS, rng.randint(2, 4)):
            seen = dt.datetime.combine(day, dt.time(rng.randint(11, 23), rng.randint(0, 59)))
            out.append(_article(rng, seen, domain, title, _path(rng, day, title, serial)))
    serial = 1000
    for year in (2017, 2018, 2019):
        for month in range(1, 13):
            for _ in range(rng.randint(12, 18)):
                template = rng.choice(TEMPLATES)
                while template in WINTER and month not in (1, 2, 3, 12):
                    template = rng.choice(TEMPLATES)
                fill = {k: rng.choice(v) for k, v in FILL.items() if "{" + k + "}" in template}
                title = template.format(**fill)
                day = dt.date(year, month, rng.randint(1, 28))
                seen = dt.datetime.combine(day, dt.time(rng.randint(0, 23), rng.randint(0, 59)))
                serial += 1
                path = _path(rng, day, title, serial)
                out.append(_article(rng, seen, rng.choice(DOMAINS), title, path))
    taken: set[str] = set()  # membership tests only
    for article in out:  # the same story on the same site twice: keep URLs unique
        url, n = article["url"], 1
        while url in taken:
            n += 1
            url = article["url"].rstrip("/") + f"-{n}"
        taken.add(url)
        if url != article["url"]:
            article["url"] = url
            if article["url_mobile"]:
                article["url_mobile"] = url.replace(
                    f"//{article['domain']}", f"//{article['domain']}/amp", 1
                )
    out.sort(key=lambda a: (a["seendate"], a["url"]))
    return out


# -- the other two news inputs: publishers' feeds and an analyst's own list ---------------------
# Written for this sample (not the publishers' words). They test what the warehouse does with
# them: a feed link that is a GDELT case article plus campaign parameters, an analyst's copy of
# another with click ids (each must be one article with GDELT's), a description that names ICE
# where the title does not (tagged from the description), and "ice", "black ice" and "the Amazon"
# rainforest or river (not the agency, not the company).

# feed url, format ("rss" or "atom"), feed title, site link, entries newest first:
# (published, RFC 822 for RSS or ISO 8601 for Atom; link; title; summary HTML; author)
FEEDS: tuple[tuple[str, str, str, str, tuple[tuple[str, str, str, str, str], ...]], ...] = (
    (
        "https://www.engadget.com/rss.xml",
        "rss",
        "Engadget",
        "https://www.engadget.com/",
        (
            (
                "Wed, 24 Oct 2018 12:10:00 -0400",
                "https://www.engadget.com/2018/10/24/amazon-rekognition-government-pitch-explained/"
                "?utm_source=rss&utm_medium=feed&utm_campaign=engadget",
                "What we know about Amazon's Rekognition pitch to the government",
                "<p>Emails released under a FOIA request show Amazon Web Services staff met "
                "officials of ICE's Homeland Security Investigations unit in Redwood City in June, "
                "then followed up by email.</p>",
                "Engadget staff",
            ),
            (
                "Tue, 23 Oct 2018 15:47:00 -0400",
                "https://www.engadget.com/2018/10/23/amazon-facial-recognition-pitch-ice/"
                "?utm_source=rss&utm_medium=feed&utm_campaign=engadget",
                "Amazon made its facial recognition pitch directly to ICE",
                "<p>Documents obtained by the <b>Project on Government Oversight</b> describe a "
                "summer meeting with immigration officials.</p>",
                "Engadget staff",
            ),
            (
                "Mon, 22 Oct 2018 10:05:00 -0400",
                "https://www.engadget.com/2018/10/22/smart-speaker-microphone-review/"
                "?utm_source=rss&utm_medium=feed&utm_campaign=engadget",
                "Review: a smart speaker that finally hears you across the room",
                "<p>Better microphones, the same so-so sound &amp; a lower price.</p>",
                "Engadget staff",
            ),
        ),
    ),
    (
        "https://www.theverge.com/rss/index.xml",
        "atom",
        "The Verge",
        "https://www.theverge.com/",
        (
            (
                "2019-05-22T17:30:00-04:00",
                "https://www.theverge.com/2019/5/22/amazon-shareholders-rekognition-vote",
                "Amazon shareholders vote down limits on Rekognition sales",
                "<p>Two proposals on the face analysis service failed at the annual meeting.</p>",
                "Verge staff",
            ),
            (
                "2018-12-28T08:15:00-05:00",
                "https://www.theverge.com/2018/12/28/ice-storm-power-internet-outages",
                "Ice storm leaves thousands without power and internet",
                "<p>Crews expect repairs to take days; black ice has closed several highways "
                "and the ice keeps bringing down lines.</p>",
                "Verge staff",
            ),
            (
                "2018-11-20T11:00:00-05:00",
                "https://www.theverge.com/2018/11/20/amazon-rainforest-satellite-deforestation",
                "Satellites show the Amazon rainforest shrinking again",
                "<p>Deforestation in the Brazilian Amazon rose again this year, satellite data "
                "show.</p>",
                "Verge staff",
            ),
        ),
    ),
)

# The analyst's own list (a CSV bundled with the sample): url, title, published, publisher,
# description, as an analyst would paste them (their own titles; links copied with click ids).
ANALYST_COLUMNS = ("url", "title", "published", "publisher", "description")
ANALYST_ARTICLES: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "https://www.washingtonpost.com/technology/2018/10/23/"
        "amazon-courted-immigration-customs-enforcement-face-matching/"
        "?utm_term=.4f2c8d1e9a7b&fbclid=IwAR2xq7Lk0Z",
        "WaPo: Amazon pitched ICE on face matching",
        "2018-10-23",
        "The Washington Post",
        "The June 2018 meeting, from emails released to the Project on Government Oversight.",
    ),
    (
        "https://www.nextgov.com/it-modernization/2018/11/dhs-cloud-migration-review/152821/",
        "Homeland Security inspector general reviews cloud migration",
        "2018-11-14T09:30:00-05:00",
        "Nextgov",
        "The review covers workloads the department moved to Amazon Web Services and other "
        "providers.",
    ),
    (
        "https://www.reuters.com/article/brazil-drought-amazon-river-barges-idUSKCN1N7100",
        "Drought leaves barges stranded on the Amazon river",
        "2018-11-02",
        "Reuters",
        "Shipping on the river near Manaus slowed as water levels fell.",
    ),
)
