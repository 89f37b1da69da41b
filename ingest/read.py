"""Read a delivered file (CSV or XLSX) into a frame of canonical text cells, refusing a file whose shape is wrong.

File-level rules (METHODOLOGY.md §1.8, extended for real-world files): a CSV file is UTF-8 with or
without BOM, or Windows-1252 as a flagged fallback; its delimiter is `,` or `;` (sniffed from the
header line); CRLF and LF line ends; lines whose first cell starts with `#` are comments. An XLSX
workbook is read from its first sheet or a named one. The header must name exactly the contract's
columns (order free). Any failure refuses the whole file with a message naming the file, line,
column and what was expected.

Cells are then normalised to the canonical form the row rules (ingest.validate) expect, so those
rules are the same for every input format:
- numbers use a dot as decimal separator. A `;`-delimited file whose number cells hold a decimal
  comma (`1,5`) is read as a decimal-comma file. Ambiguity rule: a `,`-delimited file cannot use
  decimal commas (a quoted `"1,5"` there is refused unless the steward declares `decimal=','`); in a
  decimal-comma file a number holding a dot (`1.5`, `1.500`) is refused, as it may be a thousands
  separator; thousands separators (`1'077.50`, `1.234,5`, `1 000`) are always refused, never guessed.
- dates are ISO `YYYY-MM-DD`; a file whose date cells are written `DD.MM.YYYY` is read so (an ISO cell
  in such a file is still accepted: the two forms cannot be confused).
What was detected (encoding, delimiter, decimal separator, date format, sheet) is reported, and each
detection can be overridden by the steward (`ReadOptions`).
"""

import codecs
import csv
import difflib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import polars as pl
import python_calamine

from ingest.contracts import SourceContract

XLSX_MAGIC = b"PK\x03\x04"
# The back-office override column (METHODOLOGY.md §1.4): a contract without it still accepts the header so that
# each row bringing a value is refused as ROW_OVERRIDE_NOT_ALLOWED rather than the whole file.
OVERRIDE_COLUMN = "kg_co2eq"
# The columns the dashboard's quarantine adds to a correction file (dashboard/components/quarantine.py): a
# correction load (`load_file(..., corrects_load_id=...)`) accepts them in the header and ignores them, so the
# steward may send the file back with or without them.
SOURCE_ROW_NUMBER_COLUMN = "source_row_number"
CORRECTION_COLUMNS = (
    "reject_reason_code",
    "reject_reason_message",
    "reject_column",
    SOURCE_ROW_NUMBER_COLUMN,
)
DELIMITERS = (",", ";")
_RECORDED_DELIMITER = re.compile(r"delimiter '(.)'")
DECIMAL_SEPARATORS = (".", ",")
DATE_FORMATS = ("iso", "dd.mm.yyyy")

_DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_DECIMAL_COMMA = re.compile(r"^[+-]?(?:\d+,\d*|,\d+)$")
_THOUSANDS = {
    ".": re.compile(r"^[+-]?\d{1,3}(?:(?:[' \u00a0\u2019]\d{3})+|(?:,\d{3})+)(?:\.\d*)?$"),
    ",": re.compile(r"^[+-]?\d{1,3}(?:(?:[' \u00a0\u2019]\d{3})+|(?:\.\d{3})+)(?:,\d*)?$"),
}


class FileRefused(Exception):
    """The whole file is refused; nothing from it is loaded."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ReadOptions:
    """A steward's declaration of how a file is written; None lets the reader detect it."""

    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    date_format: str | None = None
    sheet: str | None = None

    def __post_init__(self) -> None:
        if self.encoding is not None:
            try:
                codecs.lookup(self.encoding)
            except LookupError:
                raise ValueError(
                    f"unknown encoding {self.encoding!r} (e.g. utf-8, cp1252, latin-1)"
                ) from None
        for name, value, allowed in (
            ("delimiter", self.delimiter, DELIMITERS),
            ("decimal", self.decimal, DECIMAL_SEPARATORS),
            ("date format", self.date_format, DATE_FORMATS),
        ):
            if value is not None and value not in allowed:
                raise ValueError(f"{name} {value!r} is not one of {', '.join(repr(a) for a in allowed)}")

    def describe(self) -> str:
        """The declared options as `name=value` pairs ('' when everything is detected)."""
        given = {
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "decimal": self.decimal,
            "date_format": self.date_format,
            "sheet": self.sheet,
        }
        return " ".join(f"{name}={value}" for name, value in given.items() if value is not None)


