"""The GLEIF part of the sample universe: LEI records and relationship records of the watched
company, Amazon (the watchlist's ``leis``: AMAZON.COM, INC., ZXTILKJKG63JELOEG630).

Real (GLEIF's golden copy of 2025-05-15, as recorded from the live API in
``NotAProfDev/gleif-rs`` @ 970510accf53c331851f71fd957d7db139cdcbf8, ``tests/data/``; the same
bodies are in ``tests/fixtures/real/gleif/``):

- AMAZON.COM, INC.'s LEI record (ZXTILKJKG63JELOEG630, Delaware, headquarters Seattle);
- Amazon Digital UK Limited's LEI record (254900LNRYNOQ9YPU758, with its four previous legal
  names, LOVEFILM UK LIMITED among them) and its IS_ULTIMATELY_CONSOLIDATED_BY relationship to
  AMAZON.COM, INC. (relationship period from 2008-10-02, open).

Synthetic, for the sample only (their LEIs start with ``SAMPLE`` and fail ISO 17442's check
digits; their dates and registration details are made up):

- AMAZON WEB SERVICES, INC., directly and ultimately consolidated by AMAZON.COM, INC. (that AWS
  is Amazon's subsidiary is public; its LEI and dates here are not GLEIF's);
- SAMPLE DIVESTED UNIT LLC, a unit Amazon consolidated until 2016-06-30 and no longer (an
  INACTIVE relationship whose period ended), to show a roll-up that ends.
"""

from __future__ import annotations

from typing import Any

AMAZON_COM_INC: dict[str, Any] = {
    "lei": "ZXTILKJKG63JELOEG630",
    "entity": {
        "legalName": {"name": "AMAZON.COM, INC.", "language": "en"},
        "otherNames": [],
        "transliteratedOtherNames": [],
        "legalAddress": {
            "language": "en",
            "addressLines": ["C/O CORPORATION SERVICE COMPANY", "251 LITTLE FALLS DRIVE"],
            "addressNumber": None,
            "addressNumberWithinBuilding": None,
            "mailRouting": None,
            "city": "WILMINGTON",
            "region": "US-DE",
            "country": "US",
            "postalCode": "19808",
        },
        "headquartersAddress": {
            "language": "en",
            "addressLines": ["410 Terry Ave North"],
            "addressNumber": None,
            "addressNumberWithinBuilding": None,
            "mailRouting": None,
            "city": "Seattle",
            "region": "US-WA",
            "country": "US",
            "postalCode": "98109",
        },
        "registeredAt": {"id": "RA000602", "other": None},
        "registeredAs": "2620453",
        "jurisdiction": "US-DE",
        "category": "GENERAL",
        "legalForm": {"id": "XTIQ", "other": None},
        "associatedEntity": {"lei": None, "name": None},
        "status": "ACTIVE",
        "expiration": {"date": None, "reason": None},
        "successorEntity": {"lei": None, "name": None},
        "successorEntities": [],
        "creationDate": "1996-05-28T00:00:00Z",
        "subCategory": None,
        "otherAddresses": [],
        "eventGroups": [],
    },
    "registration": {
        "initialRegistrationDate": "2012-06-06T15:52:00Z",
        "lastUpdateDate": "2024-10-17T10:16:52Z",
        "status": "ISSUED",
        "nextRenewalDate": "2025-11-07T19:23:00Z",
        "managingLou": "5493001KJTIIGC8Y1R12",
        "corroborationLevel": "FULLY_CORROBORATED",
        "validatedAt": {"id": "RA000602", "other": None},
        "validatedAs": "2620453",
        "otherValidationAuthorities": [],
    },
    "bic": None,
    "mic": None,
    "ocid": "us_de/2620453",
    "qcc": "QUSY9NCAAH",
    "spglobal": ["18749"],
    "conformityFlag": "CONFORMING",
}

