"""Purchases of the labs (METHODOLOGY.md §3.5): invoice lines per lab and year, and liquid nitrogen by mass.

Each lab spends a yearly budget drawn from a log-normal (scaled by its headcount), split over the sub-modules
with shares that depend on the lab's profile: wet labs buy consumables, kits and gases; physics labs
instruments and gases; computing groups IT. The budget is cut into invoice lines drawn from a catalogue whose
NACRES codes are those of the shipped factor seed, plus a few codes the seed does not have (those lines stay
FACTOR_MISSING, as they would in real data). Amounts are in CHF for most lines, some in EUR or USD. Purchases are
usually the largest part of a lab's footprint. Labs that run cryostats or keep samples in liquid nitrogen
declare their yearly consumption by mass in the additional template.
"""

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingest.contracts import PURCHASES_ADDITIONAL, SOURCES
from ingest.synthetic.people import Roster


@dataclass(frozen=True)
class Article:
    name: str
    supplier: str
    unspsc_code: str
    nacres_code: str
    # Usual amount of one invoice line, CHF (log-normal median).
    median_chf: float


# Source code of the template -> articles and their relative frequencies within it.
CATALOGUE: dict[str, tuple[tuple[Article, float], ...]] = {
    "purchases_scientificequipment": (
        (Article("Microscope inversé Nikon Eclipse Ti2", "Nikon AG", "41111724", "MA44", 45000), 1),
        (Article("Objectif 60x huile immersion", "Nikon AG", "41111729", "MA44", 6500), 2),
        (Article("Porte-échantillon MEB cryo", "Thermo Fisher Scientific", "41111713", "MA21", 12000), 0.6),
        (Article("Pompe turbomoléculaire HiPace 300", "Pfeiffer Vacuum", "40151500", "NB61", 9000), 1),
    ),
    "purchases_itequipment": (
        (Article("Laptop Dell Latitude 7440", "Dell SA", "43211503", "IA11", 1600), 4),
        (Article("Poste de travail HP Z4", "HP Schweiz GmbH", "43211507", "IA01", 2800), 2),
        (Article("Écran Dell UltraSharp 27", "Digitec Galaxus AG", "43211902", "IA24", 420), 4),
        (Article("Disque SSD Samsung 4 TB", "Digitec Galaxus AG", "43201803", "IA32", 320), 3),
        (Article("Serveur de calcul GPU", "Dalco AG", "43211501", "IA31", 24000), 0.4),
    ),
    "purchases_consumables": (
        (Article("Gants nitrile M, 10 x 100 pces", "Milian SA", "42132203", "HA01", 600), 6),
        (Article("Papier A4 recyclé, 5 x 500 feuilles", "Lyreco Switzerland AG", "14111507", "AC01", 180), 2),
        (Article("Pointes de pipette filtrées 200 µl", "Sarstedt AG", "41121803", "LB42", 700), 5),
    ),
    "purchases_biological_chemical_gaseous": (
        (Article("Kit extraction ARN RNeasy", "Qiagen AG", "41106104", "NA31", 1400), 4),
        (
            Article(
                "Kit purification protéines His-Tag", "Thermo Fisher Scientific", "41106305", "NA32", 1100
            ),
            2,
        ),
        (Article("Éthanol absolu 2.5 L", "Merck (Schweiz) AG", "12352104", "NA01", 380), 5),
        (Article("Acétonitrile HPLC 4 L", "Merck (Schweiz) AG", "12352100", "NA05", 520), 3),
        (Article("Hélium gazeux 50 L bouteille", "Carbagas AG", "12142104", "GA12", 900), 2),
        (Article("Azote liquide, remplissage dewar", "PanGas AG", "12142106", "GA02", 450), 2),
    ),
    "purchases_services": (
        (Article("Transport express échantillons", "DHL Express Schweiz AG", "78102203", "FC02", 380), 3),
        (Article("Transport routier matériel", "Planzer Transport AG", "78101802", "FC01", 480), 2),
        (Article("Formation sécurité laser", "Suva", "86101700", "EE01", 900), 1),
        (Article("Maintenance annuelle cytomètre", "BD Switzerland Sàrl", "81141500", "NB87", 6500), 1),
    ),
    "purchases_other": (
        (Article("Chaise de bureau ergonomique", "Witzig The Office Company AG", "56101504", "AB02", 650), 3),
        (Article("Armoire de sécurité produits", "Denios AG", "24112400", "XC13", 3200), 0.5),
    ),
    "purchases_vehicles": (
        (Article("Vélo-cargo électrique de service", "Bike Energy AG", "25101901", "AD02", 6500), 1),
    ),
}
# Share of the yearly budget going to each template, by lab profile (wet lab, physics lab, computing group).
WET, PHYSICS, COMPUTING = 0, 1, 2
LAB_PROFILE_SHARES = np.array([0.45, 0.35, 0.20])
BUDGET_SHARES: dict[int, dict[str, float]] = {
    WET: {
        "purchases_scientificequipment": 0.25,
        "purchases_itequipment": 0.07,
        "purchases_consumables": 0.25,
        "purchases_biological_chemical_gaseous": 0.30,
        "purchases_services": 0.10,
        "purchases_other": 0.025,
        "purchases_vehicles": 0.005,
    },
    PHYSICS: {
        "purchases_scientificequipment": 0.45,
        "purchases_itequipment": 0.12,
        "purchases_consumables": 0.08,
        "purchases_biological_chemical_gaseous": 0.15,
        "purchases_services": 0.15,
        "purchases_other": 0.045,
        "purchases_vehicles": 0.005,
    },
    COMPUTING: {
        "purchases_scientificequipment": 0.05,
        "purchases_itequipment": 0.65,
        "purchases_consumables": 0.05,
        "purchases_biological_chemical_gaseous": 0.0,
        "purchases_services": 0.20,
        "purchases_other": 0.05,
        "purchases_vehicles": 0.0,
    },
}
# Yearly purchase budget per lab member, CHF (log-normal median and σ between labs).
BUDGET_PER_MEMBER_CHF = 12000.0
BUDGET_SIGMA = 0.7
# Currency of a line: most suppliers invoice in CHF; foreign ones in EUR or USD.
CURRENCIES = {"CHF": 0.85, "EUR": 0.11, "USD": 0.04}
# Units per CHF, to state a foreign amount (rounded 2025 cross rates of the ECB annual means).
UNITS_PER_CHF = {"CHF": 1.0, "EUR": 1.067, "USD": 1.206}
LINE_SIGMA = 0.5
# Labs declaring liquid nitrogen by mass (litres, log-normal median), kg per litre as in the EPFL template.
NITROGEN_LAB_SHARE = {WET: 0.35, PHYSICS: 0.45, COMPUTING: 0.0}
NITROGEN_MEDIAN_L = 2500.0
NITROGEN_SIGMA = 0.8
NITROGEN_KG_PER_L = 0.8


