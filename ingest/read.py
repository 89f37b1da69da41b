"""Read a delivered file (CSV or XLSX) into frames of canonical text cells, refusing a file whose shape is wrong.

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

A file is streamed, so that memory does not grow with its size: `open_delivered_file` decodes it chunk by
chunk to settle the encoding, then reads its rows once to check the header and shape and detect the
conventions, keeping none of them, and `DeliveredStream.batches` reads them again, a batch of rows at a time.
Every file-level refusal is thus raised before the first row is handed out.
"""

import codecs
import csv
import difflib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, partial
from itertools import islice
from pathlib import Path
from typing import NamedTuple

import polars as pl
import python_calamine

from ingest.contracts import SourceContract
from ingest.file_limits import FileRefused, ReadLimits, check_workbook

XLSX_MAGIC = b"PK\x03\x04"
# An Excel 97-2003 workbook (.xls) is an OLE2 compound file.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Rows per batch. A load holds two (one copied while the next is validated, ingest.copier); at 50,000 rows its peak
# memory is about flat: 107 MiB added at 119,961 rows, 126 MiB at 479,844 (medians of 5 runs of
# tests/benchmarks/bench_ingest_throughput.py).
DEFAULT_BATCH_ROWS = 50_000
_CHUNK_BYTES = 1 << 20
# What Python's str.strip() strips (str.isspace), which polars' strip_chars() without characters does not wholly
# strip (it keeps U+001C to U+001F): cells are stripped the same whichever way a file is read.
_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# The same characters inside a regular expression's character class (polars' regex syntax).
_WHITESPACE_CLASS = "".join(f"\\x{{{ord(c):X}}}" for c in _WHITESPACE)
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

# Digits are ASCII only (METHODOLOGY.md §1.8): `\d` would match any Unicode digit (fullwidth, Arabic-Indic), in
# Python's re and in polars' engine alike.
_DOTTED_DATE = re.compile(r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})$")
_DECIMAL_COMMA = re.compile(r"^[+-]?(?:[0-9]+,[0-9]*|,[0-9]+)$")
_THOUSANDS = {
    ".": re.compile(r"^[+-]?[0-9]{1,3}(?:(?:[' \u00a0\u2019][0-9]{3})+|(?:,[0-9]{3})+)(?:\.[0-9]*)?$"),
    ",": re.compile(r"^[+-]?[0-9]{1,3}(?:(?:[' \u00a0\u2019][0-9]{3})+|(?:\.[0-9]{3})+)(?:,[0-9]*)?$"),
}
# How much of a header cell a refusal quotes: a file that is not what its name says (a key file linked into the
# inbox) must not have its content copied into ops.loads.refusal_message.
_QUOTED_HEADER_CHARS = 60


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
    """The rows of a delivered file, or of one batch of it (DeliveredStream.batches)."""

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
    # Row indices count from the first row of `cells`.
    cell_problems: list[CellProblem] = field(default_factory=list)
    # The cells of the header's ignored columns (a correction file's CORRECTION_COLUMNS), blank cells null.
    ignored_cells: dict[str, list[str | None]] = field(default_factory=dict)


class _Record(NamedTuple):
    line_number: int
    cells: list[str]
    original: str


def _decode_error_offset(path: Path, codec: str, skip_bytes: int) -> int | None:
    """The offset (counted from `skip_bytes`) of the first byte that is not valid `codec`, or None. The file is
    decoded chunk by chunk, so that checking an encoding does not hold the file in memory."""
    decoder = codecs.getincrementaldecoder(codec)()
    offset = 0
    with path.open("rb") as handle:
        handle.seek(skip_bytes)
        while chunk := handle.read(_CHUNK_BYTES):
            pending_bytes = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                return offset - pending_bytes + error.start
            offset += len(chunk)
        pending_bytes = len(decoder.getstate()[0])
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            return offset - pending_bytes + error.start
    return None


