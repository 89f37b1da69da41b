"""The PDF report of one unit and year: headline totals, a chart and table by module, methodology notes.

Built with fpdf2 (a real PDF, not the browser's print of the page) from the same frames the pages show, so
the report and the page cannot disagree. Pure: frames and labels in, bytes out; the page adds the download
button. Labels come from the caller so the report speaks the viewer's language. The PDF core fonts cover
Latin-1 (French and German included); other characters are written in their closest Latin-1 form.

Deterministic: the same report gives the same bytes. The one date in it, printed and in the PDF's metadata (from
which fpdf2 also derives the file /ID), is the report's `generated_at`: now for the live numbers, the publication
time for a published inventory, whose PDF is printed again byte for byte from the archive (pipelines/inventory.py).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
from fpdf import FPDF
from fpdf.fonts import FontFace

from dashboard.components.headline import Headline
from dashboard.i18n import Translator

# Okabe-Ito, the colour-blind-safe palette of the dashboard's charts (RGB).
BAR_COLOURS = [(0, 114, 178), (230, 159, 0), (0, 158, 115), (204, 121, 167), (86, 180, 233), (213, 94, 0)]
LATIN_1_SUBSTITUTES = {
    "₂": "2",
    "−": "-",
    "–": "-",
    "—": "-",
    "…": "...",
    "’": "'",
    "“": '"',
    "”": '"',
    "€": "EUR",
}
PAGE_WIDTH_MM = 180


@dataclass(frozen=True)
class ReportLabels:
    """Every string of the report, English by default; the dashboard passes its translations."""

    title: str = "Greenhouse-gas footprint"
    reporting_year: str = "Reporting year"
    generated: str = "Generated on {date} from dbt build {build_id}"
    headline: str = "Headline"
    total: str = "Total (t CO2e)"
    per_fte: str = "Per FTE (t CO2e)"
    fte: str = "FTE"
    previous_year: str = "Previous year (t CO2e)"
    overrides: str = "From per-row overrides"
    uncertainty: str = "95 % interval (t CO2e)"
    by_module: str = "By module"
    module: str = "Module"
    submodule: str = "Sub-module"
    scope: str = "Scope"
    share: str = "Share"
    additional: str = "Additional categories (reported beside, not in the total)"
    methodology: str = "Methodology"
    factor_set: str = "Factor set"
    publisher: str = "Publisher"
    version: str = "Version"
    licence: str = "Licence"
    notes: tuple[str, ...] = (
        "GHG Protocol Corporate Standard; scope 2 location-based; emissions in t CO2e (AR5 GWP100 unless a "
        "set says otherwise).",
        "Additional categories (commuting, food, waste, construction) are estimates from institution-wide "
        "averages and are excluded from the total, per-FTE figures and targets.",
        "Per FTE = total / FTE of the unit (staff and students), never an average of unit ratios.",
    )
    not_available: str = "n/a"
    names: Mapping[str, str] = field(default_factory=dict)

    def name(self, code: str) -> str:
        return self.names.get(code, code.replace("_", " "))


@dataclass(frozen=True)
class UnitReport:
    unit_label: str
    reporting_year: int
    build_id: str
    headline: Headline
    # One row per module_code, submodule_code, ghg_scope: t_co2e, is_additional_category.
    breakdown: pd.DataFrame
    # rpt_factor_sets__in_use rows of the year: factor_set_id, publisher, version, licence.
    factor_sets: pd.DataFrame
    # The report's date (UTC): printed, and the PDF's creation date.
    generated_at: datetime
    # A published inventory's line under the date (its number, date and note); None for the live numbers.
    publication: str | None = None


def report_labels(tr: Translator, breakdown: pd.DataFrame) -> ReportLabels:
    """The report's strings in the viewer's language, with the names of the modules and submodules shown."""
    names = {}
    for row in breakdown[["module_code", "submodule_code"]].drop_duplicates().itertuples(index=False):
        names[row.module_code] = tr.module(row.module_code)
        names[row.submodule_code] = tr.submodule(row.module_code, row.submodule_code)
    return ReportLabels(
        title=tr("report.title"),
        reporting_year=tr("report.reporting_year"),
        generated=tr("report.generated", date="{date}", build_id="{build_id}"),
        headline=tr("report.headline"),
        total=tr("overview.total"),
        per_fte=tr("overview.per_fte"),
        fte=tr("report.fte"),
        previous_year=tr("report.previous_year"),
        overrides=tr("overview.overrides"),
        uncertainty=tr("overview.interval"),
        by_module=tr("report.by_module"),
        module=tr("report.module"),
        submodule=tr("report.submodule"),
        scope=tr("report.scope"),
        share=tr("column.share"),
        additional=tr("report.additional"),
        methodology=tr("report.methodology"),
        factor_set=tr("column.factor_set"),
        publisher=tr("column.publisher"),
        version=tr("column.version"),
        licence=tr("column.licence"),
        notes=(tr("report.note_scopes"), tr("report.note_additional"), tr("report.note_per_fte")),
        not_available=tr("report.not_available"),
        names=names,
    )


def latin_1(text: str) -> str:
    for character, substitute in LATIN_1_SUBSTITUTES.items():
        text = text.replace(character, substitute)
    return text.encode("latin-1", "replace").decode("latin-1")


def number(value: float | None, labels: ReportLabels, decimals: int = 1) -> str:
    return labels.not_available if value is None or pd.isna(value) else f"{value:,.{decimals}f}"


class _Report(FPDF):
    def heading(self, text: str) -> None:
        self.ln(4)
        self.set_font("helvetica", "B", 13)
        self.cell(0, 8, latin_1(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font("helvetica", size=10)

    def key_values(self, rows: list[tuple[str, str]]) -> None:
        with self.table(
            col_widths=(90, 60), text_align=("LEFT", "RIGHT"), first_row_as_headings=False
        ) as table:
            for key, value in rows:
                table.row([latin_1(key), latin_1(value)])

    def frame_table(self, header: list[str], rows: list[list[str]], align: tuple[str, ...]) -> None:
        bold = FontFace(emphasis="BOLD")
        with self.table(text_align=align, headings_style=bold) as table:
            table.row([latin_1(h) for h in header])
            for row in rows:
                table.row([latin_1(cell) for cell in row])

    def bar_chart(self, values: pd.Series, labels: ReportLabels) -> None:
        """Horizontal bars, one per module, longest first, value written after each bar."""
        largest = float(values.max()) if len(values) else 0.0
        label_width, bar_room = 50, PAGE_WIDTH_MM - 50 - 25
        for index, (code, value) in enumerate(values.items()):
            y = self.get_y()
            self.set_font("helvetica", size=9)
            self.cell(label_width, 6, latin_1(labels.name(str(code))))
            width = bar_room * float(value) / largest if largest > 0 else 0
            self.set_fill_color(*BAR_COLOURS[index % len(BAR_COLOURS)])
            self.rect(self.l_margin + label_width, y + 1, max(width, 0.3), 4, style="F")
            self.set_xy(self.l_margin + label_width + width + 2, y)
            self.cell(25, 6, number(float(value), labels), new_x="LMARGIN", new_y="NEXT")
        self.set_font("helvetica", size=10)


def headline_figures(report: UnitReport, labels: ReportLabels) -> list[tuple[str, float | None, int]]:
    """The headline's (label, value in its unit, decimals shown), in the report's order; the interval apart."""
    headline = report.headline
    return [
        (labels.total, headline.t_co2e, 1),
        (labels.per_fte, headline.t_co2e_per_fte, 2),
        (labels.fte, headline.fte, 1),
        (labels.previous_year, headline.previous_t_co2e, 1),
        (labels.overrides, headline.override_t_co2e, 1),
    ]


def module_rows(report: UnitReport) -> pd.DataFrame:
    """The headline's rows (additional categories apart) by module, submodule and scope, in that order."""
    breakdown = report.breakdown
    return breakdown[~breakdown["is_additional_category"].astype(bool)].sort_values(
        ["module_code", "submodule_code", "ghg_scope"]
    )