def purchase_labs(rng: np.random.Generator, lab_count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each lab's profile, budget multiplier and whether it declares liquid nitrogen (stable over the years)."""
    profiles = rng.choice(len(LAB_PROFILE_SHARES), size=lab_count, p=LAB_PROFILE_SHARES)
    multipliers = rng.lognormal(0.0, BUDGET_SIGMA, size=lab_count)
    nitrogen = rng.random(lab_count) < np.array([NITROGEN_LAB_SHARE[p] for p in profiles])
    return profiles, multipliers, nitrogen


def purchase_frames(
    rng: np.random.Generator,
    roster: Roster,
    lab_ids: np.ndarray,
    labs: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> dict[str, pl.DataFrame]:
    """One frame per purchase template for the roster's year, in the back-office format."""
    profiles, multipliers, nitrogen = labs
    members = np.bincount(roster.lab_index, minlength=lab_ids.size)
    columns: dict[str, dict[str, list]] = {source: _empty_columns() for source in CATALOGUE}
    currency_codes = list(CURRENCIES)
    currency_weights = np.array(list(CURRENCIES.values()))
    for lab in np.flatnonzero(members):
        budget_chf = BUDGET_PER_MEMBER_CHF * members[lab] * multipliers[lab]
        for source, share in BUDGET_SHARES[int(profiles[lab])].items():
            articles = CATALOGUE[source]
            weights = np.array([weight for _, weight in articles])
            remaining = budget_chf * share
            while remaining > 0:
                article = articles[rng.choice(len(articles), p=weights / weights.sum())][0]
                amount_chf = min(remaining, float(rng.lognormal(np.log(article.median_chf), LINE_SIGMA)))
                remaining -= amount_chf
                currency = currency_codes[rng.choice(len(currency_codes), p=currency_weights)]
                cells = columns[source]
                cells["unit_institutional_id"].append(str(lab_ids[lab]))
                cells["name"].append(article.name)
                cells["supplier"].append(article.supplier)
                cells["quantity"].append(1.0)
                cells["total_spent_amount"].append(round(amount_chf * UNITS_PER_CHF[currency], 2))
                cells["currency"].append(currency)
                cells["purchase_institutional_code"].append(article.unspsc_code)
                cells["purchase_additional_code"].append(article.nacres_code)
    frames = {
        source: pl.DataFrame(
            cells | {"purchase_institutional_description": None, "note": None, "kg_co2eq": None},
            schema_overrides={
                "purchase_institutional_description": pl.String,
                "note": pl.String,
                "kg_co2eq": pl.Float64,
                "quantity": pl.Float64,
                "total_spent_amount": pl.Float64,
            },
        ).select(SOURCES[source].column_names)
        for source, cells in columns.items()
    }
    frames["purchases_additional"] = _nitrogen_frame(rng, lab_ids, np.flatnonzero(nitrogen & (members > 0)))
    return frames


def _empty_columns() -> dict[str, list]:
    names = (
        "unit_institutional_id",
        "name",
        "supplier",
        "quantity",
        "total_spent_amount",
        "currency",
        "purchase_institutional_code",
        "purchase_additional_code",
    )
    return {name: [] for name in names}


def _nitrogen_frame(rng: np.random.Generator, lab_ids: np.ndarray, labs: np.ndarray) -> pl.DataFrame:
    litres = rng.lognormal(np.log(NITROGEN_MEDIAN_L), NITROGEN_SIGMA, size=labs.size)
    return pl.DataFrame(
        {
            "unit_institutional_id": [str(lab_ids[lab]) for lab in labs],
            "name": ["Liquid Nitrogen"] * labs.size,
            "unit": ["L"] * labs.size,
            "annual_consumption": [round(float(value)) for value in litres],
            "coef_to_kg": [NITROGEN_KG_PER_L] * labs.size,
            "note": [None] * labs.size,
            "kg_co2eq": [None] * labs.size,
        },
        schema_overrides={
            "annual_consumption": pl.Float64,
            "note": pl.String,
            "kg_co2eq": pl.Float64,
        },
    ).select(PURCHASES_ADDITIONAL.column_names)