def _encoding(path: Path, declared: str | None, warnings: list[str]) -> tuple[str, str]:
    """(Python codec to read the text with, encoding description)."""
    if declared is not None:
        if (position := _decode_error_offset(path, declared, 0)) is not None:
            raise FileRefused(
                "FILE_ENCODING",
                f"{path.name}: byte {position} is not valid {declared} (the declared encoding)",
            )
        return declared, declared
    with path.open("rb") as handle:
        start = handle.read(4)
    if start.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise FileRefused(
            "FILE_ENCODING",
            f"{path.name}: UTF-32 (by its byte-order mark); expected UTF-8: save the file as UTF-8",
        )
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # UTF-16 is read when its byte-order mark says so (METHODOLOGY.md §1.8); the codec removes the mark.
        if (position := _decode_error_offset(path, "utf-16", 0)) is not None:
            raise FileRefused(
                "FILE_ENCODING",
                f"{path.name}: starts with a UTF-16 byte-order mark but byte {position} is not UTF-16; save the "
                "file as UTF-8",
            )
        return "utf-16", "utf-16"
    has_bom = start.startswith(codecs.BOM_UTF8)
    utf8_error = _decode_error_offset(path, "utf-8", len(codecs.BOM_UTF8) if has_bom else 0)
    if utf8_error is None:
        return "utf-8-sig", "utf-8 with BOM" if has_bom else "utf-8"
    if has_bom:
        raise FileRefused(
            "FILE_ENCODING",
            f"{path.name}: starts with a UTF-8 byte-order mark but byte {utf8_error} is not UTF-8 "
            "(mixed encodings); save the whole file as UTF-8",
        )
    if _decode_error_offset(path, "cp1252", 0) is not None:
        raise FileRefused(
            "FILE_ENCODING",
            f"{path.name}: byte {utf8_error} is neither UTF-8 nor Windows-1252; save the file as UTF-8",
        )
    warnings.append(f"FILE_ENCODING_FALLBACK: {path.name} is not UTF-8; read as Windows-1252")
    return "cp1252", "cp1252"


def _text_lines(path: Path, codec: str, max_line_chars: int) -> Iterator[str]:
    """The file's lines with their line ends (split at LF, CRLF or CR, as a CSV reader expects), without a leading
    byte-order mark; a byte-order mark further on (two files joined) or a line longer than `max_line_chars` refuses
    the file (a line is read no further than that)."""
    with path.open(encoding=codec, newline="") as handle:
        line_number = 0
        while line := handle.readline(max_line_chars + len("\r\n")):
            line_number += 1
            if len(line.rstrip("\r\n")) > max_line_chars:
                raise _line_too_long(path, line_number, max_line_chars)
            # utf-8-sig removes a UTF-8 byte-order mark; one under a declared encoding is removed here.
            if line_number == 1 and codec != "utf-8-sig":
                line = line.removeprefix("\ufeff")
            if "\ufeff" in line:
                raise FileRefused(
                    "FILE_FORMAT",
                    f"{path.name}, line {line_number}: a byte-order mark in the middle of the file (two files "
                    "joined?); expected one file with one header",
                )
            yield line


def _line_too_long(path: Path, line_number: int, max_line_chars: int) -> FileRefused:
    return FileRefused(
        "FILE_FORMAT",
        f"{path.name}, line {line_number}: longer than {max_line_chars:,} characters; expected one row of cells",
    )


def _check_cells(path: Path, record: "_Record", max_cell_chars: int) -> None:
    """A cell holds no NUL character (PostgreSQL text cannot) and at most `max_cell_chars` characters."""
    for position, cell in enumerate(record.cells, start=1):
        where = f"{path.name}, line {record.line_number}, column {position}"
        if "\x00" in cell:
            raise FileRefused(
                "FILE_FORMAT",
                f"{where}: a NUL character (byte 0); expected text (a binary file, or UTF-16 without its "
                "byte-order mark? save the file as UTF-8)",
            )
        if len(cell) > max_cell_chars:
            raise FileRefused(
                "FILE_FORMAT",
                f"{where}: a cell of {len(cell):,} characters; expected at most {max_cell_chars:,}",
            )


def _is_blank(cells: list[str]) -> bool:
    return not cells or not "".join(cells).strip()


def _is_comment_or_blank(cells: list[str]) -> bool:
    return _is_blank(cells) or cells[0].lstrip().startswith("#")


class _BlankLines:
    """Counts the lines of empty cells (`,,,,` or nothing) a pass over a file's records leaves out: they are
    skipped and counted (METHODOLOGY.md §1.8), those after the header only (`_scan_records` resets the count)."""

    def __init__(self) -> None:
        self.count = 0

    def add(self, cells: list[str]) -> None:
        if _is_blank(cells):
            self.count += 1


def _sniff_delimiter(lines: Iterator[str], contract: SourceContract) -> str:
    """The delimiter that splits the header line into the most contract column names (then the most cells)."""
    header = next((line for line in lines if line.strip() and not line.lstrip().startswith("#")), "")
    expected = set(contract.column_names)

    def score(delimiter: str) -> tuple[int, int]:
        try:
            cells = next(csv.reader([header], delimiter=delimiter), [])
        except csv.Error:
            # A cell past the csv module's field limit: the header is refused by the first pass (_check_cells).
            cells = header.split(delimiter)
        return sum(c.strip() in expected for c in cells), len(cells)

    return max(DELIMITERS, key=score)


