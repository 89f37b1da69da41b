"""The unit PDF report opens as a PDF and states the unit's totals (METHODOLOGY.md §5 W21)."""

import io
import zipfile
from datetime import UTC, datetime

import pandas as pd
import pytest
from pypdf import PdfReader

from dashboard.components.headline import Headline
from dashboard.report_pdf import ReportLabels, UnitReport, latin_1, unit_report_pdf
from dashboard.report_xlsx import unit_report_xlsx


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
    return UnitReport(
        "LESP · Laboratoire d'études",
        2025,
        "build-42",
        headline,
        breakdown,
        factor_sets,
        generated_at=datetime(2026, 3, 31, 14, 5, 9, tzinfo=UTC),
    )


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


def test_the_same_report_gives_the_same_pdf_bytes_dated_by_the_report_not_by_the_clock(report):
    first = unit_report_pdf(report)
    assert unit_report_pdf(report) == first
    reader = PdfReader(io.BytesIO(first))
    assert reader.metadata.creation_date == datetime(2026, 3, 31, 14, 5, 9, tzinfo=UTC)
    assert "2026-03-31" in pdf_text(first)


def test_the_same_report_gives_the_same_workbook_bytes_with_its_date_in_the_document_properties(report):
    first = unit_report_xlsx(report)
    assert unit_report_xlsx(report) == first
    with zipfile.ZipFile(io.BytesIO(first)) as workbook:
        core = workbook.read("docProps/core.xml").decode()
        assert {info.date_time for info in workbook.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">2026-03-31T14:05:09Z</dcterms:created>' in core
    assert '<dcterms:modified xsi:type="dcterms:W3CDTF">2026-03-31T14:05:09Z</dcterms:modified>' in core


def test_the_workbook_holds_the_module_rows_as_numbers_and_the_publication_line(report):
    published = UnitReport(
        **{**report.__dict__, "publication": "Published inventory 3 of 2026-03-31: signed"}
    )
    sheets = pd.read_excel(
        io.BytesIO(unit_report_xlsx(published)), sheet_name=None, header=None, engine="calamine"
    )
    headline, modules = sheets["Headline"], sheets["By module"]
    assert "Published inventory 3 of 2026-03-31: signed" in set(headline[0])
    assert sorted(modules.iloc[1:, 3].astype(float)) == [0.3, 10.0, 15.0]
