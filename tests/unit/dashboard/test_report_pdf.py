"""The unit PDF report opens as a PDF and states the unit's totals (METHODOLOGY.md §5 W21)."""

import io

import pandas as pd
import pytest
from pypdf import PdfReader

from dashboard.components.headline import Headline
from dashboard.report_pdf import ReportLabels, UnitReport, latin_1, unit_report_pdf


@pytest.fixture
def report() -> UnitReport:
    breakdown = pd.DataFrame(
        [
            ("travel", "plane", 3, 15.0, False, 2.0),
            ("travel", "train", 3, 0.3, False, None),
            ("equipment", "scientific", 2, 10.0, False, 1.0),
            ("additional", "commuting", 3, 3.0, True, None),
        ],
        columns=[
            "module_code",
            "submodule_code",
            "ghg_scope",
            "t_co2e",
            "is_additional_category",
            "sigma_t_co2e",
        ],
    )
    factor_sets = pd.DataFrame(
        [("ges1p5_ademe_flights_2022", "Labos 1point5", "export 2024-11-07", "not stated")],
        columns=["factor_set_id", "publisher", "version", "licence"],
    )
    headline = Headline(
        reporting_year=2025,
        t_co2e=25.3,
        fte=12.4,
        previous_t_co2e=20.0,
        override_t_co2e=0.5,
        additional_t_co2e=3.0,
        sigma_t_co2e=2.5,
        ci95_low_t_co2e=20.4,
        ci95_high_t_co2e=30.2,
        internal_reallocation_t_co2e=0.0,
    )
    return UnitReport("LESP · Laboratoire d'études", 2025, "build-42", headline, breakdown, factor_sets)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_report_is_a_pdf_with_the_units_totals_modules_and_factor_sets(report):
    data = unit_report_pdf(report)
    text = pdf_text(data)

    assert data.startswith(b"%PDF-")
    assert "LESP · Laboratoire d'études" in text and "2025" in text and "build-42" in text
    assert "25.3" in text  # total: the additional categories (3.0 t) are not in it
    assert "2.04" in text  # W21: 25.3 t / 12.4 FTE
    assert "20.4 - 30.2" in text  # 25.3 ± 1.96 x 2.5 t
    for name in ("travel", "equipment", "plane", "scientific", "commuting", "ges1p5_ademe_flights_2022"):
        assert name in text


def test_the_report_speaks_the_labels_it_is_given(report):
    labels = ReportLabels(
        title="Empreinte de gaz à effet de serre", total="Total (t CO₂e)", names={"travel": "Voyages"}
    )

    text = pdf_text(unit_report_pdf(report, labels))

    assert "Empreinte de gaz à effet de serre" in text
    assert "Total (t CO2e)" in text and "Voyages" in text


def test_characters_outside_latin_1_get_their_closest_form():
    assert latin_1("CO₂ − 5 € …") == "CO2 - 5 EUR ..."
    assert latin_1("Zürich, Genève") == "Zürich, Genève"