def _csv_records(
    path: Path,
    lines: Iterator[str],
    delimiter: str,
    *,
    originals: bool = True,
    blank_lines: _BlankLines | None = None,
) -> Iterator[_Record]:
    """Every non-comment, non-blank record, with its first line number and original text (the physical lines
    the record was read from, so a quoted line break keeps its line numbers; '' without `originals`, which
    saves a Python step per line where they are not needed)."""
    consumed: list[str] = []

    def tapped() -> Iterator[str]:
        for line in lines:
            consumed.append(line)
            yield line

    reader = csv.reader(tapped() if originals else lines, delimiter=delimiter, strict=True)
    line_number = 1
    try:
        for cells in reader:
            first_line = line_number
            line_number = reader.line_num + 1
            original = "".join(consumed).rstrip("\r\n")
            consumed.clear()
            if not _is_comment_or_blank(cells):
                yield _Record(first_line, cells, original)
            elif blank_lines is not None:
                blank_lines.add(cells)
    except csv.Error as error:
        if "end of data" in str(error):
            raise FileRefused(
                "FILE_FORMAT",
                f"{path.name}, line {line_number}: a quoted cell opened on this line is never closed "
                '(expected a closing ")',
            ) from None
        if "field larger than field limit" in str(error):
            raise FileRefused(
                "FILE_FORMAT",
                f"{path.name}, line {line_number}: a cell of more than {csv.field_size_limit():,} characters "
                "(a quote never closed?); expected a shorter cell",
            ) from None
        raise FileRefused("FILE_FORMAT", f"{path.name}, line {reader.line_num}: {error}") from None


@cache
def _positional() -> Callable[[float], str]:
    """A float as text without exponent, to the 15 significant digits Excel keeps (a computed cell holding
    0.1 + 0.2 is 0.30000000000000004 as a double, shown and stored by Excel as 0.3); numpy, imported at a workbook's
    first number cell: importing numpy took 0.085 s of every `co2calc ingest` start-up."""
    from numpy import format_float_positional

    return partial(format_float_positional, precision=15, unique=False, fractional=False, trim="-")


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
            return _positional()(value)
        case None:
            return ""
        case _:
            return str(value)


def _xlsx_rows(path: Path, sheet: str | None) -> tuple[list[list[object]], str]:
    """The sheet's rows from A1 (the sheet's row numbers are the file's line numbers) and the sheet's name.
    calamine holds a sheet whole; a sheet has at most 1,048,576 rows."""
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
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
    return workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False), sheet


def _xlsx_records(rows: list[list[object]], blank_lines: _BlankLines | None = None) -> Iterator[_Record]:
    for row_number, values in enumerate(rows, start=1):
        cells = [_xlsx_cell(v) for v in values]
        while cells and not cells[-1].strip():
            cells.pop()
        if _is_comment_or_blank(cells):
            if blank_lines is not None:
                blank_lines.add(cells)
            continue
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow(cells)
        yield _Record(row_number, cells, buffer.getvalue())


