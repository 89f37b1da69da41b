"""Professional travel of lab members: flights and train journeys (METHODOLOGY.md §3.2).

A journey is drawn per traveller and written in one of the three ways people fill the template: outbound
and return as two rows, one row with `number_of_trips = 2`, or a one-way row. Volumes are per member, so
they follow the scale; yearly multipliers give the post-pandemic trend.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import airportsdata
import numpy as np
import polars as pl

from ingest.contracts import TRAVEL_PLANES, TRAVEL_TRAINS
from ingest.synthetic.people import People, Roster
from ingest.synthetic.vocabulary import TRAVEL_NOTES

TRAIN_STATIONS_CSV = Path(__file__).resolve().parents[1] / "reference_data" / "train_stations.csv"
EARTH_RADIUS_KM = 6371.0088

# Invented activity levels relative to 2024: flights recover after the pandemic and then level off under
# the institution's reduction target; rail keeps growing as some flights shift to trains.
FLIGHT_ACTIVITY_BY_YEAR = {2019: 1.10, 2020: 0.30, 2021: 0.35, 2022: 0.66, 2023: 0.84, 2024: 1.00, 2025: 0.98}
TRAIN_ACTIVITY_BY_YEAR = {2019: 0.80, 2020: 0.45, 2021: 0.60, 2022: 0.85, 2023: 0.93, 2024: 1.00, 2025: 1.05}

# Journeys per member and year at activity 1; with ~1.6 rows per journey this gives ~1.5 flight rows and
# ~1.9 train rows per member (12 000 and 15 000 rows for the 8 000 members of scale 1).
FLIGHT_JOURNEYS_PER_MEMBER = 0.94
TRAIN_JOURNEYS_PER_MEMBER = 1.2

TWO_ROWS, RETURN_IN_ONE_ROW, ONE_WAY = 0, 1, 2
JOURNEY_SHAPE_SHARES = np.array([0.58, 0.27, 0.15])
NOTE_SHARE = 0.12
OVERRIDE_SHARE = 0.01
# Conferences cluster in spring, June and September; August and the holidays are quiet.
MONTH_WEIGHTS = np.array([6, 7, 9, 9, 10, 11, 8, 5, 11, 9, 9, 6], dtype=float)

HOME_AIRPORT_SHARES = {"GVA": 0.55, "ZRH": 0.33, "BSL": 0.12}
# Long-haul journeys that start abroad, e.g. the next leg of a European visit.
FOREIGN_ORIGIN_SHARE = 0.07
FOREIGN_ORIGIN_AIRPORTS = ("CDG", "LHR", "AMS", "FRA", "MUC")
DESTINATION_REGION_SHARES = {"europe": 0.62, "north_america": 0.18, "asia": 0.13, "other": 0.07}
DESTINATION_AIRPORTS = {
    "europe": {
        "CDG": 8, "LHR": 6, "AMS": 5, "BCN": 5, "BER": 4, "VIE": 4, "MAD": 4, "LIS": 4, "FCO": 4, "FRA": 3,
        "MUC": 3, "ATH": 3, "CPH": 3, "ARN": 3, "OSL": 2, "HEL": 2, "DUB": 2, "BRU": 2, "PRG": 2, "WAW": 2,
        "BUD": 2, "EDI": 2, "MAN": 2, "IST": 2, "OPO": 2, "VLC": 2, "HAM": 2, "NCE": 1, "TLS": 1, "NAP": 1,
        "PMI": 1, "CTA": 1, "SOF": 1, "OTP": 1, "ZAG": 1, "LJU": 1, "BEG": 1, "KRK": 1, "RIX": 1, "TLL": 1,
        "VNO": 1, "KEF": 1, "BOD": 1, "NTE": 1, "BLQ": 1,
    },
    "north_america": {
        "JFK": 6, "BOS": 5, "SFO": 5, "LAX": 3, "ORD": 3, "IAD": 3, "YUL": 3, "EWR": 2, "SEA": 2, "YYZ": 2,
        "YVR": 2, "DEN": 2, "ATL": 2, "SAN": 2, "MIA": 1, "AUS": 1, "PHL": 1, "IAH": 1, "MEX": 1,
    },
    "asia": {
        "SIN": 4, "HND": 3, "ICN": 3, "NRT": 2, "PEK": 2, "PVG": 2, "HKG": 2, "BKK": 2, "DEL": 2, "BLR": 2,
        "TLV": 2, "BOM": 1, "TPE": 1, "DXB": 1, "DOH": 1, "KUL": 1,
    },
    "other": {
        "GRU": 2, "JNB": 2, "CPT": 2, "NBO": 2, "SYD": 2, "EZE": 1, "SCL": 1, "BOG": 1, "LIM": 1, "ADD": 1,
        "MEL": 1, "AKL": 1, "CMN": 1, "CAI": 1, "ACC": 1, "DKR": 1, "KGL": 1,
    },
}  # fmt: skip
# Relative travel propensity by SIUS code: professors fly most, administrative staff rarely.
FLIGHT_WEIGHT_BY_SIUS = {51: 4.0, 52: 1.0, 53: 1.5, 54: 1.0, 56: 1.2, 57: 0.2, 58: 0.2, 59: 0.1}
TRAIN_WEIGHT_BY_SIUS = {51: 2.5, 52: 1.0, 53: 1.3, 54: 1.0, 56: 1.5, 57: 0.5, 58: 0.5, 59: 0.4}
# (business, first) shares per flight type; professors and managers more often fly business long-haul.
CABIN_SHARES_SHORT_HAUL = (0.02, 0.002)
CABIN_SHARES_LONG_HAUL = (0.10, 0.01)
CABIN_SHARES_LONG_HAUL_SENIOR = (0.30, 0.02)
SENIOR_SIUS_CODES = (51, 56)
FIRST_CLASS_RAIL_SHARE = 0.15
FIRST_CLASS_RAIL_SHARE_SENIOR = 0.45

# Where each lab sits: a main campus by Lausanne and smaller sites, as at a Swiss federal school.
HOME_STATION_SHARES = {
    "ch_lausanne": 0.72,
    "ch_renens_vd": 0.08,
    "ch_geneve_cornavin": 0.06,
    "ch_sion": 0.05,
    "ch_neuchatel": 0.05,
    "ch_fribourg_freiburg": 0.04,
}
AWAY_FROM_HOME_SHARE = 0.10
# Half of the journeys within Switzerland are day trips (out and back on the same date).
DAY_TRIP_SHARE = 0.5
TRAIN_COUNTRY_SHARES = {"CH": 0.82, "FR": 0.08, "DE": 0.05, "IT": 0.04, "AT": 0.01}
# Relative popularity of destination stations within their country; unlisted stations weigh 0.5.
STATION_WEIGHTS = {
    "ch_zurich_hb": 14, "ch_bern": 12, "ch_geneve_cornavin": 9, "ch_lausanne": 9, "ch_basel_sbb": 6,
    "ch_geneve_aeroport": 5, "ch_fribourg_freiburg": 4, "ch_neuchatel": 3, "ch_sion": 3,
    "ch_zurich_flughafen": 3, "ch_luzern": 3, "ch_biel_bienne": 2, "ch_yverdon_les_bains": 2, "ch_lugano": 2,
    "ch_visp": 1.5, "ch_brig": 1.5, "ch_martigny": 1.5, "ch_winterthur": 1.5, "ch_st_gallen": 1.5,
    "ch_olten": 1.5, "ch_chur": 1.5, "ch_zug": 1.5, "ch_thun": 1.5, "ch_zurich_oerlikon": 1.5,
    "fr_paris_gare_de_lyon": 10, "fr_lyon_part_dieu": 4, "fr_annecy": 2, "fr_grenoble": 2,
    "fr_marseille_saint_charles": 2, "fr_strasbourg": 1.5, "fr_annemasse": 1.5, "fr_dijon": 1,
    "de_frankfurt_main_hbf": 4, "de_munchen_hbf": 3, "de_freiburg_breisgau_hbf": 3, "de_stuttgart_hbf": 2,
    "de_karlsruhe_hbf": 2, "de_berlin_hbf": 2,
    "it_milano_centrale": 10, "it_torino_porta_nuova": 2, "it_venezia_santa_lucia": 2,
    "it_firenze_santa_maria_novella": 1.5, "it_roma_termini": 1.5, "it_bologna_centrale": 1.5,
    "at_wien_hbf": 3, "at_innsbruck_hbf": 3, "at_salzburg_hbf": 2, "at_feldkirch": 1,
}  # fmt: skip
DEFAULT_STATION_WEIGHT = 0.5
FALLBACK_DESTINATION = "ch_bern"
FALLBACK_DESTINATION_FROM_BERN = "ch_zurich_hb"
TRAIN_DETOUR_FACTOR = 1.2

# Rough agency figures for the few rows that arrive with their own kg_co2eq (METHODOLOGY.md §1.4): the
# values only need to be plausible, they are not the factors co2calc applies.
AGENCY_FLIGHT_ALLOWANCE_KM = 95.0
AGENCY_FLIGHT_KG_PER_KM = ((1000.0, 0.30), (3500.0, 0.22), (np.inf, 0.19))
AGENCY_CABIN_WEIGHT = {"economy": 1.0, "business": 2.5, "first": 3.5}
AGENCY_RAIL_KG_PER_KM = {"CH": 0.007, "FR": 0.0125, "DE": 0.0408, "IT": 0.0747, "AT": 0.0151}


@dataclass(frozen=True)
class Travellers:
    """The members who travel, one per journey, with their lab."""

    lab_index: np.ndarray
    person_index: np.ndarray


def load_train_stations(path: Path = TRAIN_STATIONS_CSV) -> pl.DataFrame:
    return pl.read_csv(path, schema_overrides={"aliases": pl.String}, encoding="utf8")


def flight_activity(year: int) -> float:
    return _activity(FLIGHT_ACTIVITY_BY_YEAR, year)


def train_activity(year: int) -> float:
    return _activity(TRAIN_ACTIVITY_BY_YEAR, year)


def travel_planes_frame(
    rng: np.random.Generator, roster: Roster, people: People, lab_ids: np.ndarray, lab_propensity: np.ndarray
) -> pl.DataFrame:
    journey_count = round(
        roster.person_index.size * FLIGHT_JOURNEYS_PER_MEMBER * flight_activity(roster.year)
    )
    travellers = _pick_travellers(rng, roster, people, lab_propensity, FLIGHT_WEIGHT_BY_SIUS, journey_count)

    region_names = list(DESTINATION_REGION_SHARES)
    destination_codes, destination_regions, destination_weights = [], [], []
    for region_number, region in enumerate(region_names):
        codes = DESTINATION_AIRPORTS[region]
        region_total = sum(codes.values())
        destination_codes += list(codes)
        destination_regions += [region_number] * len(codes)
        destination_weights += [
            DESTINATION_REGION_SHARES[region] * weight / region_total for weight in codes.values()
        ]
    destination_index = rng.choice(len(destination_codes), size=journey_count, p=destination_weights)
    destination = np.array(destination_codes)[destination_index]
    is_long_haul = np.array(destination_regions)[destination_index] != region_names.index("europe")

    origin = rng.choice(list(HOME_AIRPORT_SHARES), size=journey_count, p=list(HOME_AIRPORT_SHARES.values()))
    starts_abroad = is_long_haul & (rng.random(journey_count) < FOREIGN_ORIGIN_SHARE)
    origin = np.where(starts_abroad, rng.choice(FOREIGN_ORIGIN_AIRPORTS, size=journey_count), origin)

    sius = people.sius_codes[travellers.person_index]
    senior = np.isin(sius, SENIOR_SIUS_CODES)
    business_share = np.where(
        is_long_haul,
        np.where(senior, CABIN_SHARES_LONG_HAUL_SENIOR[0], CABIN_SHARES_LONG_HAUL[0]),
        CABIN_SHARES_SHORT_HAUL[0],
    )
    first_share = np.where(
        is_long_haul,
        np.where(senior, CABIN_SHARES_LONG_HAUL_SENIOR[1], CABIN_SHARES_LONG_HAUL[1]),
        CABIN_SHARES_SHORT_HAUL[1],
    )
    draw = rng.random(journey_count)
    cabin = np.where(
        draw < first_share, "first", np.where(draw < first_share + business_share, "business", "economy")
    )

    stay_days = np.where(is_long_haul, rng.integers(4, 15, journey_count), rng.integers(1, 7, journey_count))
    rows = _journey_rows(
        rng,
        roster.year,
        travellers,
        people,
        lab_ids,
        endpoints={"origin_iata": origin, "destination_iata": destination},
        swap=("origin_iata", "destination_iata"),
        extra={"cabin_class": cabin},
        stay_days=stay_days,
    )

    latitude, longitude = _airport_coordinates()
    great_circle_km = _haversine_km(
        rows["origin_iata"].replace_strict(latitude).to_numpy(),
        rows["origin_iata"].replace_strict(longitude).to_numpy(),
        rows["destination_iata"].replace_strict(latitude).to_numpy(),
        rows["destination_iata"].replace_strict(longitude).to_numpy(),
    )
    kg_per_km = np.select(
        [great_circle_km < limit for limit, _ in AGENCY_FLIGHT_KG_PER_KM],
        [factor for _, factor in AGENCY_FLIGHT_KG_PER_KM],
    )
    cabin_weight = rows["cabin_class"].replace_strict(AGENCY_CABIN_WEIGHT, return_dtype=pl.Float64).to_numpy()
    agency_kg = (
        (great_circle_km + AGENCY_FLIGHT_ALLOWANCE_KM)
        * rows["number_of_trips"].to_numpy()
        * kg_per_km
        * cabin_weight
    )
    return _finish(rng, rows, np.round(agency_kg, 1), TRAVEL_PLANES.column_names)


def travel_trains_frame(
    rng: np.random.Generator,
    roster: Roster,
    people: People,
    lab_ids: np.ndarray,
    lab_propensity: np.ndarray,
    lab_home_station: np.ndarray,
    stations: pl.DataFrame,
) -> pl.DataFrame:
    journey_count = round(roster.person_index.size * TRAIN_JOURNEYS_PER_MEMBER * train_activity(roster.year))
    travellers = _pick_travellers(
        rng, roster, people, np.sqrt(lab_propensity), TRAIN_WEIGHT_BY_SIUS, journey_count
    )

    station_ids = stations["station_id"].to_numpy()
    station_country = stations["country_code"].to_numpy()
    weights = np.array(
        [STATION_WEIGHTS.get(station_id, DEFAULT_STATION_WEIGHT) for station_id in station_ids]
    )
    country_share = np.array([TRAIN_COUNTRY_SHARES.get(country, 0.0) for country in station_country])
    country_total = np.array([weights[station_country == country].sum() for country in station_country])
    destination_p = country_share * weights / country_total
    swiss_p = np.where(station_country == "CH", weights, 0.0) / weights[station_country == "CH"].sum()

    index_of = {station_id: index for index, station_id in enumerate(station_ids)}
    origin = lab_home_station[travellers.lab_index]
    away = rng.random(journey_count) < AWAY_FROM_HOME_SHARE
    origin = np.where(away, rng.choice(station_ids.size, size=journey_count, p=swiss_p), origin)
    destination = rng.choice(station_ids.size, size=journey_count, p=destination_p)
    fallback = np.where(
        origin == index_of[FALLBACK_DESTINATION],
        index_of[FALLBACK_DESTINATION_FROM_BERN],
        index_of[FALLBACK_DESTINATION],
    )
    destination = np.where(destination == origin, fallback, destination)

    sius = people.sius_codes[travellers.person_index]
    first_share = np.where(
        np.isin(sius, SENIOR_SIUS_CODES), FIRST_CLASS_RAIL_SHARE_SENIOR, FIRST_CLASS_RAIL_SHARE
    )
    cabin = np.where(rng.random(journey_count) < first_share, "first", "second")
    international = station_country[destination] != "CH"
    stay_days = np.where(
        international,
        rng.integers(1, 7, journey_count),
        np.where(rng.random(journey_count) < DAY_TRIP_SHARE, 0, rng.integers(1, 5, journey_count)),
    )
    names = stations["station_name"].to_numpy()
    rows = _journey_rows(
        rng,
        roster.year,
        travellers,
        people,
        lab_ids,
        endpoints={"origin": origin, "destination": destination},
        swap=("origin", "destination"),
        extra={"cabin_class": cabin},
        stay_days=stay_days,
    )
    origin_rows, destination_rows = rows["origin"].to_numpy(), rows["destination"].to_numpy()
    latitude, longitude = stations["latitude_deg"].to_numpy(), stations["longitude_deg"].to_numpy()
    track_km = TRAIN_DETOUR_FACTOR * _haversine_km(
        latitude[origin_rows], longitude[origin_rows], latitude[destination_rows], longitude[destination_rows]
    )
    # Factor country as in METHODOLOGY.md §3.2: the foreign end of a cross-border journey.
    factor_country = np.where(
        station_country[destination_rows] != "CH",
        station_country[destination_rows],
        station_country[origin_rows],
    )
    kg_per_km = np.array([AGENCY_RAIL_KG_PER_KM[country] for country in factor_country])
    agency_kg = track_km * rows["number_of_trips"].to_numpy() * kg_per_km
    rows = rows.with_columns(
        origin_name=pl.Series(names[origin_rows]),
        origin_country_code=pl.Series(station_country[origin_rows]),
        destination_name=pl.Series(names[destination_rows]),
        destination_country_code=pl.Series(station_country[destination_rows]),
    )
    return _finish(rng, rows, np.round(agency_kg, 3), TRAVEL_TRAINS.column_names)


def home_stations(rng: np.random.Generator, lab_count: int, stations: pl.DataFrame) -> np.ndarray:
    """Index (in `stations`) of the station each lab's members leave from."""
    station_index = {station_id: index for index, station_id in enumerate(stations["station_id"])}
    homes = np.array([station_index[station_id] for station_id in HOME_STATION_SHARES])
    return homes[rng.choice(homes.size, size=lab_count, p=list(HOME_STATION_SHARES.values()))]


