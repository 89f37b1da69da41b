"""The synthetic institution generator and the train-station reference table it draws from."""

import csv
import math
import unicodedata
from datetime import date
from pathlib import Path

import airportsdata
import pytest

from ingest.contracts import HEADCOUNT, SOURCES, TRAVEL_PLANES, TRAVEL_TRAINS, UNITS
from ingest.read import read_delivered_file
from ingest.reference import StationIndex, epfl_template_header, seeds_dir
from ingest.synthetic import generate_institution
from ingest.synthetic.purchases import CATALOGUE as PURCHASE_CATALOGUE
from ingest.synthetic.travel import (
    FALLBACK_DESTINATION,
    FALLBACK_DESTINATION_FROM_BERN,
    HOME_STATION_SHARES,
    STATION_WEIGHTS,
    TRAIN_STATIONS_CSV,
)
from ingest.validate import FacilityReference, Lookups, room_key, validate_rows

SCALE = 0.05
# The sub-module purchase templates the generator writes (the common template is for mixed exports: not used).
PURCHASE_TEMPLATES = tuple(PURCHASE_CATALOGUE)
YEARS = (2023, 2024, 2025)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def _fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.strip())
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def _haversine_km(lat_1: float, lon_1: float, lat_2: float, lon_2: float) -> float:
    phi_1, phi_2 = math.radians(lat_1), math.radians(lat_2)
    a = (
        math.sin((phi_2 - phi_1) / 2) ** 2
        + math.cos(phi_1) * math.cos(phi_2) * math.sin(math.radians(lon_2 - lon_1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def institution(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out_dir = tmp_path_factory.mktemp("institution")
    generate_institution(out_dir, scale=SCALE, seed=42, years=YEARS)
    return out_dir


@pytest.fixture(scope="module")
def stations() -> list[dict[str, str]]:
    return _read(TRAIN_STATIONS_CSV)


def test_generator_returns_the_units_file_and_every_module_file_per_year(institution: Path) -> None:
    written = generate_institution(institution / "again", scale=SCALE, seed=42, years=YEARS)
    expected = ["units.csv"] + [
        f"{kind}_{year}.csv" for year in YEARS for kind in ("headcount", "travel_planes", "travel_trains")
    ]
    expected += [
        f"{kind}_{year}.csv"
        for year in YEARS
        for kind in ("equipment_scientific", "equipment_it", "equipment_other", "processemissions")
    ]
    expected += ["building_rooms_reference.csv"] + [
        f"{kind}_{year}.csv"
        for year in YEARS
        for kind in ("building_room_intensities", "building_rooms", "building_energycombustions")
    ]
    expected += [f"{kind}_{year}.csv" for year in YEARS for kind in ("external_clouds", "external_ai")]
    expected += [
        f"{kind}_{year}.csv"
        for year in YEARS
        for kind in ("facility_footprints", "researchfacilities_common", "researchfacilities_animals")
    ]
    expected += [
        f"{kind}_{year}.csv" for year in YEARS for kind in (*PURCHASE_TEMPLATES, "purchases_additional")
    ]
    expected += [f"additional_intensities_{year}.csv" for year in YEARS]
    expected += [f"construction_intensities_{year}.csv" for year in YEARS]
    assert [path.name for path in written] == expected
    assert all(path.is_file() for path in written)


def test_headers_are_the_unit_key_then_the_template_header_and_travel_ends_with_the_override(
    institution: Path,
) -> None:
    assert _header(institution / "units.csv") == list(UNITS.column_names)
    for year in YEARS:
        headcount = _header(institution / f"headcount_{year}.csv")
        planes = _header(institution / f"travel_planes_{year}.csv")
        trains = _header(institution / f"travel_trains_{year}.csv")
        assert headcount == ["unit_institutional_id", *epfl_template_header("headcount_template.csv")]
        assert planes == [
            "unit_institutional_id",
            *epfl_template_header("travel_planes_template.csv"),
            "kg_co2eq",
        ]
        assert trains == [
            "unit_institutional_id",
            *epfl_template_header("travel_trains_template.csv"),
            "kg_co2eq",
        ]
        assert (headcount, planes, trains) == (
            list(HEADCOUNT.column_names),
            list(TRAVEL_PLANES.column_names),
            list(TRAVEL_TRAINS.column_names),
        )


def test_files_are_utf8_with_unix_line_endings(institution: Path) -> None:
    for path in institution.glob("*.csv"):
        content = path.read_bytes()
        content.decode("utf-8")
        assert b"\r" not in content, path.name
        assert content.endswith(b"\n"), path.name


def test_the_same_seed_writes_byte_identical_files(institution: Path, tmp_path: Path) -> None:
    generate_institution(tmp_path, scale=SCALE, seed=42, years=YEARS)
    for path in institution.glob("*.csv"):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_another_seed_writes_different_files(institution: Path, tmp_path: Path) -> None:
    generate_institution(tmp_path, scale=SCALE, seed=43, years=YEARS)
    for path in institution.glob("*.csv"):
        assert (tmp_path / path.name).read_bytes() != path.read_bytes(), path.name


def test_lab_count_is_500_labs_times_the_scale(institution: Path) -> None:
    labs = [unit for unit in _read(institution / "units.csv") if unit["unit_level"] == "4"]
    assert len(labs) == round(500 * SCALE)


def test_each_unit_hangs_under_a_parent_one_level_up(institution: Path) -> None:
    units = _read(institution / "units.csv")
    level_of = {unit["unit_institutional_id"]: int(unit["unit_level"]) for unit in units}
    roots = [unit for unit in units if unit["parent_unit_institutional_id"] == ""]
    assert [int(root["unit_level"]) for root in roots] == [1]
    for unit in units:
        if unit["parent_unit_institutional_id"]:
            assert level_of[unit["parent_unit_institutional_id"]] == int(unit["unit_level"]) - 1
    assert set(level_of.values()) == {1, 2, 3, 4}


def test_unit_ids_are_unique_5_digit_strings_and_unit_codes_unique_upper_case(institution: Path) -> None:
    units = _read(institution / "units.csv")
    ids = [unit["unit_institutional_id"] for unit in units]
    codes = [unit["unit_code"] for unit in units]
    assert all(len(unit_id) == 5 and unit_id.isdigit() for unit_id in ids)
    assert len(set(ids)) == len(ids)
    assert len(set(codes)) == len(codes)
    assert all(code == code.upper() and 2 <= len(code) <= 6 for code in codes)


def test_headcount_lists_only_labs_with_5_to_40_members_and_one_or_two_professors(institution: Path) -> None:
    lab_ids = {
        unit["unit_institutional_id"]
        for unit in _read(institution / "units.csv")
        if unit["unit_level"] == "4"
    }
    for year in YEARS:
        rows = _read(institution / f"headcount_{year}.csv")
        members: dict[str, list[dict[str, str]]] = {}
        for row in rows:
            members.setdefault(row["unit_institutional_id"], []).append(row)
        assert set(members) == lab_ids
        for lab_rows in members.values():
            assert 5 <= len(lab_rows) <= 40
            assert 1 <= sum(row["sius_code"] == "51" for row in lab_rows) <= 2
        assert {row["sius_code"] for row in rows} <= {"51", "52", "53", "54", "56", "57", "58", "59"}
        assert all(0 < float(row["fte"]) <= 1 for row in rows)
        assert all(
            len(row["user_institutional_id"]) == 6 and row["user_institutional_id"].isdigit() for row in rows
        )
        assert all(row["name"] for row in rows)


def test_doctoral_assistants_and_scientific_collaborators_are_the_majority(institution: Path) -> None:
    rows = _read(institution / "headcount_2024.csv")
    share = sum(row["sius_code"] in {"53", "54"} for row in rows) / len(rows)
    assert 0.6 <= share <= 0.85
    assert sum(row["fte"] == "1.0" for row in rows) / len(rows) > 0.6


def test_people_keep_their_id_and_name_across_years_with_about_15_percent_turnover(institution: Path) -> None:
    before = {row["user_institutional_id"]: row for row in _read(institution / "headcount_2023.csv")}
    after = {row["user_institutional_id"]: row for row in _read(institution / "headcount_2024.csv")}
    stayed = set(before) & set(after)
    assert 0.08 <= 1 - len(stayed) / len(before) <= 0.25
    assert all(before[person]["name"] == after[person]["name"] for person in stayed)
    assert all(
        before[person]["unit_institutional_id"] == after[person]["unit_institutional_id"] for person in stayed
    )


def test_every_airport_code_is_known_to_airportsdata_and_origin_differs_from_destination(
    institution: Path,
) -> None:
    airports = airportsdata.load("IATA")
    for year in YEARS:
        for row in _read(institution / f"travel_planes_{year}.csv"):
            assert row["origin_iata"] in airports
            assert row["destination_iata"] in airports
            assert row["origin_iata"] != row["destination_iata"]


def test_most_flights_leave_from_swiss_airports(institution: Path) -> None:
    rows = _read(institution / "travel_planes_2024.csv")
    swiss = {"GVA", "ZRH", "BSL"}
    assert (
        sum(row["origin_iata"] in swiss or row["destination_iata"] in swiss for row in rows) / len(rows) > 0.9
    )


def test_every_train_station_is_in_the_station_table_with_its_country(
    institution: Path, stations: list[dict[str, str]]
) -> None:
    known = {(station["station_name"], station["country_code"]) for station in stations}
    for year in YEARS:
        rows = _read(institution / f"travel_trains_{year}.csv")
        for row in rows:
            assert (row["origin_name"], row["origin_country_code"]) in known
            assert (row["destination_name"], row["destination_country_code"]) in known
            assert row["origin_name"] != row["destination_name"]
        domestic = sum(row["origin_country_code"] == row["destination_country_code"] == "CH" for row in rows)
        assert 0.6 <= domestic / len(rows) < 1.0


def test_every_traveller_is_a_member_of_the_lab_in_that_year(institution: Path) -> None:
    for year in YEARS:
        members = {
            (row["unit_institutional_id"], row["user_institutional_id"])
            for row in _read(institution / f"headcount_{year}.csv")
        }
        for kind in ("travel_planes", "travel_trains"):
            for row in _read(institution / f"{kind}_{year}.csv"):
                assert (row["unit_institutional_id"], row["user_institutional_id"]) in members


def test_every_departure_date_is_an_iso_date_inside_its_year(institution: Path) -> None:
    for year in YEARS:
        for kind in ("travel_planes", "travel_trains"):
            for row in _read(institution / f"{kind}_{year}.csv"):
                assert date.fromisoformat(row["departure_date"]).year == year


def test_trips_classes_and_overrides_follow_the_template_rules(institution: Path) -> None:
    override_count = row_count = 0
    for year in YEARS:
        for kind, classes in (
            ("travel_planes", {"economy", "business", "first"}),
            ("travel_trains", {"first", "second"}),
        ):
            rows = _read(institution / f"{kind}_{year}.csv")
            assert {row["number_of_trips"] for row in rows} <= {"1", "2"}
            assert sum(row["number_of_trips"] == "1" for row in rows) / len(rows) > 0.6
            assert {row["cabin_class"] for row in rows} <= classes
            overrides = [float(row["kg_co2eq"]) for row in rows if row["kg_co2eq"]]
            assert all(kg > 0 for kg in overrides)
            override_count += len(overrides)
            row_count += len(rows)
    assert 0 < override_count / row_count < 0.03


def test_most_flights_are_economy_and_first_class_is_rare(institution: Path) -> None:
    rows = [row for year in YEARS for row in _read(institution / f"travel_planes_{year}.csv")]
    economy = sum(row["cabin_class"] == "economy" for row in rows) / len(rows)
    first = sum(row["cabin_class"] == "first" for row in rows) / len(rows)
    assert economy > 0.85
    assert first < 0.02


def test_volumes_per_member_match_the_scale_one_targets(institution: Path) -> None:
    # Scale 1 aims at ~8 000 members, ~12 000 flight rows and ~15 000 train rows for 500 labs.
    members = len(_read(institution / "headcount_2024.csv"))
    planes = len(_read(institution / "travel_planes_2024.csv"))
    trains = len(_read(institution / "travel_trains_2024.csv"))
    assert 10 <= members / round(500 * SCALE) <= 22
    assert 1.1 <= planes / members <= 1.9
    assert 1.4 <= trains / members <= 2.4


def test_flights_rise_from_2023_to_2024_and_stay_level_in_2025(institution: Path) -> None:
    counts = {year: len(_read(institution / f"travel_planes_{year}.csv")) for year in YEARS}
    assert counts[2023] < counts[2024]
    assert abs(counts[2025] / counts[2024] - 1) < 0.15


def test_generator_refuses_a_non_positive_scale(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scale"):
        generate_institution(tmp_path, scale=0)


def test_station_table_has_unique_ids_and_coordinates_inside_its_country(
    stations: list[dict[str, str]],
) -> None:
    # Rough boxes around each country: a swapped or mistyped coordinate lands outside.
    boxes = {
        "CH": (45.8, 47.9, 5.9, 10.5),
        "FR": (42.3, 51.1, -4.8, 8.3),
        "DE": (47.2, 55.1, 5.8, 15.1),
        "IT": (36.6, 47.1, 6.6, 18.6),
        "AT": (46.3, 49.1, 9.5, 17.2),
        "LI": (47.0, 47.3, 9.4, 9.7),
        "BE": (49.4, 51.6, 2.5, 6.5),
        "NL": (50.7, 53.6, 3.3, 7.3),
        "LU": (49.4, 50.2, 5.7, 6.6),
        "GB": (49.9, 58.7, -8.2, 1.8),
    }
    ids = [station["station_id"] for station in stations]
    assert len(set(ids)) == len(ids)
    for station in stations:
        lat_min, lat_max, lon_min, lon_max = boxes[station["country_code"]]
        assert station["station_id"].startswith(station["country_code"].lower() + "_")
        assert lat_min <= float(station["latitude_deg"]) <= lat_max, station["station_id"]
        assert lon_min <= float(station["longitude_deg"]) <= lon_max, station["station_id"]
        assert len(station["latitude_deg"].split(".")[1]) >= 4
    assert sum(station["country_code"] == "CH" for station in stations) >= 60
    assert sum(station["country_code"] != "CH" for station in stations) >= 60


def test_station_names_and_aliases_designate_one_station_per_country(stations: list[dict[str, str]]) -> None:
    owner: dict[tuple[str, str], str] = {}
    for station in stations:
        names = [station["station_name"], *filter(None, station["aliases"].split("|"))]
        for name in names:
            key = (station["country_code"], _fold(name))
            assert owner.setdefault(key, station["station_id"]) == station["station_id"], key


def test_station_coordinates_reproduce_the_methodology_worked_examples(
    stations: list[dict[str, str]],
) -> None:
    by_id = {station["station_id"]: station for station in stations}

    def distance_km(origin: str, destination: str) -> float:
        a, b = by_id[origin], by_id[destination]
        return _haversine_km(
            float(a["latitude_deg"]),
            float(a["longitude_deg"]),
            float(b["latitude_deg"]),
            float(b["longitude_deg"]),
        )

    # METHODOLOGY.md §5, W5a and W6a.
    assert distance_km("ch_lausanne", "ch_zurich_hb") == pytest.approx(173.825126, rel=1e-6)
    assert distance_km("ch_geneve_cornavin", "fr_paris_gare_de_lyon") == pytest.approx(407.123832, rel=1e-6)
    assert "Paris-Gare-de-Lyon" in by_id["fr_paris_gare_de_lyon"]["aliases"].split("|")
    assert by_id["fr_paris_gare_de_lyon"]["station_name"] == "Paris Gare de Lyon"


def test_every_station_the_generator_names_exists_in_the_table(stations: list[dict[str, str]]) -> None:
    # Guards against a station renamed in the table but still weighted, silently dropping it from the mix.
    ids = {station["station_id"] for station in stations}
    named = {*HOME_STATION_SHARES, *STATION_WEIGHTS, FALLBACK_DESTINATION, FALLBACK_DESTINATION_FROM_BERN}
    assert named <= ids, named - ids


def test_module_files_pass_validation_with_their_back_office_headers(
    institution: Path,
) -> None:
    labs = {u["unit_institutional_id"] for u in _read(institution / "units.csv") if u["unit_level"] == "4"}
    lookups = Lookups(frozenset(labs), frozenset(), StationIndex(by_name={}, names_by_country={}))
    for year in YEARS:
        for source in (
            "equipment_scientific",
            "equipment_it",
            "equipment_other",
            "processemissions",
            "external_clouds",
            "external_ai",
            *PURCHASE_TEMPLATES,
            "purchases_additional",
        ):
            contract = SOURCES[source]
            path = institution / f"{source}_{year}.csv"
            assert _header(path) == list(contract.column_names)
            delivered = read_delivered_file(path, contract)
            _, problems = validate_rows(delivered.cells, contract, reporting_year=year, lookups=lookups)
            assert problems == [], (path.name, problems[:3])


def test_equipment_inventories_carry_over_with_hours_for_most_items(institution: Path) -> None:
    before = {row["equipment_id"]: row for row in _read(institution / "equipment_it_2024.csv")}
    after = {row["equipment_id"]: row for row in _read(institution / "equipment_it_2025.csv")}
    kept = set(before) & set(after)
    assert 0.85 <= len(kept) / len(before) <= 0.97
    assert all(
        before[i]["active_usage_hours_per_week"] == after[i]["active_usage_hours_per_week"] for i in kept
    )
    rows = [
        row
        for source in ("scientific", "it", "other")
        for row in _read(institution / f"equipment_{source}_2025.csv")
    ]
    blank = sum(row["active_usage_hours_per_week"] == "" for row in rows) / len(rows)
    assert 0.02 <= blank <= 0.15
    freezers = [
        row
        for row in rows
        if row["sub_class"] == "Recent -80C freezers (<12yo)" and row["active_usage_hours_per_week"]
    ]
    assert freezers and all(float(row["active_usage_hours_per_week"]) == 168 for row in freezers)


def test_most_labs_own_it_equipment_and_a_minority_top_up_refrigerants(institution: Path) -> None:
    labs = {u["unit_institutional_id"] for u in _read(institution / "units.csv") if u["unit_level"] == "4"}
    it_owners = {row["unit_institutional_id"] for row in _read(institution / "equipment_it_2025.csv")}
    assert len(it_owners) / len(labs) > 0.9
    process = _read(institution / "processemissions_2025.csv")
    refrigerant_labs = {row["unit_institutional_id"] for row in process if row["category"] == "Refrigerant"}
    assert 0 < len(refrigerant_labs) / len(labs) < 0.3
    assert {row["category"] for row in process} <= {"CO2", "CH4", "N2O", "Refrigerant"}
    assert all(float(row["quantity"]) > 0 for row in process)


def test_building_files_pass_validation_against_the_generated_room_reference(institution: Path) -> None:
    labs = {u["unit_institutional_id"] for u in _read(institution / "units.csv") if u["unit_level"] == "4"}
    reference = _read(institution / "building_rooms_reference.csv")
    rooms = {
        room_key(r["building_name"], r["room_name"]): (r["building_name"], r["room_name"]) for r in reference
    }
    lookups = Lookups(
        frozenset(labs), frozenset(), StationIndex(by_name={}, names_by_country={}), rooms=rooms
    )
    files = [("building_rooms_reference", institution / "building_rooms_reference.csv", None)] + [
        (source, institution / f"{source}_{year}.csv", year)
        for year in YEARS
        for source in ("building_room_intensities", "building_rooms", "building_energycombustions")
    ]
    for source, path, year in files:
        contract = SOURCES[source]
        assert _header(path) == list(contract.column_names)
        delivered = read_delivered_file(path, contract)
        _, problems = validate_rows(delivered.cells, contract, reporting_year=year, lookups=lookups)
        assert problems == [], (path.name, problems[:3])


def test_every_lab_occupies_offices_some_share_rooms_and_no_room_is_overallocated(institution: Path) -> None:
    labs = {u["unit_institutional_id"] for u in _read(institution / "units.csv") if u["unit_level"] == "4"}
    rooms = _read(institution / "building_rooms_2025.csv")
    offices = {row["unit_institutional_id"] for row in rooms if row["room_type"] == "office"}
    assert offices == labs
    ratio_by_room: dict[tuple[str, str], float] = {}
    for row in rooms:
        key = (row["building_name"], row["room_name"])
        ratio_by_room[key] = ratio_by_room.get(key, 0) + float(row["room_allocation_ratio"])
    assert all(total <= 1 for total in ratio_by_room.values())
    assert any(float(row["room_allocation_ratio"]) < 1 for row in rooms)
    surfaces = [
        row["room_surface_square_meter"] for row in _read(institution / "building_rooms_reference.csv")
    ]
    assert all(surface == "" or float(surface) > 0 for surface in surfaces)


def test_intensities_are_labelled_demo_data_with_a_default_row_per_room_type(institution: Path) -> None:
    intensities = _read(institution / "building_room_intensities_2025.csv")
    assert all("synthetic demo" in row["note"] for row in intensities)
    defaults = {
        (row["room_type"], row["end_use"]) for row in intensities if row["building_name"] == "default"
    }
    assert {room_type for room_type, _ in defaults} == {
        "office",
        "laboratories",
        "archives",
        "libraries",
        "auditoriums",
        "miscellaneous",
    }


def test_a_minority_of_labs_pays_a_cloud_and_most_labs_report_ai_use(institution: Path) -> None:
    labs = {u["unit_institutional_id"] for u in _read(institution / "units.csv") if u["unit_level"] == "4"}
    clouds = _read(institution / "external_clouds_2025.csv")
    ai = _read(institution / "external_ai_2025.csv")
    assert 0 < len({row["unit_institutional_id"] for row in clouds}) / len(labs) < 0.5
    assert len({row["unit_institutional_id"] for row in ai}) / len(labs) > 0.6
    assert {row["currency"] for row in clouds} <= {"CHF", "EUR", "USD"}
    assert all(float(row["spent_amount"]) > 0 for row in clouds)
    assert {row["requests_per_user_per_day"] for row in ai} <= {"1_5", "5_20", "20_100", "gt_100"}
    fte_given = [row["fte_count"] for row in ai if row["fte_count"]]
    assert 0 < len(fte_given) < len(ai)
    assert all(float(fte) >= 0.1 for fte in fte_given)


def test_cloud_accounts_are_kept_from_year_to_year(institution: Path) -> None:
    def accounts(year: int) -> set[tuple[str, str, str, str]]:
        return {
            (row["unit_institutional_id"], row["service_type"], row["provider"], row["currency"])
            for row in _read(institution / f"external_clouds_{year}.csv")
        }

    assert accounts(2023) == accounts(2024) == accounts(2025)


def test_facility_files_pass_validation_against_the_reference_of_their_year(institution: Path) -> None:
    labs = {u["unit_institutional_id"] for u in _read(institution / "units.csv") if u["unit_level"] == "4"}
    for year in YEARS:
        references = _read(institution / f"facility_footprints_{year}.csv")
        facilities: dict[str, FacilityReference] = {}
        for row in references:
            facility = facilities.setdefault(
                row["facility_id"], FacilityReference(row["facility_kind"], row["allocation_unit"], {})
            )
            facility.total_use_by_type[row["animal_type"] or None] = float(row["total_use"] or "nan")
        lookups = Lookups(
            frozenset(labs), frozenset(), StationIndex(by_name={}, names_by_country={}), facilities=facilities
        )
        for source in ("facility_footprints", "researchfacilities_common", "researchfacilities_animals"):
            contract = SOURCES[source]
            path = institution / f"{source}_{year}.csv"
            assert _header(path) == list(contract.column_names)
            delivered = read_delivered_file(path, contract)
            _, problems = validate_rows(delivered.cells, contract, reporting_year=year, lookups=lookups)
            assert problems == [], (path.name, problems[:3])


def test_facilities_are_labs_that_never_use_themselves_and_serve_external_users_too(
    institution: Path,
) -> None:
    for year in YEARS:
        references = _read(institution / f"facility_footprints_{year}.csv")
        hosts = {r["facility_id"]: r for r in references}
        assert {"HPC-CPU", "HPC-GPU", "ANIMAL-01"} <= set(hosts)
        assert {r["footprint_origin"] for r in references} == {"per_hour_factor", "computed", "declared"}
        for kind in ("common", "animals"):
            rows = _read(institution / f"researchfacilities_{kind}_{year}.csv")
            assert rows
            for row in rows:
                assert (
                    row["unit_institutional_id"]
                    != hosts[row["researchfacility_id"]]["facility_unit_institutional_id"]
                )
        used: dict[str, float] = {}
        for row in _read(institution / f"researchfacilities_common_{year}.csv"):
            used[row["researchfacility_id"]] = used.get(row["researchfacility_id"], 0) + float(row["use"])
        for facility_id, use in used.items():
            total = hosts[facility_id]["total_use"]
            assert not total or use < float(total)


def test_purchases_are_mostly_in_chf_with_seed_nacres_codes_and_some_liquid_nitrogen(
    institution: Path,
) -> None:
    rows = [row for source in PURCHASE_TEMPLATES for row in _read(institution / f"{source}_2025.csv")]
    currencies = [row["currency"] for row in rows]
    assert currencies.count("CHF") / len(rows) > 0.75
    assert {"EUR", "USD"} <= set(currencies)
    with (seeds_dir() / "seed_factors__purchases_monetary.csv").open(encoding="utf-8") as handle:
        seed_codes = {row["code"] for row in csv.DictReader(handle)}
    with_factor = sum(row["purchase_additional_code"] in seed_codes for row in rows) / len(rows)
    assert 0.6 < with_factor < 1
    labs = {u["unit_institutional_id"] for u in _read(institution / "units.csv") if u["unit_level"] == "4"}
    buyers = {row["unit_institutional_id"] for row in rows}
    assert len(buyers) / len(labs) > 0.9
    nitrogen = _read(institution / "purchases_additional_2025.csv")
    assert 0 < len(nitrogen) < len(labs)
    assert {(row["name"], row["unit"], row["coef_to_kg"]) for row in nitrogen} == {
        ("Liquid Nitrogen", "L", "0.8")
    }


def test_additional_intensities_pass_validation_and_say_they_are_synthetic(institution: Path) -> None:
    contract = SOURCES["additional_intensities"]
    lookups = Lookups(frozenset(), frozenset(), StationIndex(by_name={}, names_by_country={}))
    for year in YEARS:
        path = institution / f"additional_intensities_{year}.csv"
        assert _header(path) == list(contract.column_names)
        delivered = read_delivered_file(path, contract)
        _, problems = validate_rows(delivered.cells, contract, reporting_year=year, lookups=lookups)
        assert problems == [], (path.name, problems[:3])
        rows = _read(path)
        assert {row["domain"] for row in rows} == {"commuting", "food", "waste"}
        assert all(row["source_ref"].startswith("synthetic institution data") for row in rows)


def test_construction_intensities_pass_validation_and_say_they_are_synthetic(institution: Path) -> None:
    contract = SOURCES["construction_intensities"]
    lookups = Lookups(frozenset(), frozenset(), StationIndex(by_name={}, names_by_country={}))
    buildings = {row["building_name"] for row in _read(institution / "building_rooms_reference.csv")}
    for year in YEARS:
        path = institution / f"construction_intensities_{year}.csv"
        assert _header(path) == list(contract.column_names)
        delivered = read_delivered_file(path, contract)
        _, problems = validate_rows(delivered.cells, contract, reporting_year=year, lookups=lookups)
        assert problems == [], (path.name, problems[:3])
        rows = _read(path)
        assert ("default", "ren_tech") in {(row["building_name"], row["activity"]) for row in rows}
        assert {row["building_name"] for row in rows} - {"default"} <= buildings
        assert all(row["source_ref"].startswith("synthetic institution data") for row in rows)