def _closest(name: str, expected: tuple[str, ...]) -> str:
    if len(name) > _QUOTED_HEADER_CHARS:
        return ""
    match = difflib.get_close_matches(name.lower(), expected, n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


def _quoted_header_cell(name: str) -> str:
    """A header cell as a refusal quotes it: whole when short, else its start and its length."""
    if len(name) <= _QUOTED_HEADER_CHARS:
        return f"'{name}'"
    return f"'{name[:_QUOTED_HEADER_CHARS]}...' ({len(name):,} characters)"


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
            raise FileRefused(
                "FILE_DUPLICATE_COLUMN", f"{where}: column {_quoted_header_cell(name)} appears twice"
            )
        seen.add(name)
        if name not in expected and name != OVERRIDE_COLUMN and name not in ignored_columns:
            raise FileRefused(
                "FILE_UNKNOWN_COLUMN",
                f"{where}: unknown column {_quoted_header_cell(name)}{_closest(name, expected)} "
                f"(expected columns for {contract.source_code}: {', '.join(expected)})",
            )
    # A column that is not required may be left out: its cells take the column's default, or stay blank
    # (METHODOLOGY.md §1.8). Every missing required column is named at once, so one correction fixes the header.
    missing = [
        column.name
        for column in contract.columns
        if column.required
        and column.name not in seen
        and not (column.name == "unit_institutional_id" and has_unit_default)
    ]
    if missing:
        raise FileRefused(
            "FILE_MISSING_COLUMN",
            f"{path.name}, line 1: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(f"'{name}'" for name in missing)} "
            f"(expected columns for {contract.source_code}: {', '.join(expected)})",
        )


class _ShapeCheck:
    """Every CSV row has the header's number of cells. Blank cells past the header are tolerated only when every
    row has them (a trailing delimiter on each line): one longer row is a shifted row (e.g. `0,5` unquoted).
    An XLSX row may end early (its trailing cells are blank). Whether every row has the same width is known only
    at the end of the file, so the check keeps the first row that fails in any case and the first that fails
    unless all widths are equal, not the rows."""

    def __init__(self, path: Path, width: int, delimiter: str | None):
        self.path, self.width, self.delimiter = path, width, delimiter
        self.widths: set[int] = set()
        self.first_failure: str | None = None
        self.first_failure_if_widths_differ: str | None = None

    def add(self, record: _Record) -> None:
        cells, width, delimiter = record.cells, self.width, self.delimiter
        self.widths.add(len(cells))
        where = f"{self.path.name}, line {record.line_number}"
        if len(cells) > width:
            extra_is_blank = not any(c.strip() for c in cells[width:])
            if extra_is_blank and delimiter is None:
                return
            message = f"{where}: {len(cells)} cells where the header has {width} columns" + (
                " (an unquoted ',' inside a cell, such as a decimal comma?)" if delimiter == "," else ""
            )
            if not extra_is_blank:
                self.first_failure = self.first_failure or message
            self.first_failure_if_widths_differ = self.first_failure_if_widths_differ or message
        elif len(cells) < width and delimiter is not None:
            other = next((d for d in DELIMITERS if d != delimiter and d in "".join(cells)), None)
            hint = f" (the line is delimited by '{other}', the header by '{delimiter}')" if other else ""
            message = (
                f"{where}: {len(cells)} cell{'s' if len(cells) > 1 else ''} where the header has {width} "
                f"columns{hint}"
            )
            self.first_failure = self.first_failure or message
            self.first_failure_if_widths_differ = self.first_failure_if_widths_differ or message

    def raise_first_failure(self) -> None:
        failure = self.first_failure if len(self.widths) == 1 else self.first_failure_if_widths_differ
        if failure is not None:
            raise FileRefused("FILE_FORMAT", failure)


def _normalise_numbers(
    cells: pl.DataFrame, contract: SourceContract, decimal: str, problems: list[CellProblem]
) -> pl.DataFrame:
    for column in contract.columns:
        if column.column_type not in ("decimal", "integer") or column.name not in cells.columns:
            continue
        value = pl.col(column.name)
        is_decimal = column.column_type == "decimal"
        thousands = value.str.contains(_THOUSANDS[decimal].pattern).fill_null(False)
        dot = pl.lit(False)
        if is_decimal and decimal == ",":
            dot = ~thousands & value.str.contains(".", literal=True).fill_null(False)
        comma = pl.lit(False)
        if is_decimal:
            comma = ~thousands & ~dot & value.str.contains(_DECIMAL_COMMA.pattern).fill_null(False)
        reasons = {
            "has a thousands separator; write the number without it": thousands,
            "holds a dot, but this file's decimal separator is ','": dot,
            "holds a decimal comma, but this file's decimal separator is '.' (a ','-delimited file cannot use "
            "decimal commas; use ';' as delimiter or declare the decimal separator ',')": comma
            if decimal == "."
            else pl.lit(False),
        }
        flags = cells.select(is_problem.alias(reason) for reason, is_problem in reasons.items())
        values = cells[column.name]
        for row in flags.select(pl.any_horizontal(pl.all())).to_series().arg_true():
            reason = next(reason for reason in reasons if flags[reason][row])
            problems.append(
                CellProblem(row, column.name, "ROW_TYPE", f"{column.name} {values[row]!r} {reason}")
            )
        if is_decimal and decimal == ",":
            cells = cells.with_columns(
                pl.when(comma).then(value.str.replace_all(",", ".", literal=True)).otherwise(value)
            )
    return cells


def _normalise_dates(
    cells: pl.DataFrame, contract: SourceContract, date_format: str, problems: list[CellProblem]
) -> pl.DataFrame:
    if date_format != "dd.mm.yyyy":
        return cells
    for column in contract.columns:
        if column.column_type != "date" or column.name not in cells.columns:
            continue
        values = cells[column.name]
        rows, converted = [], []
        for row in values.str.contains(_DOTTED_DATE.pattern).fill_null(False).arg_true():
            day, month, year = (int(part) for part in _DOTTED_DATE.match(values[row]).groups())
            try:
                converted.append(date(year, month, day).isoformat())
                rows.append(row)
            except ValueError:
                problems.append(
                    CellProblem(
                        row,
                        column.name,
                        "ROW_TYPE",
                        f"{column.name} {values[row]!r} is not a date written DD.MM.YYYY",
                    )
                )
        if rows:
            cells = cells.with_columns(values.scatter(rows, converted))
    return cells


def _overrides_not_allowed(
    cells: pl.DataFrame, contract: SourceContract
) -> tuple[pl.DataFrame, list[CellProblem]]:
    if OVERRIDE_COLUMN in contract.column_names or OVERRIDE_COLUMN not in cells.columns:
        return cells, []
    values = cells[OVERRIDE_COLUMN]
    problems = [
        CellProblem(
            row,
            OVERRIDE_COLUMN,
            "ROW_OVERRIDE_NOT_ALLOWED",
            f"{OVERRIDE_COLUMN} {values[row]!r} is not accepted for {contract.source_code}: its rows have no emission "
            "of their own to override (leave the cell blank)",
        )
        for row in values.is_not_null().arg_true()
    ]
    return cells.drop(OVERRIDE_COLUMN), problems


def _cell(record: _Record, position: int) -> str | None:
    """A cell in canonical text (None when blank); a quoted line break is stored as LF whatever the line ends."""
    if position >= len(record.cells):
        return None
    return record.cells[position].strip().replace("\r\n", "\n") or None


def _canonical_text(cells: pl.Expr, *, has_crlf: bool) -> pl.Expr:
    """`_cell` of each cell of a column; `has_crlf` says whether any cell holds a CRLF (only a quoted line break
    does), as replacing in every cell costs a copy of the column."""
    text = cells.str.strip_chars(_WHITESPACE)
    if has_crlf:
        text = text.str.replace_all("\r\n", "\n", literal=True)
    return pl.when(text != "").then(text)


class _RawBatch(NamedTuple):
    """Data rows as written: a text column per header name (null past the end of a short XLSX row), and each row's
    file line number and original text."""

    cells: pl.DataFrame
    line_numbers: pl.Series
    originals: pl.Series


def _record_batches(
    records: Iterator[_Record], names: list[str], batch_rows: int | None
) -> Iterator[_RawBatch]:
    width = len(names)
    data = islice(records, 1, None)
    while chunk := list(islice(data, batch_rows)):
        rows = [record.cells[:width] for record in chunk]
        yield _RawBatch(
            pl.DataFrame(
                [row + [None] * (width - len(row)) for row in rows],
                schema=dict.fromkeys(names, pl.String),
                orient="row",
            ),
            pl.Series([record.line_number for record in chunk], dtype=pl.Int64),
            pl.Series([record.original for record in chunk], dtype=pl.String),
        )


class _NotPlain(Exception):
    """The CSV file needs the csv module (`_csv_records`): it has quotes, a NUL, a bare CR or a byte-order mark
    past its start."""


def _plain_records(path: Path, codec: str, delimiter: str, max_line_chars: int) -> Iterator[pl.DataFrame]:
    """A plain CSV file's records (line_number, line without its line end), about a MiB of text at a time; raises
    _NotPlain at the first block that is not plain. A plain file has no quote, NUL, byte-order mark past its start,
    nor a CR other than in a CRLF: each of its lines is one record whose cells are the text between delimiters, as
    the csv module reads it, so polars splits a block's lines at once (a Python step per line and per cell was most
    of a load's time, ingest/README.md "Throughput"). Comment lines are left out and blank ones flagged `is_blank`
    (`_is_comment_or_blank`).
    A line longer than `max_line_chars` refuses the file before more of it is read."""
    first_line = 1
    line = pl.col("line")
    blank = ~line.str.contains(f"[^{_WHITESPACE_CLASS}{delimiter}]")
    comment = line.str.contains(f"^[{_WHITESPACE_CLASS}]*#")
    with path.open(encoding=codec, newline="") as handle:
        text = handle.read(_CHUNK_BYTES)
        # utf-8-sig removes a UTF-8 byte-order mark; one under a declared encoding is removed here (_text_lines).
        text = text if codec == "utf-8-sig" else text.removeprefix("\ufeff")
        while text:
            more = handle.read(_CHUNK_BYTES)
            cut = text.rfind("\n") + 1 if more else len(text)
            block, text = text[:cut], text[cut:] + more
            if len(text) - len(more) > max_line_chars + len("\r\n"):
                raise _line_too_long(path, first_line + block.count("\n"), max_line_chars)
            if (
                '"' in block
                or "\x00" in block
                or "\ufeff" in block
                or block.count("\r") != block.count("\r\n")
            ):
                raise _NotPlain
            lines = (
                pl.Series([block.removesuffix("\n")] if block else [], dtype=pl.String)
                .str.split("\n")
                .explode()
            )
            records = pl.DataFrame(
                {
                    "line_number": pl.int_range(
                        first_line, first_line + lines.len(), dtype=pl.Int64, eager=True
                    ),
                    "line": lines.str.strip_suffix("\r"),
                }
            )
            too_long = records.filter(pl.col("line").str.len_chars() > max_line_chars)
            if too_long.height:
                raise _line_too_long(path, too_long["line_number"][0], max_line_chars)
            first_line += lines.len()
            yield records.filter(~comment).with_columns(is_blank=blank)


def _plain_batches(
    path: Path, codec: str, delimiter: str, names: list[str], batch_rows: int | None, max_line_chars: int
) -> Iterator[_RawBatch]:
    pending: list[pl.DataFrame] = []
    pending_rows = 0
    header_pending = True
    for records in _plain_records(path, codec, delimiter, max_line_chars):
        records = records.filter(~pl.col("is_blank")).drop("is_blank")
        if header_pending and records.height:
            records, header_pending = records.slice(1), False
        pending.append(records)
        pending_rows += records.height
        while batch_rows is not None and pending_rows >= batch_rows:
            ready = pl.concat(pending)
            pending, pending_rows = [ready.slice(batch_rows)], pending_rows - batch_rows
            yield _plain_batch(ready.head(batch_rows), delimiter, names)
    if pending_rows:
        yield _plain_batch(pl.concat(pending), delimiter, names)


def _plain_batch(records: pl.DataFrame, delimiter: str, names: list[str]) -> _RawBatch:
    # Cells past the header's width are blank (or the file was refused, _ShapeCheck): they are left out.
    cells = records.select(pl.col("line").str.split(delimiter)).select(
        pl.col("line").list.get(position, null_on_oob=True).alias(name) for position, name in enumerate(names)
    )
    return _RawBatch(cells, records["line_number"], records["line"])


@dataclass
class _Scan:
    """What the first pass over a file's records found: the header's cells, the number of data rows, their shape,
    and whether a decimal cell holds a decimal comma (`;` files only) or a date cell is written DD.MM.YYYY."""

    header: list[str]
    rows: int
    shape: _ShapeCheck
    has_decimal_comma: bool = False
    has_dotted_date: bool = False
    # Lines of empty cells after the header: skipped, and counted.
    blank_lines: int = 0


def _positions(contract: SourceContract, names: list[str], column_type: str) -> list[int]:
    return [names.index(c.name) for c in contract.columns if c.column_type == column_type and c.name in names]


def _scan_records(
    path: Path,
    records: Iterator[_Record],
    contract: SourceContract,
    delimiter: str | None,
    max_cell_chars: int,
    blank_lines: _BlankLines,
) -> _Scan:
    """The first pass over the records of a file read by the csv module, or of a workbook; `blank_lines` counts
    the blank lines `records` leaves out."""
    header = next(records, None)
    if header is None:
        raise FileRefused("FILE_EMPTY", f"{path.name}: no header row")
    blank_lines.count = 0
    _check_cells(path, header, max_cell_chars)
    names = [h.strip() for h in header.cells]
    scan = _Scan(header.cells, 0, _ShapeCheck(path, len(names), delimiter))
    decimal_positions = _positions(contract, names, "decimal")
    date_positions = _positions(contract, names, "date")
    for record in records:
        _check_cells(path, record, max_cell_chars)
        scan.rows += 1
        scan.shape.add(record)
        if not scan.has_decimal_comma and delimiter == ";":
            scan.has_decimal_comma = any(
                (value := _cell(record, position)) is not None and _DECIMAL_COMMA.match(value)
                for position in decimal_positions
            )
        if not scan.has_dotted_date:
            scan.has_dotted_date = any(
                (value := _cell(record, position)) is not None and _DOTTED_DATE.match(value)
                for position in date_positions
            )
    scan.blank_lines = blank_lines.count
    return scan


def _any_cell_matches(lines: pl.Series, delimiter: str, positions: list[int], pattern: re.Pattern) -> bool:
    """Whether a line's cell (as `_cell` gives it) at one of the positions matches `pattern`, a whole-cell pattern:
    only the lines where it matches somewhere are split."""
    if not positions:
        return False
    candidates = lines.filter(lines.str.contains(pattern.pattern.removeprefix("^").removesuffix("$")))
    # A plain file's cells hold no CR: stripped, they are as `_cell` gives them.
    at = [pl.col("cells").list.get(p, null_on_oob=True).str.strip_chars(_WHITESPACE) for p in positions]
    found = pl.DataFrame({"cells": candidates.str.split(delimiter)}).select(
        pl.any_horizontal(c.str.contains(pattern.pattern) for c in at).any()
    )
    return bool(found.item())


def _scan_plain(
    path: Path, codec: str, delimiter: str, contract: SourceContract, limits: ReadLimits
) -> _Scan:
    """`_scan_records` of a plain CSV file (`_plain_records`), a block of lines at a time."""
    scan: _Scan | None = None
    for records in _plain_records(path, codec, delimiter, limits.max_line_chars):
        blank = records["is_blank"]
        if scan is None:
            # The header is the block's first line that is not blank: the blank lines after it are counted.
            filled = (~blank).arg_true()
            blank_lines = int(blank.slice(filled[0]).sum()) if filled.len() else 0
        else:
            blank_lines = int(blank.sum())
        records = records.filter(~blank).drop("is_blank")
        # Only a line longer than a cell may be can hold a cell too long (a plain file holds no NUL).
        for line_number, line in records.filter(
            pl.col("line").str.len_chars() > limits.max_cell_chars
        ).iter_rows():
            _check_cells(path, _Record(line_number, line.split(delimiter), line), limits.max_cell_chars)
        if scan is None:
            if not records.height:
                continue
            header = records["line"][0].split(delimiter)
            names = [h.strip() for h in header]
            scan = _Scan(header, 0, _ShapeCheck(path, len(names), delimiter))
            decimal_positions = _positions(contract, names, "decimal")
            date_positions = _positions(contract, names, "date")
            records = records.slice(1)
        scan.blank_lines += blank_lines
        scan.rows += records.height
        lines = records["line"]
        widths = lines.str.count_matches(delimiter, literal=True) + 1
        scan.shape.widths.update(widths.unique())
        width = scan.shape.width
        odd = (widths != width).arg_true()
        failing = (widths < width).arg_true()
        if (widths > width).any():
            extra = lines.str.split(delimiter).list.slice(width).list.join("")
            failing = (
                (widths < width) | ((widths > width) & (extra.str.strip_chars(_WHITESPACE) != ""))
            ).arg_true()
        # The shape check keeps the first row of each kind only.
        for row in sorted({*odd[:1], *failing[:1]}):
            line_number, line = records.row(row)
            scan.shape.add(_Record(line_number, line.split(delimiter), line))

        if not scan.has_decimal_comma and delimiter == ";":
            scan.has_decimal_comma = _any_cell_matches(lines, delimiter, decimal_positions, _DECIMAL_COMMA)
        if not scan.has_dotted_date:
            scan.has_dotted_date = _any_cell_matches(lines, delimiter, date_positions, _DOTTED_DATE)
    if scan is None:
        raise FileRefused("FILE_EMPTY", f"{path.name}: no header row")
    return scan


@dataclass
class DeliveredStream:
    """A delivered file whose header and shape were checked, read again batch by batch, so that memory holds one
    batch whatever the file's size. File-wide conventions (decimal separator, date format) were detected from
    every row before the first batch."""

    path: Path
    contract: SourceContract
    detected: DetectedFormat
    warnings: list[str]
    rows: int
    names: list[str]
    raw_batches: Callable[[int | None], Iterator[_RawBatch]]
    ignored_columns: tuple[str, ...] = ()
    # Lines of empty cells after the header (`,,,,`): in no batch, skipped and counted (METHODOLOGY.md §1.8).
    blank_lines: int = 0

    def batches(self, batch_rows: int | None = DEFAULT_BATCH_ROWS) -> Iterator[DeliveredFile]:
        """The data rows, `batch_rows` at a time (None: all of them in one batch)."""
        for raw in self.raw_batches(batch_rows):
            yield self._batch(raw)

    def _batch(self, raw: _RawBatch) -> DeliveredFile:
        has_crlf = raw.cells.select(
            pl.any_horizontal(pl.all().str.contains("\r\n", literal=True)).any()
        ).item()
        cells = raw.cells.select(
            _canonical_text(pl.col(name), has_crlf=bool(has_crlf)).alias(name) for name in self.names
        )
        ignored_cells = {
            name: cells[name].to_list() for name in self.ignored_columns if name in cells.columns
        }
        cells, problems = _overrides_not_allowed(cells.drop(ignored_cells), self.contract)
        cells = _normalise_numbers(cells, self.contract, self.detected.decimal or ".", problems)
        cells = _normalise_dates(cells, self.contract, self.detected.date_format or "iso", problems)
        return DeliveredFile(
            path=self.path,
            cells=cells,
            header=self.names,
            ignored_cells=ignored_cells,
            line_numbers=raw.line_numbers.to_list(),
            original_lines=raw.originals.to_list(),
            detected=self.detected,
            warnings=self.warnings,
            cell_problems=sorted(problems, key=lambda p: p.row_index),
        )


def open_delivered_file(
    path: Path,
    contract: SourceContract,
    *,
    has_unit_default: bool = False,
    options: ReadOptions = DETECT_EVERYTHING,
    ignored_columns: tuple[str, ...] = (),
    limits: ReadLimits | None = None,
) -> DeliveredStream:
    """Check the file's encoding, header and shape and detect its conventions in one pass over its rows, keeping
    none of them; raise FileRefused if the whole file is refused, before any of its rows is handed out.

    `ignored_columns` are accepted in the header and dropped (a correction file's CORRECTION_COLUMNS); each batch
    keeps their cells in `ignored_cells`. `limits`: the caps of ingest.file_limits (default: the settings')."""
    limits = limits or ReadLimits.from_settings()
    warnings: list[str] = []
    encoding = delimiter = sheet = None
    with path.open("rb") as handle:
        magic = handle.read(len(OLE2_MAGIC))
    if magic.startswith(OLE2_MAGIC):
        raise FileRefused(
            "FILE_FORMAT",
            f"{path.name}: an Excel 97-2003 workbook (.xls); expected XLSX or CSV: save it as .xlsx or as CSV UTF-8",
        )
    if magic.startswith(XLSX_MAGIC):
        check_workbook(path, limits)
        rows, sheet = _xlsx_rows(path, options.sheet)
        blank_lines = _BlankLines()
        scan = _scan_records(
            path, _xlsx_records(rows, blank_lines), contract, None, limits.max_cell_chars, blank_lines
        )
        del rows

        def raw_batches(batch_rows: int | None) -> Iterator[_RawBatch]:
            return _record_batches(_xlsx_records(_xlsx_rows(path, sheet)[0]), names, batch_rows)

        file_format = "xlsx"
    else:
        codec, encoding = _encoding(path, options.encoding, warnings)
        max_line = limits.max_line_chars
        delimiter = options.delimiter or _sniff_delimiter(_text_lines(path, codec, max_line), contract)
        try:
            scan = _scan_plain(path, codec, delimiter, contract, limits)

            def raw_batches(batch_rows: int | None) -> Iterator[_RawBatch]:
                return _plain_batches(path, codec, delimiter, names, batch_rows, max_line)
        except _NotPlain:
            blank_lines = _BlankLines()
            records = _csv_records(
                path, _text_lines(path, codec, max_line), delimiter, originals=False, blank_lines=blank_lines
            )
            scan = _scan_records(path, records, contract, delimiter, limits.max_cell_chars, blank_lines)

            def raw_batches(batch_rows: int | None) -> Iterator[_RawBatch]:
                return _record_batches(
                    _csv_records(path, _text_lines(path, codec, max_line), delimiter), names, batch_rows
                )

        file_format = "csv"
    names = [h.strip() for h in scan.header]
    _check_header(path, scan.header, contract, has_unit_default, ignored_columns)
    if not scan.rows:
        raise FileRefused("FILE_EMPTY", f"{path.name}: a header but no data row")
    scan.shape.raise_first_failure()
    detected_decimal = "," if delimiter == ";" and scan.has_decimal_comma else "."
    has_date_column = bool(_positions(contract, names, "date"))
    detected_date_format = ("dd.mm.yyyy" if scan.has_dotted_date else "iso") if has_date_column else None
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
    detected = DetectedFormat(
        file_format,
        encoding,
        delimiter,
        options.decimal or detected_decimal,
        options.date_format or detected_date_format,
        sheet,
        declared,
    )
    return DeliveredStream(
        path, contract, detected, warnings, scan.rows, names, raw_batches, ignored_columns, scan.blank_lines
    )


def read_delivered_file(
    path: Path,
    contract: SourceContract,
    *,
    has_unit_default: bool = False,
    options: ReadOptions = DETECT_EVERYTHING,
    ignored_columns: tuple[str, ...] = (),
    limits: ReadLimits | None = None,
) -> DeliveredFile:
    """The whole file as one batch (a file known to be small, a test); a load reads it with open_delivered_file."""
    stream = open_delivered_file(
        path,
        contract,
        has_unit_default=has_unit_default,
        options=options,
        ignored_columns=ignored_columns,
        limits=limits,
    )
    return next(stream.batches(batch_rows=None))


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