@cache
def _airport_coordinates() -> tuple[dict[str, float], dict[str, float]]:
    """Latitude and longitude by IATA code; loading airportsdata takes ~0.3 s, so it is done once."""
    airports = airportsdata.load("IATA")
    return (
        {code: airport["lat"] for code, airport in airports.items()},
        {code: airport["lon"] for code, airport in airports.items()},
    )


def _activity(table: dict[int, float], year: int) -> float:
    known = sorted(table)
    return table[min(max(year, known[0]), known[-1])]


def _pick_travellers(
    rng: np.random.Generator,
    roster: Roster,
    people: People,
    lab_propensity: np.ndarray,
    weight_by_sius: dict[int, float],
    journey_count: int,
) -> Travellers:
    sius = people.sius_codes[roster.person_index]
    sius_weight = np.select([sius == code for code in weight_by_sius], list(weight_by_sius.values()))
    weight = sius_weight * people.fte[roster.person_index] * lab_propensity[roster.lab_index]
    pick = rng.choice(roster.person_index.size, size=journey_count, p=weight / weight.sum())
    return Travellers(lab_index=roster.lab_index[pick], person_index=roster.person_index[pick])


def _journey_rows(
    rng: np.random.Generator,
    year: int,
    travellers: Travellers,
    people: People,
    lab_ids: np.ndarray,
    *,
    endpoints: dict[str, np.ndarray],
    swap: tuple[str, str],
    extra: dict[str, np.ndarray],
    stay_days: np.ndarray,
) -> pl.DataFrame:
    """Outbound rows for every journey, plus a return row for journeys written as two rows."""
    journey_count = travellers.person_index.size
    shape = rng.choice(3, size=journey_count, p=JOURNEY_SHAPE_SHARES)
    departure, return_date = _journey_dates(rng, year, stay_days)
    note = np.where(rng.random(journey_count) < NOTE_SHARE, rng.choice(TRAVEL_NOTES, size=journey_count), "")
    outbound = {
        "unit_institutional_id": lab_ids[travellers.lab_index].astype(str),
        "user_institutional_id": people.user_ids[travellers.person_index],
        "departure_date": departure,
        "number_of_trips": np.where(shape == RETURN_IN_ONE_ROW, 2, 1),
        "note": note,
        **endpoints,
        **extra,
    }
    back = shape == TWO_ROWS
    inbound = {column: values[back] for column, values in outbound.items()}
    inbound["departure_date"] = return_date[back]
    inbound[swap[0]], inbound[swap[1]] = outbound[swap[1]][back], outbound[swap[0]][back]
    rows = pl.DataFrame(
        {column: np.concatenate([outbound[column], inbound[column]]) for column in outbound},
        schema_overrides={"number_of_trips": pl.Int64},
    )
    return rows.with_columns(note=pl.when(pl.col("note") != "").then(pl.col("note")))