DETECT_EVERYTHING = ReadOptions()


@dataclass(frozen=True)
class DetectedFormat:
    """How the file was read; `declared` names the settings the steward gave rather than the reader found."""

    file_format: str
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    date_format: str | None = None
    sheet: str | None = None
    declared: tuple[str, ...] = ()

    def describe(self) -> str:
        parts = [self.file_format]
        for name, value in (
            ("sheet", self.sheet),
            ("encoding", self.encoding),
            ("delimiter", self.delimiter),
            ("decimal", self.decimal),
            ("date_format", self.date_format),
        ):
            if value is not None:
                parts.append(f"{name} {value!r}{' (declared)' if name in self.declared else ''}")
        return ", ".join(parts)


@dataclass(frozen=True)
class CellProblem:
    """A cell the reader could not bring to its canonical form (a row rule, not a file rule)."""

    row_index: int
    column_name: str
    reason_code: str
    reason_message: str


@dataclass
class DeliveredFile:
    path: Path
    # One text column per contract column present in the header; blank cells are null.
    cells: pl.DataFrame
    # The header's column names in the file's order (recorded in ops.loads.source_columns).
    header: list[str]
    # File line number (header = 1; the sheet's row number for XLSX) and original text of each data row.
    line_numbers: list[int]
    original_lines: list[str]
    detected: DetectedFormat
    warnings: list[str] = field(default_factory=list)
    cell_problems: list[CellProblem] = field(default_factory=list)
    # The cells of the header's ignored columns (a correction file's CORRECTION_COLUMNS), blank cells null.
    ignored_cells: dict[str, list[str | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Record:
    line_number: int
    cells: list[str]
    original: str


def _decode(path: Path, raw: bytes, encoding: str | None, warnings: list[str]) -> tuple[str, str]:
    """(text, encoding description)."""
    if encoding is not None:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as error:
            raise FileRefused(
                "FILE_ENCODING",
                f"{path.name}: byte {error.start} is not valid {encoding} (the declared encoding)",
            ) from None
        return text.removeprefix("\ufeff"), encoding
    has_bom = raw.startswith(codecs.BOM_UTF8)
    try:
        return raw.decode("utf-8-sig"), "utf-8 with BOM" if has_bom else "utf-8"
    except UnicodeDecodeError as utf8_error:
        if has_bom:
            raise FileRefused(
                "FILE_ENCODING",
                f"{path.name}: starts with a UTF-8 byte-order mark but byte {utf8_error.start} is not UTF-8 "
                "(mixed encodings); save the whole file as UTF-8",
            ) from None
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise FileRefused(
                "FILE_ENCODING",
                f"{path.name}: byte {utf8_error.start} is neither UTF-8 nor Windows-1252; save the file as UTF-8",
            ) from None
        warnings.append(f"FILE_ENCODING_FALLBACK: {path.name} is not UTF-8; read as Windows-1252")
        return text, "cp1252"


def _is_comment_or_blank(cells: list[str]) -> bool:
    return not cells or all(not c.strip() for c in cells) or cells[0].lstrip().startswith("#")


def _sniff_delimiter(text: str, contract: SourceContract) -> str:
    """The delimiter that splits the header line into the most contract column names (then the most cells)."""
    header = next(
        (line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")), ""
    )
    expected = set(contract.column_names)

    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([header], delimiter=delimiter), [])
        return sum(c.strip() in expected for c in cells), len(cells)

    return max(DELIMITERS, key=score)


def _csv_records(path: Path, text: str, delimiter: str) -> list[_Record]:
    """Every non-comment, non-blank record, with its first line number and original text."""
    lines = text.splitlines(keepends=True)
    records = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line_number = 1
    try:
        for cells in reader:
            first_line = line_number
            line_number = reader.line_num + 1
            if _is_comment_or_blank(cells):
                continue
            original = "".join(lines[first_line - 1 : reader.line_num]).rstrip("\r\n")
            records.append(_Record(first_line, cells, original))
    except csv.Error as error:
        if "end of data" in str(error):
            raise FileRefused(
                "FILE_FORMAT",
                f"{path.name}, line {line_number}: a quoted cell opened on this line is never closed "
                '(expected a closing ")',
            ) from None
        raise FileRefused("FILE_FORMAT", f"{path.name}, line {reader.line_num}: {error}") from None
    return records


def _check_no_inner_bom(path: Path, text: str) -> None:
    position = text.find("\ufeff")
    if position >= 0:
        line = text.count("\n", 0, position) + 1
        raise FileRefused(
            "FILE_FORMAT",
            f"{path.name}, line {line}: a byte-order mark in the middle of the file (two files joined?); "
            "expected one file with one header",
        )


def _xlsx_cell(value: object) -> str:
    """A workbook cell as the text a CSV export would hold: numbers without exponent, dates in ISO."""
    match value:
        case bool():
            return str(value).lower()
        case datetime() if value.time() == datetime.min.time():
            return value.date().isoformat()
        case date() | datetime():
            return value.isoformat()
        case float():
            return np.format_float_positional(value, trim="-")
        case None:
            return ""
        case _:
            return str(value)


def _xlsx_records(path: Path, raw: bytes, sheet: str | None) -> tuple[list[_Record], str]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(raw))
    except python_calamine.CalamineError as error:
        raise FileRefused("FILE_FORMAT", f"{path.name}: not a readable XLSX workbook ({error})") from None
    names = workbook.sheet_names
    if sheet is None:
        if not names:
            raise FileRefused("FILE_EMPTY", f"{path.name}: the workbook has no sheet")
        sheet = names[0]
    elif sheet not in names:
        raise FileRefused(
            "FILE_SHEET", f"{path.name}: no sheet {sheet!r}; expected one of {', '.join(map(repr, names))}"
        )
    rows = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    records = []
    for row_number, values in enumerate(rows, start=1):
        cells = [_xlsx_cell(v) for v in values]
        while cells and not cells[-1].strip():
            cells.pop()
        if _is_comment_or_blank(cells):
            continue
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow(cells)
        records.append(_Record(row_number, cells, buffer.getvalue()))
    return records, sheet


def _closest(name: str, expected: tuple[str, ...]) -> str:
    match = difflib.get_close_matches(name.lower(), expected, n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


def _check_header(
    path: Path,
    header: list[str],
    contract: SourceContract,
    has_unit_default: bool,
    ignored_columns: tuple[str, ...],
) -> None:
    names = [h.strip() for h in header]
    expected = contract.column_names
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        where = f"{path.name}, line 1, column {position}"
        if name in seen:
            raise FileRefused("FILE_DUPLICATE_COLUMN", f"{where}: column '{name}' appears twice")
        seen.add(name)
        if name not in expected and name != OVERRIDE_COLUMN and name not in ignored_columns:
            raise FileRefused(
                "FILE_UNKNOWN_COLUMN",
                f"{where}: unknown column '{name}'{_closest(name, expected)} "
                f"(expected columns for {contract.source_code}: {', '.join(expected)})",
            )
    for column in contract.columns:
        if column.name in seen or column.optional_in_header:
            continue
        if column.name == "unit_institutional_id" and has_unit_default:
            continue
        raise FileRefused(
            "FILE_MISSING_COLUMN",
            f"{path.name}, line 1: missing column '{column.name}' "
            f"(expected columns for {contract.source_code}: {', '.join(expected)})",
        )


def _check_widths(path: Path, data: list[_Record], width: int, delimiter: str | None) -> None:
    """Every CSV row has the header's number of cells. Blank cells past the header are tolerated only when every
    row has them (a trailing delimiter on each line): one longer row is a shifted row (e.g. `0,5` unquoted).
    An XLSX row may end early (its trailing cells are blank)."""
    widths = {len(record.cells) for record in data}
    for record in data:
        cells = record.cells
        extra_is_blank = not any(c.strip() for c in cells[width:])
        if len(cells) > width and not (extra_is_blank and (delimiter is None or len(widths) == 1)):
            raise FileRefused(
                "FILE_FORMAT",
                f"{path.name}, line {record.line_number}: {len(cells)} cells where the header has {width} columns"
                + (" (an unquoted ',' inside a cell, such as a decimal comma?)" if delimiter == "," else ""),
            )
        if len(cells) < width and delimiter is not None:
            other = next((d for d in DELIMITERS if d != delimiter and d in "".join(cells)), None)
            hint = f" (the line is delimited by '{other}', the header by '{delimiter}')" if other else ""
            raise FileRefused(
                "FILE_FORMAT",
                f"{path.name}, line {record.line_number}: {len(cells)} cell{'s' if len(cells) > 1 else ''} where "
                f"the header has {width} columns{hint}",
            )


def _normalise_numbers(
    columns: dict[str, list[str | None]], contract: SourceContract, decimal: str, problems: list[CellProblem]
) -> None:
    for column in contract.columns:
        if column.column_type not in ("decimal", "integer") or column.name not in columns:
            continue
        values = columns[column.name]
        for index, value in enumerate(values):
            if value is None:
                continue
            if _THOUSANDS[decimal].match(value):
                problems.append(
                    CellProblem(
                        index,
                        column.name,
                        "ROW_TYPE",
                        f"{column.name} {value!r} has a thousands separator; write the number without it",
                    )
                )
            elif column.column_type == "decimal" and decimal == "," and "." in value:
                problems.append(
                    CellProblem(
                        index,
                        column.name,
                        "ROW_TYPE",
                        f"{column.name} {value!r} holds a dot, but this file's decimal separator is ','",
                    )
                )
            elif column.column_type == "decimal" and _DECIMAL_COMMA.match(value):
                if decimal == ",":
                    values[index] = value.replace(",", ".")
                else:
                    problems.append(
                        CellProblem(
                            index,
                            column.name,
                            "ROW_TYPE",
                            f"{column.name} {value!r} holds a decimal comma, but this file's decimal separator "
                            "is '.' (a ','-delimited file cannot use decimal commas; use ';' as delimiter or "
                            "declare the decimal separator ',')",
                        )
                    )


def _normalise_dates(
    columns: dict[str, list[str | None]],
    contract: SourceContract,
    date_format: str,
    problems: list[CellProblem],
) -> None:
    if date_format != "dd.mm.yyyy":
        return
    for column in contract.columns:
        if column.column_type != "date" or column.name not in columns:
            continue
        values = columns[column.name]
        for index, value in enumerate(values):
            match = _DOTTED_DATE.match(value) if value is not None else None
            if match is None:
                continue
            day, month, year = (int(part) for part in match.groups())
            try:
                values[index] = date(year, month, day).isoformat()
            except ValueError:
                problems.append(
                    CellProblem(
                        index,
                        column.name,
                        "ROW_TYPE",
                        f"{column.name} {value!r} is not a date written DD.MM.YYYY",
                    )
                )


def _overrides_not_allowed(
    columns: dict[str, list[str | None]], contract: SourceContract
) -> list[CellProblem]:
    if OVERRIDE_COLUMN in contract.column_names or OVERRIDE_COLUMN not in columns:
        return []
    values = columns.pop(OVERRIDE_COLUMN)
    return [
        CellProblem(
            index,
            OVERRIDE_COLUMN,
            "ROW_OVERRIDE_NOT_ALLOWED",
            f"{OVERRIDE_COLUMN} {value!r} is not accepted for {contract.source_code}: its rows have no emission of "
            "their own to override (leave the cell blank)",
        )
        for index, value in enumerate(values)
        if value is not None
    ]


def _detect_decimal(
    columns: dict[str, list[str | None]], contract: SourceContract, delimiter: str | None
) -> str:
    if delimiter != ";":
        return "."
    decimal_columns = [c.name for c in contract.columns if c.column_type == "decimal" and c.name in columns]
    has_comma = any(
        value is not None and _DECIMAL_COMMA.match(value)
        for name in decimal_columns
        for value in columns[name]
    )
    return "," if has_comma else "."


def _detect_date_format(columns: dict[str, list[str | None]], contract: SourceContract) -> str | None:
    date_columns = [c.name for c in contract.columns if c.column_type == "date" and c.name in columns]
    if not date_columns:
        return None
    dotted = any(
        value is not None and _DOTTED_DATE.match(value) for name in date_columns for value in columns[name]
    )
    return "dd.mm.yyyy" if dotted else "iso"


def read_delivered_file(
    path: Path,
    contract: SourceContract,
    raw: bytes | None = None,
    *,
    has_unit_default: bool = False,
    options: ReadOptions = DETECT_EVERYTHING,
    ignored_columns: tuple[str, ...] = (),
) -> DeliveredFile:
    """`raw` is the file's content when the caller has read it already (to hash exactly what is loaded).

    `ignored_columns` are accepted in the header and dropped (a correction file's CORRECTION_COLUMNS)."""
    warnings: list[str] = []
    raw = path.read_bytes() if raw is None else raw
    encoding = delimiter = sheet = None
    if raw.startswith(XLSX_MAGIC):
        records, sheet = _xlsx_records(path, raw, options.sheet)
        file_format = "xlsx"
    else:
        text, encoding = _decode(path, raw, options.encoding, warnings)
        _check_no_inner_bom(path, text)
        delimiter = options.delimiter or _sniff_delimiter(text, contract)
        records = _csv_records(path, text, delimiter)
        file_format = "csv"
    if not records:
        raise FileRefused("FILE_EMPTY", f"{path.name}: no header row")
    header = records[0].cells
    _check_header(path, header, contract, has_unit_default, ignored_columns)
    data = records[1:]
    if not data:
        raise FileRefused("FILE_EMPTY", f"{path.name}: a header but no data row")
    names = [h.strip() for h in header]
    width = len(names)
    columns: dict[str, list[str | None]] = {name: [] for name in names}
    _check_widths(path, data, width, delimiter)
    for record in data:
        padded = record.cells[:width] + [""] * (width - len(record.cells))
        for name, cell in zip(names, padded, strict=True):
            # A quoted line break is stored as LF whatever the file's line ends.
            value = cell.strip().replace("\r\n", "\n")
            columns[name].append(value or None)
    ignored_cells = {name: columns.pop(name) for name in ignored_columns if name in columns}
    problems = _overrides_not_allowed(columns, contract)
    decimal = options.decimal or _detect_decimal(columns, contract, delimiter)
    date_format = options.date_format or _detect_date_format(columns, contract)
    _normalise_numbers(columns, contract, decimal, problems)
    _normalise_dates(columns, contract, date_format or "iso", problems)
    declared = tuple(
        name
        for name, value in (
            ("encoding", options.encoding),
            ("delimiter", options.delimiter),
            ("decimal", options.decimal),
            ("date_format", options.date_format),
            ("sheet", options.sheet),
        )
        if value is not None
    )
    return DeliveredFile(
        path=path,
        cells=pl.DataFrame(columns, schema={name: pl.String for name in columns}),
        header=names,
        ignored_cells=ignored_cells,
        line_numbers=[r.line_number for r in data],
        original_lines=[r.original for r in data],
        detected=DetectedFormat(file_format, encoding, delimiter, decimal, date_format, sheet, declared),
        warnings=warnings,
        cell_problems=sorted(problems, key=lambda p: p.row_index),
    )


def recorded_delimiter(read_format: str | None) -> str:
    """The delimiter of a load as `DetectedFormat.describe` recorded it (ops.loads.read_format); ',' for a
    workbook, whose rows `_xlsx_records` stored as ','-delimited lines."""
    match = _RECORDED_DELIMITER.search(read_format or "")
    return match.group(1) if match else ","


def original_cells(original_line: str, read_format: str | None) -> list[str]:
    """The cells of a row as `ops.rejects.original_line` holds it, split as the reader split it."""
    reader = csv.reader(io.StringIO(original_line, newline=""), delimiter=recorded_delimiter(read_format))
    # One record, even when a quoted cell holds a line break (the original line then spans several lines).
    return next(reader, [])