AMAZON_DIGITAL_UK: dict[str, Any] = {
    "lei": "254900LNRYNOQ9YPU758",
    "entity": {
        "legalName": {"name": "Amazon Digital UK Limited", "language": "en"},
        "otherNames": [
            {"name": "AMAZON VIDEO LIMITED", "language": "en", "type": "PREVIOUS_LEGAL_NAME"},
            {
                "name": "AMAZON INSTANT VIDEO LIMITED",
                "language": "en",
                "type": "PREVIOUS_LEGAL_NAME",
            },
            {"name": "LOVEFILM UK LIMITED", "language": "en", "type": "PREVIOUS_LEGAL_NAME"},
            {"name": "LOVEFILM LIMITED", "language": "en", "type": "PREVIOUS_LEGAL_NAME"},
        ],
        "transliteratedOtherNames": [],
        "legalAddress": {
            "language": "en",
            "addressLines": ["1 Principal Place", "Worship Street"],
            "addressNumber": None,
            "addressNumberWithinBuilding": None,
            "mailRouting": None,
            "city": "London",
            "region": None,
            "country": "GB",
            "postalCode": "EC2A 2FA",
        },
        "headquartersAddress": {
            "language": "en",
            "addressLines": ["1 Principal Place", "Worship Street"],
            "addressNumber": None,
            "addressNumberWithinBuilding": None,
            "mailRouting": None,
            "city": "London",
            "region": None,
            "country": "GB",
            "postalCode": "EC2A 2FA",
        },
        "registeredAt": {"id": "RA000585", "other": None},
        "registeredAs": "06528297",
        "jurisdiction": "GB",
        "category": "GENERAL",
        "legalForm": {"id": "H0PO", "other": None},
        "associatedEntity": {"lei": None, "name": None},
        "status": "ACTIVE",
        "expiration": {"date": None, "reason": None},
        "successorEntity": {"lei": None, "name": None},
        "successorEntities": [],
        "creationDate": "2008-03-08T00:00:00Z",
        "subCategory": None,
        "otherAddresses": [],
        "eventGroups": [],
    },
    "registration": {
        "initialRegistrationDate": "2024-05-20T12:52:09Z",
        "lastUpdateDate": "2025-04-21T10:50:46Z",
        "status": "ISSUED",
        "nextRenewalDate": "2026-05-20T12:52:09Z",
        "managingLou": "5493001KJTIIGC8Y1R12",
        "corroborationLevel": "FULLY_CORROBORATED",
        "validatedAt": {"id": "RA000585", "other": None},
        "validatedAs": "06528297",
        "otherValidationAuthorities": [],
    },
    "bic": None,
    "mic": None,
    "ocid": "gb/06528297",
    "qcc": "QGBSD08CEU",
    "spglobal": ["111587188"],
    "conformityFlag": "NON_CONFORMING",
}

AMAZON_DIGITAL_UK_ULTIMATE_PARENT: dict[str, Any] = {
    "validFrom": "2025-04-22T00:00:00Z",
    "validTo": None,
    "relationship": {
        "startNode": {"id": "254900LNRYNOQ9YPU758", "type": "LEI"},
        "endNode": {"id": "ZXTILKJKG63JELOEG630", "type": "LEI"},
        "type": "IS_ULTIMATELY_CONSOLIDATED_BY",
        "status": "ACTIVE",
        "periods": [
            {"startDate": "2008-10-02T00:00:00Z", "type": "RELATIONSHIP_PERIOD"},
            {
                "startDate": "2008-10-02T00:00:00Z",
                "endDate": "2024-03-31T00:00:00Z",
                "type": "ACCOUNTING_PERIOD",
            },
        ],
    },
    "registration": {
        "initialRegistrationDate": "2024-05-20T12:52:09Z",
        "lastUpdateDate": "2025-04-21T10:50:46Z",
        "status": "PUBLISHED",
        "nextRenewalDate": "2026-05-20T12:52:09Z",
        "managingLou": "5493001KJTIIGC8Y1R12",
        "corroborationLevel": "ENTITY_SUPPLIED_ONLY",
        "corroborationDocuments": "OTHER_OFFICIAL_DOCUMENTS",
        "corroborationReference": None,
    },
}