def additional_by_submodule(report: UnitReport) -> pd.Series:
    breakdown = report.breakdown
    return (
        breakdown[breakdown["is_additional_category"].astype(bool)].groupby("submodule_code")["t_co2e"].sum()
    )


def factor_set_rows(report: UnitReport) -> pd.DataFrame:
    return report.factor_sets.drop_duplicates("factor_set_id").sort_values("factor_set_id")


def generated_line(report: UnitReport, labels: ReportLabels) -> str:
    return labels.generated.format(date=report.generated_at.date().isoformat(), build_id=report.build_id)


def unit_report_pdf(report: UnitReport, labels: ReportLabels | None = None) -> bytes:
    labels = labels or ReportLabels()
    headline = report.headline

    pdf = _Report(format="A4")
    pdf.set_title(latin_1(f"{labels.title} - {report.unit_label} - {report.reporting_year}"))
    pdf.set_creator("co2calc")
    pdf.set_creation_date(report.generated_at)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.multi_cell(0, 9, latin_1(f"{labels.title}: {report.unit_label}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=10)
    pdf.cell(0, 6, latin_1(f"{labels.reporting_year} {report.reporting_year}"), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, latin_1(generated_line(report, labels)), new_x="LMARGIN", new_y="NEXT")
    if report.publication is not None:
        pdf.multi_cell(0, 6, latin_1(report.publication), new_x="LMARGIN", new_y="NEXT")

    pdf.heading(labels.headline)
    rows = [
        (label, number(value, labels, decimals))
        for label, value, decimals in headline_figures(report, labels)
    ]
    if headline.ci95_low_t_co2e is not None:
        rows.append(
            (
                labels.uncertainty,
                f"{number(headline.ci95_low_t_co2e, labels)} - {number(headline.ci95_high_t_co2e, labels)}",
            )
        )
    pdf.key_values(rows)

    pdf.heading(labels.by_module)
    detail = module_rows(report)
    by_module = detail.groupby("module_code")["t_co2e"].sum().sort_values(ascending=False)
    pdf.bar_chart(by_module, labels)
    pdf.ln(3)
    total = headline.t_co2e
    pdf.frame_table(
        [labels.module, labels.submodule, labels.scope, labels.total, labels.share],
        [
            [
                labels.name(row.module_code),
                labels.name(row.submodule_code),
                str(row.ghg_scope),
                number(row.t_co2e, labels, 2),
                f"{100 * row.t_co2e / total:.1f} %" if total else labels.not_available,
            ]
            for row in detail.itertuples(index=False)
        ],
        ("LEFT", "LEFT", "CENTER", "RIGHT", "RIGHT"),
    )
    additional = additional_by_submodule(report)
    if not additional.empty:
        pdf.heading(labels.additional)
        pdf.frame_table(
            [labels.submodule, labels.total],
            [[labels.name(code), number(value, labels, 2)] for code, value in additional.items()],
            ("LEFT", "RIGHT"),
        )

    pdf.heading(labels.methodology)
    for note in labels.notes:
        pdf.multi_cell(0, 5, latin_1(f"- {note}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.frame_table(
        [labels.factor_set, labels.publisher, labels.version, labels.licence],
        [
            [str(row.factor_set_id), str(row.publisher), str(row.version), str(row.licence)]
            for row in factor_set_rows(report).itertuples(index=False)
        ],
        ("LEFT", "LEFT", "LEFT", "LEFT"),
    )
    return bytes(pdf.output())
