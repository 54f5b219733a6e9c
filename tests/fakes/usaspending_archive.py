"""A fake of USAspending's Award Data Archive: ``POST /api/v2/bulk_download/list_agencies/``,
``POST /api/v2/bulk_download/list_monthly_files/`` and the zips at
``/award_data_archive/<file_name>``, in the archive's real layout.

What it keeps of the real archive (fedspendingtransparency/usaspending-api @ 13a1ee0f, see
/work/research/issue13_research.md section 1): file names
``FY<fy>_<code>_Contracts_Full_<stamp>.zip`` and ``FY(All)_<code>_Contracts_Delta_<stamp>.zip``;
inside, ``<zip stem>_1.csv``, ``_2.csv``, ...
of at most ``row_limit`` (1,000,000) rows each, the header in every part; the 297 columns of
``query_paths["transaction_search"]["d1"]`` in order; Delta rows led by ``correction_delete_ind``
and ``agency_id``, a deletion ("D") blank but for its key columns; the listing's entries
(``fiscal_year`` null for the Delta) and ``updated_date`` from the stamp. Files of an old stamp
are gone (404), as the archive deletes them when it publishes the next month's.

Simplifications: agencies' ``toptier_agency_id`` are made up (stable per code); a Full file holds
the awarding agency's actions of the fiscal year (by action date); columns the universe does not
know are blank; ``contract_transaction_unique_key`` is built as
``<agency>_<parent agency>_<piid>_<mod>_<parent piid>_<transaction number>`` with ``-NONE-`` for a
missing part (the shape of the real keys; not checked against a real file).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tests.fakes.app import Reply, json_reply
from tests.sample.model import AwardFact

LIST_AGENCIES_PATH = "/api/v2/bulk_download/list_agencies/"
LIST_MONTHLY_FILES_PATH = "/api/v2/bulk_download/list_monthly_files/"
ARCHIVE_DIR = "/award_data_archive/"
FILES_URL = "https://files.usaspending.gov"
ROW_LIMIT = 1_000_000  # EXCEL_ROW_LIMIT in download_generation.py
DEFAULT_STAMP = "20260906"
# CFO Act agencies (the listing's cfo_agencies); the others are other_agencies
CFO_CODES = frozenset(
    "012 013 097 091 089 075 070 086 015 1601 019 014 020 069 036 068 080 072 047 049 031 024 "
    "073 028".split()
)
ZIP_DATE = (2026, 9, 6, 0, 0, 0)
DELTA_LEADING = ("correction_delete_ind", "agency_id")
# the columns a deletion row keeps (populate_monthly_delta_files.py AWARD_MAPPINGS["Contracts"])
DELETION_KEPT = (
    "agency_id",
    "parent_award_agency_id",
    "award_id_piid",
    "modification_number",
    "parent_award_id_piid",
    "transaction_number",
    "contract_transaction_unique_key",
)

ARCHIVE_COLUMNS: tuple[str, ...] = (
    "contract_transaction_unique_key",
    "contract_award_unique_key",
    "award_id_piid",
    "modification_number",
    "transaction_number",
    "parent_award_agency_id",
    "parent_award_agency_name",
    "parent_award_id_piid",
    "parent_award_modification_number",
    "federal_action_obligation",
    "total_dollars_obligated",
    "total_outlayed_amount_for_overall_award",
    "base_and_exercised_options_value",
    "current_total_value_of_award",
    "base_and_all_options_value",
    "potential_total_value_of_award",
    "disaster_emergency_fund_codes_for_overall_award",
    "outlayed_amount_from_COVID-19_supplementals_for_overall_award",
    "obligated_amount_from_COVID-19_supplementals_for_overall_award",
    "outlayed_amount_from_IIJA_supplemental_for_overall_award",
    "obligated_amount_from_IIJA_supplemental_for_overall_award",
    "action_date",
    "action_date_fiscal_year",
    "period_of_performance_start_date",
    "period_of_performance_current_end_date",
    "period_of_performance_potential_end_date",
    "ordering_period_end_date",
    "solicitation_date",
    "awarding_agency_code",
    "awarding_agency_name",
    "awarding_sub_agency_code",
    "awarding_sub_agency_name",
    "awarding_office_code",
    "awarding_office_name",
    "funding_agency_code",
    "funding_agency_name",
    "funding_sub_agency_code",
    "funding_sub_agency_name",
    "funding_office_code",
    "funding_office_name",
    "treasury_accounts_funding_this_award",
    "federal_accounts_funding_this_award",
    "object_classes_funding_this_award",
    "program_activities_funding_this_award",
    "foreign_funding",
    "foreign_funding_description",
    "sam_exception",
    "sam_exception_description",
    "recipient_uei",
    "recipient_duns",
    "recipient_name",
    "recipient_name_raw",
    "recipient_doing_business_as_name",
    "cage_code",
    "recipient_parent_uei",
    "recipient_parent_duns",
    "recipient_parent_name",
    "recipient_parent_name_raw",
    "recipient_country_code",
    "recipient_country_name",
    "recipient_address_line_1",
    "recipient_address_line_2",
    "recipient_city_name",
    "prime_award_transaction_recipient_county_fips_code",
    "recipient_county_name",
    "prime_award_transaction_recipient_state_fips_code",
    "recipient_state_code",
    "recipient_state_name",
    "recipient_zip_4_code",
    "prime_award_transaction_recipient_cd_original",
    "prime_award_transaction_recipient_cd_current",
    "recipient_phone_number",
    "recipient_fax_number",
    "primary_place_of_performance_country_code",
    "primary_place_of_performance_country_name",
    "primary_place_of_performance_city_name",
    "prime_award_transaction_place_of_performance_county_fips_code",
    "primary_place_of_performance_county_name",
    "prime_award_transaction_place_of_performance_state_fips_code",
    "primary_place_of_performance_state_code",
    "primary_place_of_performance_state_name",
    "primary_place_of_performance_zip_4",
    "prime_award_transaction_place_of_performance_cd_original",
    "prime_award_transaction_place_of_performance_cd_current",
    "award_or_idv_flag",
    "award_type_code",
    "award_type",
    "idv_type_code",
    "idv_type",
    "multiple_or_single_award_idv_code",
    "multiple_or_single_award_idv",
    "type_of_idc_code",
    "type_of_idc",
    "type_of_contract_pricing_code",
    "type_of_contract_pricing",
    "transaction_description",
    "prime_award_base_transaction_description",
    "action_type_code",
    "action_type",
    "solicitation_identifier",
    "number_of_actions",
    "inherently_governmental_functions",
    "inherently_governmental_functions_description",
    "product_or_service_code",
    "product_or_service_code_description",
    "contract_bundling_code",
    "contract_bundling",
    "dod_claimant_program_code",
    "dod_claimant_program_description",
    "naics_code",
    "naics_description",
    "recovered_materials_sustainability_code",
    "recovered_materials_sustainability",
    "domestic_or_foreign_entity_code",
    "domestic_or_foreign_entity",
    "dod_acquisition_program_code",
    "dod_acquisition_program_description",
    "information_technology_commercial_item_category_code",
    "information_technology_commercial_item_category",
    "epa_designated_product_code",
    "epa_designated_product",
    "country_of_product_or_service_origin_code",
    "country_of_product_or_service_origin",
    "place_of_manufacture_code",
    "place_of_manufacture",
    "subcontracting_plan_code",
    "subcontracting_plan",
    "extent_competed_code",
    "extent_competed",
    "solicitation_procedures_code",
    "solicitation_procedures",
    "type_of_set_aside_code",
    "type_of_set_aside",
    "evaluated_preference_code",
    "evaluated_preference",
    "research_code",
    "research",
    "fair_opportunity_limited_sources_code",
    "fair_opportunity_limited_sources",
    "other_than_full_and_open_competition_code",
    "other_than_full_and_open_competition",
    "number_of_offers_received",
    "commercial_item_acquisition_procedures_code",
    "commercial_item_acquisition_procedures",
    "small_business_competitiveness_demonstration_program",
    "simplified_procedures_for_certain_commercial_items_code",
    "simplified_procedures_for_certain_commercial_items",
    "a76_fair_act_action_code",
    "a76_fair_act_action",
    "fed_biz_opps_code",
    "fed_biz_opps",
    "local_area_set_aside_code",
    "local_area_set_aside",
    "price_evaluation_adjustment_preference_percent_difference",
    "clinger_cohen_act_planning_code",
    "clinger_cohen_act_planning",
    "materials_supplies_articles_equipment_code",
    "materials_supplies_articles_equipment",
    "labor_standards_code",
    "labor_standards",
    "construction_wage_rate_requirements_code",
    "construction_wage_rate_requirements",
    "interagency_contracting_authority_code",
    "interagency_contracting_authority",
    "other_statutory_authority",
    "program_acronym",
    "parent_award_type_code",
    "parent_award_type",
    "parent_award_single_or_multiple_code",
    "parent_award_single_or_multiple",
    "major_program",
    "national_interest_action_code",
    "national_interest_action",
    "cost_or_pricing_data_code",
    "cost_or_pricing_data",
    "cost_accounting_standards_clause_code",
    "cost_accounting_standards_clause",
    "government_furnished_property_code",
    "government_furnished_property",
    "sea_transportation_code",
    "sea_transportation",
    "undefinitized_action_code",
    "undefinitized_action",
    "consolidated_contract_code",
    "consolidated_contract",
    "performance_based_service_acquisition_code",
    "performance_based_service_acquisition",
    "multi_year_contract_code",
    "multi_year_contract",
    "contract_financing_code",
    "contract_financing",
    "purchase_card_as_payment_method_code",
    "purchase_card_as_payment_method",
    "contingency_humanitarian_or_peacekeeping_operation_code",
    "contingency_humanitarian_or_peacekeeping_operation",
    "alaskan_native_corporation_owned_firm",
    "american_indian_owned_business",
    "indian_tribe_federally_recognized",
    "native_hawaiian_organization_owned_firm",
    "tribally_owned_firm",
    "veteran_owned_business",
    "service_disabled_veteran_owned_business",
    "woman_owned_business",
    "women_owned_small_business",
    "economically_disadvantaged_women_owned_small_business",
    "joint_venture_women_owned_small_business",
    "joint_venture_economic_disadvantaged_women_owned_small_bus",
    "minority_owned_business",
    "subcontinent_asian_asian_indian_american_owned_business",
    "asian_pacific_american_owned_business",
    "black_american_owned_business",
    "hispanic_american_owned_business",
    "native_american_owned_business",
    "other_minority_owned_business",
    "contracting_officers_determination_of_business_size",
    "contracting_officers_determination_of_business_size_code",
    "emerging_small_business",
    "community_developed_corporation_owned_firm",
    "labor_surplus_area_firm",
    "us_federal_government",
    "federally_funded_research_and_development_corp",
    "federal_agency",
    "us_state_government",
    "us_local_government",
    "city_local_government",
    "county_local_government",
    "inter_municipal_local_government",
    "local_government_owned",
    "municipality_local_government",
    "school_district_local_government",
    "township_local_government",
    "us_tribal_government",
    "foreign_government",
    "organizational_type",
    "corporate_entity_not_tax_exempt",
    "corporate_entity_tax_exempt",
    "partnership_or_limited_liability_partnership",
    "sole_proprietorship",
    "small_agricultural_cooperative",
    "international_organization",
    "us_government_entity",
    "community_development_corporation",
    "domestic_shelter",
    "educational_institution",
    "foundation",
    "hospital_flag",
    "manufacturer_of_goods",
    "veterinary_hospital",
    "hispanic_servicing_institution",
    "receives_contracts",
    "receives_financial_assistance",
    "receives_contracts_and_financial_assistance",
    "airport_authority",
    "council_of_governments",
    "housing_authorities_public_tribal",
    "interstate_entity",
    "planning_commission",
    "port_authority",
    "transit_authority",
    "subchapter_scorporation",
    "limited_liability_corporation",
    "foreign_owned",
    "for_profit_organization",
    "nonprofit_organization",
    "other_not_for_profit_organization",
    "the_ability_one_program",
    "private_university_or_college",
    "state_controlled_institution_of_higher_learning",
    "1862_land_grant_college",
    "1890_land_grant_college",
    "1994_land_grant_college",
    "minority_institution",
    "historically_black_college",
    "tribal_college",
    "alaskan_native_servicing_institution",
    "native_hawaiian_servicing_institution",
    "school_of_forestry",
    "veterinary_college",
    "dot_certified_disadvantage",
    "self_certified_small_disadvantaged_business",
    "small_disadvantaged_business",
    "c8a_program_participant",
    "historically_underutilized_business_zone_hubzone_firm",
    "sba_certified_8a_joint_venture",
    "highly_compensated_officer_1_name",
    "highly_compensated_officer_1_amount",
    "highly_compensated_officer_2_name",
    "highly_compensated_officer_2_amount",
    "highly_compensated_officer_3_name",
    "highly_compensated_officer_3_amount",
    "highly_compensated_officer_4_name",
    "highly_compensated_officer_4_amount",
    "highly_compensated_officer_5_name",
    "highly_compensated_officer_5_amount",
    "usaspending_permalink",
    "initial_report_date",
    "last_modified_date",
)


def fiscal_year(day: dt.date) -> int:
    return day.year + 1 if day.month >= 10 else day.year


def _award_key_parts(generated_id: str) -> tuple[str, str, str, str]:
    """(piid, agency, parent piid, parent agency) of a ``CONT_AWD_...``/``CONT_IDV_...`` id."""
    parts = generated_id.split("_")[2:]
    if generated_id.startswith("CONT_IDV_"):
        return parts[0], parts[1], "-NONE-", "-NONE-"
    piid, agency, parent_piid, parent_agency = (parts + ["-NONE-"] * 4)[:4]
    return piid, agency, parent_piid, parent_agency


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _timestamp(value: Any) -> str:
    """``2020-08-31`` or ``2020-08-31 09:30:00`` as the archive writes it (with a time)."""
    text = _text(value)
    return f"{text} 00:00:00" if len(text) == 10 else text


def archive_row(fact: AwardFact, action: dict[str, Any]) -> dict[str, str]:
    """One contract transaction row (by column name) for an action of ``fact``."""
    row = fact.row
    generated = str(row["generated_internal_id"])
    piid, agency, parent_piid, parent_agency = _award_key_parts(generated)
    mod = str(action.get("Mod"))
    day = dt.date.fromisoformat(str(action["Action Date"]))
    is_idv = generated.startswith("CONT_IDV_")
    naics = row.get("NAICS") or {}
    psc = row.get("PSC") or {}
    place = row.get("Primary Place of Performance") or {}
    def_codes = row.get("def_codes") or []
    values = {
        "contract_transaction_unique_key": "_".join(
            (agency, parent_agency, piid, mod, parent_piid, "0")
        ),
        "contract_award_unique_key": generated,
        "award_id_piid": piid,
        "modification_number": mod,
        "transaction_number": "0",
        "parent_award_agency_id": "" if parent_agency == "-NONE-" else parent_agency,
        "parent_award_id_piid": "" if parent_piid == "-NONE-" else parent_piid,
        "federal_action_obligation": _text(action.get("Transaction Amount")),
        "total_dollars_obligated": _text(row.get("Award Amount")),
        "action_date": day.isoformat(),
        "action_date_fiscal_year": str(fiscal_year(day)),
        "period_of_performance_start_date": _text(row.get("Start Date")),
        "period_of_performance_current_end_date": _text(row.get("End Date")),
        "ordering_period_end_date": _text(row.get("Last Date to Order")),
        "awarding_agency_code": _text(row.get("Awarding Agency Code")),
        "awarding_agency_name": _text(row.get("Awarding Agency")),
        "awarding_sub_agency_code": _text(row.get("Awarding Sub Agency Code")),
        "awarding_sub_agency_name": _text(row.get("Awarding Sub Agency")),
        "funding_agency_code": _text(row.get("Funding Agency Code")),
        "funding_agency_name": _text(row.get("Funding Agency")),
        "funding_sub_agency_code": _text(row.get("Funding Sub Agency Code")),
        "funding_sub_agency_name": _text(row.get("Funding Sub Agency")),
        "recipient_uei": _text(row.get("Recipient UEI")),
        "recipient_name": _text(row.get("Recipient Name")),
        "recipient_name_raw": _text(row.get("Recipient Name")),
        "recipient_parent_uei": _text(fact.parent_uei),
        "recipient_parent_name": _text(fact.parent_recipient_name),
        "primary_place_of_performance_country_code": _text(place.get("location_country_code")),
        "primary_place_of_performance_state_code": _text(place.get("state_code")),
        "primary_place_of_performance_city_name": _text(place.get("city_name")),
        "award_or_idv_flag": "IDV" if is_idv else "AWARD",
        "award_type_code": "" if is_idv else fact.award_type_code,
        "award_type": "" if is_idv else _text(row.get("Contract Award Type")),
        "idv_type_code": fact.award_type_code.removeprefix("IDV_") if is_idv else "",
        "idv_type": _text(row.get("Contract Award Type")) if is_idv else "",
        "action_type_code": _text(action.get("Action Type")),
        "transaction_description": _text(action.get("Transaction Description")),
        "prime_award_base_transaction_description": _text(row.get("Description")),
        "naics_code": _text(naics.get("code")),
        "naics_description": _text(naics.get("description")),
        "product_or_service_code": _text(psc.get("code")),
        "product_or_service_code_description": _text(psc.get("description")),
        # "<code>: <title>" pairs joined by ";" (titles left out here)
        "disaster_emergency_fund_codes_for_overall_award": ";".join(
            f"{code}: " for code in def_codes
        ),
        "usaspending_permalink": f"https://www.usaspending.gov/award/{generated}/",
        "last_modified_date": _timestamp(row.get("Last Modified Date")),
    }
    return values


def write_parts(
    archive: zipfile.ZipFile,
    stem: str,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    row_limit: int = ROW_LIMIT,
) -> int:
    """Write ``rows`` into ``archive`` as ``<stem>_1.csv``, ``_2.csv``, ... of at most
    ``row_limit`` rows each, the header in each, streamed (nothing held but one row); returns
    the number of parts (one, header only, when there are no rows)."""
    part = 0
    handle: IO[bytes] | None = None
    text: io.TextIOWrapper | None = None
    writer: Any = None
    written = row_limit
    try:
        for row in rows:
            if written >= row_limit:
                if text is not None:
                    text.close()
                part += 1
                info = zipfile.ZipInfo(f"{stem}_{part}.csv", date_time=ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                handle = archive.open(info, "w", force_zip64=True)
                text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
                writer = csv.writer(text, lineterminator="\n")
                writer.writerow(header)
                written = 0
            writer.writerow(row)
            written += 1
        if part == 0:
            info = zipfile.ZipInfo(f"{stem}_1.csv", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as empty:
                empty.write((",".join(header) + "\n").encode("utf-8"))
            part = 1
    finally:
        if text is not None:
            text.close()
    return part


@dataclass
class FakeArchive:
    """The archive over a list of awards (``AwardFact``), answering as an ``App``.

    ``stamp`` dates every current file; ``delta_awards`` are the actions (new or changed) of the
    Delta file and ``deleted`` the ``contract_transaction_unique_key`` of actions it deletes
    (rows of the awards, blank but for the key columns). ``row_limit`` splits parts.
    """

    awards: Sequence[AwardFact]
    toptier_agencies: Sequence[dict[str, str]]
    stamp: str = DEFAULT_STAMP
    files_url: str = FILES_URL
    row_limit: int = ROW_LIMIT
    delta_awards: Sequence[AwardFact] = ()
    deleted: Sequence[str] = ()
    first_fiscal_year: int = 2008
    columns: Sequence[str] = ARCHIVE_COLUMNS
    served: list[str] = field(default_factory=list)  # file names downloaded, in order

    def __post_init__(self) -> None:
        self.agency_ids = {
            a["toptier_code"]: 1000 + 7 * number
            for number, a in enumerate(
                sorted(self.toptier_agencies, key=lambda a: a["toptier_code"])
            )
        }

    # -- the App -------------------------------------------------------------------------------

    def handle(self, method: str, path: str, query: dict[str, str], body: bytes | None) -> Reply:
        if path.startswith(ARCHIVE_DIR):
            if method.upper() != "GET":
                return 405, {}, b""
            return self._file(path.removeprefix(ARCHIVE_DIR))
        route = path.rstrip("/") + "/"
        if route not in (LIST_AGENCIES_PATH, LIST_MONTHLY_FILES_PATH):
            return json_reply(404, {"detail": "Not Found"})
        if method.upper() != "POST":
            return json_reply(405, {"detail": f'Method "{method.upper()}" not allowed.'})
        try:
            payload = json.loads(body or b"{}")
        except ValueError as exc:
            return json_reply(400, {"detail": f"JSON parse error - {exc}"})
        if route == LIST_AGENCIES_PATH:
            return json_reply(200, self._agencies())
        return self._monthly_files(payload)

    def _agencies(self) -> dict[str, Any]:
        rows = [
            {
                "name": a["agency_name"],
                "toptier_agency_id": self.agency_ids[a["toptier_code"]],
                "toptier_code": a["toptier_code"],
            }
            for a in sorted(self.toptier_agencies, key=lambda a: a["agency_name"])
        ]
        return {
            "agencies": {
                "cfo_agencies": [r for r in rows if r["toptier_code"] in CFO_CODES],
                "other_agencies": [r for r in rows if r["toptier_code"] not in CFO_CODES],
            },
            "sub_agencies": [],
        }

    def _monthly_files(self, payload: Any) -> Reply:
        for name in ("agency", "fiscal_year", "type"):
            if not isinstance(payload, dict) or payload.get(name) is None:
                return json_reply(
                    400, {"detail": f"Missing one or more required body parameters: {name}"}
                )
        by_id = {number: code for code, number in self.agency_ids.items()}
        code = by_id.get(payload["agency"])
        if code is None:
            return json_reply(400, {"detail": f"{payload['agency']} agency not found"})
        kind = str(payload["type"]).capitalize()
        year = payload["fiscal_year"]
        agency = next(a for a in self.toptier_agencies if a["toptier_code"] == code)
        files = []
        if kind == "Contracts" and self.first_fiscal_year <= year <= self._current_fy():
            files.append((year, f"FY{year}_{code}_Contracts_Full_{self.stamp}.zip"))
        files.append((None, f"FY(All)_{code}_{kind}_Delta_{self.stamp}.zip"))
        updated = f"{self.stamp[:4]}-{self.stamp[4:6]}-{self.stamp[6:]}"
        return json_reply(
            200,
            {
                "monthly_files": [
                    {
                        "fiscal_year": fy,
                        "agency_name": agency["agency_name"],
                        "agency_acronym": agency.get("abbreviation") or None,
                        "type": payload["type"],
                        "updated_date": updated,
                        "file_name": name,
                        "url": f"{self.files_url}{ARCHIVE_DIR}{name}",
                    }
                    for fy, name in files
                ]
            },
        )

    def _current_fy(self) -> int:
        return fiscal_year(dt.datetime.strptime(self.stamp, "%Y%m%d").date())

    # -- the files -----------------------------------------------------------------------------

    def _file(self, name: str) -> Reply:
        full = re.fullmatch(rf"FY(\d{{4}})_(\w+?)_Contracts_Full_{self.stamp}\.zip", name)
        delta = re.fullmatch(rf"FY\(All\)_(\w+?)_Contracts_Delta_{self.stamp}\.zip", name)
        if full is None and delta is None:
            # S3's answer for a key that is not (or no longer) there
            return (
                404,
                {"Content-Type": "application/xml"},
                b"<?xml version='1.0' encoding='UTF-8'?><Error><Code>NoSuchKey</Code>"
                b"<Message>The specified key does not exist.</Message></Error>",
            )
        self.served.append(name)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            if full is not None:
                rows = self.full_rows(full.group(2), int(full.group(1)))
                write_parts(archive, name.removesuffix(".zip"), self.columns, rows, self.row_limit)
            else:
                assert delta is not None
                rows = self.delta_rows(delta.group(1))
                header = (*DELTA_LEADING, *self.columns)
                write_parts(archive, name.removesuffix(".zip"), header, rows, self.row_limit)
        return 200, {"Content-Type": "application/zip"}, out.getvalue()

    def _agency_actions(
        self, awards: Iterable[AwardFact], code: str
    ) -> Iterator[tuple[AwardFact, dict[str, Any]]]:
        for fact in awards:
            if fact.row.get("Awarding Agency Code") != code:
                continue
            for action in fact.transactions:
                yield fact, action

    def _ordered(self, values: dict[str, str]) -> list[str]:
        return [values.get(c, "") for c in self.columns]

    def full_rows(self, code: str, year: int) -> Iterator[list[str]]:
        """The Full file's rows of agency ``code`` and fiscal year ``year``, by action date."""
        actions = [
            (f, a)
            for f, a in self._agency_actions(self.awards, code)
            if fiscal_year(dt.date.fromisoformat(str(a["Action Date"]))) == year
        ]
        actions.sort(
            key=lambda fa: (
                str(fa[1]["Action Date"]),
                str(fa[0].row["generated_internal_id"]),
                str(fa[1]["Mod"]),
            )
        )
        for fact, action in actions:
            yield self._ordered(archive_row(fact, action))

    def delta_rows(self, code: str) -> Iterator[list[str]]:
        """The Delta file's rows of agency ``code``: changed actions ("C"), then deletions."""
        for fact, action in self._agency_actions(self.delta_awards, code):
            values = archive_row(fact, action)
            yield [
                "C",
                values["contract_transaction_unique_key"].split("_")[0],
                *self._ordered(values),
            ]
        deleted = set(self.deleted)
        for fact, action in self._agency_actions(self.awards, code):
            values = archive_row(fact, action)
            key = values["contract_transaction_unique_key"]
            if key not in deleted:
                continue
            agency_id = key.split("_")[0]
            kept = {c: values[c] for c in DELETION_KEPT if c in values}
            kept["last_modified_date"] = f"{self.stamp[:4]}-{self.stamp[4:6]}-{self.stamp[6:]}"
            yield ["D", agency_id, *self._ordered(kept)]


class RoutedUsaspending:
    """The search API fake and the archive fake behind one USAspending ``App``."""

    def __init__(self, search: Any, archive: FakeArchive) -> None:
        self.search = search
        self.archive = archive

    def handle(self, method: str, path: str, query: dict[str, str], body: bytes | None) -> Reply:
        if path.startswith(ARCHIVE_DIR) or path.startswith("/api/v2/bulk_download/"):
            return self.archive.handle(method, path, query, body)
        reply: Reply = self.search.handle(method, path, query, body)
        return reply


def write_zip(
    path: Path,
    stem: str,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    row_limit: int = ROW_LIMIT,
) -> int:
    """A zip at ``path`` in the archive's layout, streamed to disk; returns the parts written."""
    with zipfile.ZipFile(path, "w", allowZip64=True) as archive:
        return write_parts(archive, stem, header, rows, row_limit)