AWS_LEI = "SAMPLE0AWS0000000001"
DIVESTED_LEI = "SAMPLE0DIVESTED00001"


def _synthetic_record(lei: str, name: str, created: str) -> dict[str, Any]:
    """A minimal LEI record: the fields staging reads, nothing GLEIF did not define."""
    address = {
        "language": "en",
        "addressLines": [],
        "city": None,
        "region": "US-WA",
        "country": "US",
        "postalCode": None,
    }
    return {
        "lei": lei,
        "entity": {
            "legalName": {"name": name, "language": "en"},
            "otherNames": [],
            "transliteratedOtherNames": [],
            "legalAddress": address,
            "headquartersAddress": address,
            "jurisdiction": "US-DE",
            "category": "GENERAL",
            "status": "ACTIVE",
            "creationDate": created,
        },
        "registration": {
            "initialRegistrationDate": "2013-01-15T00:00:00Z",
            "lastUpdateDate": "2024-06-01T00:00:00Z",
            "status": "ISSUED",
            "nextRenewalDate": "2025-06-01T00:00:00Z",
            "corroborationLevel": "ENTITY_SUPPLIED_ONLY",
        },
    }


def _synthetic_relationship(
    child: str, kind: str, status: str, start: str, end: str | None = None
) -> dict[str, Any]:
    period: dict[str, Any] = {"startDate": start}
    if end is not None:
        period["endDate"] = end
    period["type"] = "RELATIONSHIP_PERIOD"
    return {
        "validFrom": "2024-06-01T00:00:00Z",
        "validTo": None,
        "relationship": {
            "startNode": {"id": child, "type": "LEI"},
            "endNode": {"id": AMAZON_COM_INC["lei"], "type": "LEI"},
            "type": kind,
            "status": status,
            "periods": [period],
        },
        "registration": {
            "initialRegistrationDate": "2017-05-01T00:00:00Z",
            "lastUpdateDate": "2024-06-01T00:00:00Z",
            "status": "PUBLISHED",
            "corroborationLevel": "ENTITY_SUPPLIED_ONLY",
        },
    }


GLEIF_RECORDS: list[dict[str, Any]] = [
    AMAZON_COM_INC,
    AMAZON_DIGITAL_UK,
    _synthetic_record(AWS_LEI, "AMAZON WEB SERVICES, INC.", "2006-03-14T00:00:00Z"),
    _synthetic_record(DIVESTED_LEI, "SAMPLE DIVESTED UNIT LLC", "2009-01-01T00:00:00Z"),
]

GLEIF_RELATIONSHIPS: list[dict[str, Any]] = [
    AMAZON_DIGITAL_UK_ULTIMATE_PARENT,
    _synthetic_relationship(
        AWS_LEI, "IS_DIRECTLY_CONSOLIDATED_BY", "ACTIVE", "2006-03-14T00:00:00Z"
    ),
    _synthetic_relationship(
        AWS_LEI, "IS_ULTIMATELY_CONSOLIDATED_BY", "ACTIVE", "2006-03-14T00:00:00Z"
    ),
    _synthetic_relationship(
        DIVESTED_LEI,
        "IS_DIRECTLY_CONSOLIDATED_BY",
        "INACTIVE",
        "2009-01-01T00:00:00Z",
        "2016-06-30T00:00:00Z",
    ),
    _synthetic_relationship(
        DIVESTED_LEI,
        "IS_ULTIMATELY_CONSOLIDATED_BY",
        "INACTIVE",
        "2009-01-01T00:00:00Z",
        "2016-06-30T00:00:00Z",
    ),
]