def _journey_dates(
    rng: np.random.Generator, year: int, stay_days: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Departure and return dates inside `year`; a journey that would end after 31 December starts earlier."""
    month = rng.choice(12, size=stay_days.size, p=MONTH_WEIGHTS / MONTH_WEIGHTS.sum())
    month_start = (np.datetime64(f"{year}-01") + month).astype("datetime64[D]")
    month_days = ((np.datetime64(f"{year}-01") + month + 1).astype("datetime64[D]") - month_start).astype(int)
    departure = month_start + (rng.random(stay_days.size) * month_days).astype(int)
    last_day = np.datetime64(f"{year}-12-31")
    overshoot = np.maximum((departure + stay_days - last_day).astype(int), 0)
    departure = departure - overshoot
    return departure, departure + stay_days


def _finish(
    rng: np.random.Generator, rows: pl.DataFrame, agency_kg: np.ndarray, columns: tuple[str, ...]
) -> pl.DataFrame:
    has_override = rng.random(rows.height) < OVERRIDE_SHARE
    rows = rows.with_columns(kg_co2eq=pl.Series(np.where(has_override, agency_kg, np.nan)).fill_nan(None))
    return rows.select(columns).sort(
        ["unit_institutional_id", "departure_date", "user_institutional_id"], maintain_order=True
    )


def _haversine_km(
    latitude_1_deg: np.ndarray,
    longitude_1_deg: np.ndarray,
    latitude_2_deg: np.ndarray,
    longitude_2_deg: np.ndarray,
) -> np.ndarray:
    phi_1, phi_2 = np.radians(latitude_1_deg), np.radians(latitude_2_deg)
    half_chord = (
        np.sin((phi_2 - phi_1) / 2) ** 2
        + np.cos(phi_1) * np.cos(phi_2) * np.sin(np.radians(longitude_2_deg - longitude_1_deg) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(half_chord))
