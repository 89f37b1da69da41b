"""The XLSX workbook of one unit and year: the PDF report's tables (dashboard/report_pdf.py) as numbers, one sheet
each, so a reader can recompute the shares and sums.

Deterministic like the PDF: the workbook's creation and modification dates (docProps/core.xml) are the report's
`generated_at`, and XlsxWriter stamps every part of the zip with 1980-01-01, so the same report gives the same
bytes and a published inventory's workbook is written again byte for byte from the archive.
"""

import io
import re

import xlsxwriter

from dashboard.report_pdf import (
    ReportLabels,
    UnitReport,
    additional_by_submodule,
    factor_set_rows,
    generated_line,
    headline_figures,
    module_rows,
)

# Excel refuses these in a sheet name, and names longer than 31 characters.
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX_CHARS = 31


def sheet_name(label: str) -> str:
    return _SHEET_NAME_FORBIDDEN.sub(" ", label)[:SHEET_NAME_MAX_CHARS].strip()


def unit_report_xlsx(report: UnitReport, labels: ReportLabels | None = None) -> bytes:
    labels = labels or ReportLabels()
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    workbook.set_properties(
        {
            "title": f"{labels.title} - {report.unit_label} - {report.reporting_year}",
            "author": "co2calc",
            "created": report.generated_at,
        }
    )
    bold = workbook.add_format({"bold": True})
    tonnes = workbook.add_format({"num_format": "#,##0.00"})
    share = workbook.add_format({"num_format": "0.0 %"})

    headline = workbook.add_worksheet(sheet_name(labels.headline))
    headline.set_column(0, 0, 45)
    headline.set_column(1, 2, 16)
    headline.write(0, 0, f"{labels.title}: {report.unit_label}", bold)
    headline.write(1, 0, f"{labels.reporting_year} {report.reporting_year}")
    headline.write(2, 0, generated_line(report, labels))
    if report.publication is not None:
        headline.write(3, 0, report.publication)
    row = 5
    for label, value, _decimals in headline_figures(report, labels):
        headline.write(row, 0, label)
        headline.write(row, 1, labels.not_available if value is None else value, tonnes)
        row += 1
    if report.headline.ci95_low_t_co2e is not None:
        headline.write(row, 0, labels.uncertainty)
        headline.write(row, 1, report.headline.ci95_low_t_co2e, tonnes)
        headline.write(row, 2, report.headline.ci95_high_t_co2e, tonnes)

    modules = workbook.add_worksheet(sheet_name(labels.by_module))
    modules.set_column(0, 1, 28)
    modules.set_column(2, 4, 14)
    for column, header in enumerate(
        [labels.module, labels.submodule, labels.scope, labels.total, labels.share]
    ):
        modules.write(0, column, header, bold)
    total = report.headline.t_co2e
    for row, line in enumerate(module_rows(report).itertuples(index=False), start=1):
        modules.write(row, 0, labels.name(line.module_code))
        modules.write(row, 1, labels.name(line.submodule_code))
        modules.write(row, 2, int(line.ghg_scope))
        modules.write(row, 3, float(line.t_co2e), tonnes)
        modules.write(row, 4, float(line.t_co2e) / total if total else labels.not_available, share)

    additional = additional_by_submodule(report)
    if not additional.empty:
        sheet = workbook.add_worksheet(sheet_name(labels.additional))
        sheet.set_column(0, 1, 28)
        sheet.write(0, 0, labels.submodule, bold)
        sheet.write(0, 1, labels.total, bold)
        for row, (code, value) in enumerate(additional.items(), start=1):
            sheet.write(row, 0, labels.name(code))
            sheet.write(row, 1, float(value), tonnes)

    sets = workbook.add_worksheet(sheet_name(labels.methodology))
    sets.set_column(0, 3, 32)
    for column, header in enumerate([labels.factor_set, labels.publisher, labels.version, labels.licence]):
        sets.write(0, column, header, bold)
    for row, line in enumerate(factor_set_rows(report).itertuples(index=False), start=1):
        sets.write_row(
            row, 0, [str(line.factor_set_id), str(line.publisher), str(line.version), str(line.licence)]
        )
    workbook.close()
    return output.getvalue()
