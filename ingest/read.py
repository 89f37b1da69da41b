"""Read a delivered CSV file into a frame of trimmed text cells, refusing a file whose header is wrong.

File-level rules (METHODOLOGY.md §1.8): UTF-8 with or without BOM, Windows-1252 as a flagged
fallback; comma delimiter; lines whose first cell starts with `#` are comments; the header must
name exactly the contract's columns (order free). Any failure refuses the whole file with a message
naming the file, line, column and what was expected.
"""

import csv
import difflib
import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ingest.contracts import SourceContract


class FileRefused(Exception):
    """The whole file is refused; nothing from it is loaded."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class DeliveredFile:
    path: Path
    # One text column per contract column present in the header; blank cells are null.
    cells: pl.DataFrame
    # File line number (header = 1) and original text of each data row, in frame order.
    line_numbers: list[int]
    original_lines: list[str]
    warnings: list[str] = field(default_factory=list)


def _decode(path: Path, raw: bytes, warnings: list[str]) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise FileRefused(
                "FILE_ENCODING",
                f"{path.name}: byte {utf8_error.start} is neither UTF-8 nor Windows-1252; save the file as UTF-8",
            ) from None
        warnings.append(f"FILE_ENCODING_FALLBACK: {path.name} is not UTF-8; read as Windows-1252")
        return text


def _records(text: str) -> list[tuple[int, list[str], str]]:
    """(line number, cells, original text) of every non-comment, non-blank record."""
    lines = text.splitlines(keepends=True)
    records = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line_number = 1
    try:
        for cells in reader:
            first_line = line_number
            line_number = reader.line_num + 1
            if not cells or all(not c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
                continue
            original = "".join(lines[first_line - 1 : reader.line_num]).rstrip("\r\n")
            records.append((first_line, cells, original))
    except csv.Error as error:
        raise FileRefused("FILE_FORMAT", f"line {reader.line_num}: {error}") from None
    return records


def _closest(name: str, expected: tuple[str, ...]) -> str:
    match = difflib.get_close_matches(name.lower(), expected, n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


def _check_header(path: Path, header: list[str], contract: SourceContract, has_unit_default: bool) -> None:
    names = [h.strip() for h in header]
    expected = contract.column_names
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        where = f"{path.name}, line 1, column {position}"
        if name in seen:
            raise FileRefused("FILE_DUPLICATE_COLUMN", f"{where}: column '{name}' appears twice")
        seen.add(name)
        if name not in expected:
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


def read_delivered_file(
    path: Path, contract: SourceContract, raw: bytes | None = None, *, has_unit_default: bool = False
) -> DeliveredFile:
    """`raw` is the file's content when the caller has read it already (to hash exactly what is loaded)."""
    warnings: list[str] = []
    raw = path.read_bytes() if raw is None else raw
    text = _decode(path, raw, warnings)
    try:
        records = _records(text)
    except FileRefused as refused:
        raise FileRefused(refused.code, f"{path.name}, {refused.message}") from None
    if not records:
        raise FileRefused("FILE_EMPTY", f"{path.name}: no header row")
    _, header, _ = records[0]
    _check_header(path, header, contract, has_unit_default)
    data = records[1:]
    if not data:
        raise FileRefused("FILE_EMPTY", f"{path.name}: a header but no data row")
    names = [h.strip() for h in header]
    width = len(names)
    columns: dict[str, list[str | None]] = {name: [] for name in names}
    for line_number, cells, _ in data:
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            raise FileRefused(
                "FILE_FORMAT",
                f"{path.name}, line {line_number}: {len(cells)} cells where the header has {width} columns",
            )
        padded = cells[:width] + [""] * (width - len(cells))
        for name, cell in zip(names, padded, strict=True):
            value = cell.strip()
            columns[name].append(value or None)
    cells = pl.DataFrame(columns, schema={name: pl.String for name in names})
    return DeliveredFile(
        path=path,
        cells=cells,
        line_numbers=[r[0] for r in data],
        original_lines=[r[2] for r in data],
        warnings=warnings,
    )
