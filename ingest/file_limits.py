"""What a delivered file may hold before it is read into memory, and the workbook checks that enforce it.

A hostile or broken file must be refused with a sentence, not exhaust the loader (issue 11): a 5.5 KB XLSX whose
sheet declares cells up to XFD1048576 made calamine try to allocate 512 GiB, and a 300 KB XLSX holding one 300 MB
cell took 4.4 GB. So an XLSX workbook is checked from its zip entries before calamine sees it: each entry's size,
every sheet's declared dimension and cell references (rows x columns of the range calamine would allocate), and
the longest text between two XML tags (one cell's text, or an attribute). The entries are decompressed a MiB at a
time through `zipfile`, which stops at the declared size and checks the CRC, so an entry that lies about its size
is refused too. CSV lines and cells have caps of their own (ingest.read). Every cap is a setting
(config/settings.py, `CO2CALC_MAX_*`).
"""

import hashlib
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from config.settings import get_settings

_CHUNK_BYTES = 1 << 20
# Bytes of XML text that hold at most one character of a cell: a character is at most 4 bytes of UTF-8, or an
# entity reference such as `&#x10FFFF;` (10 bytes). A text run longer than `max_cell_chars` times this cannot be one
# acceptable cell; the cell's characters are counted exactly once calamine has read it.
_XML_BYTES_PER_CHAR = 10
# A cell's position, whichever attribute order its `<c>` has: no other element of a sheet has an `r` attribute
# holding letters and digits (rows hold digits only; ranges are `ref`, `sqref`).
_CELL_REFERENCE = re.compile(rb"\sr=\"([A-Z]{1,20})([0-9]{1,30})\"")
_ROW_REFERENCE = re.compile(rb"<row\b[^>]*?\br=\"([0-9]{1,30})\"")
_DIMENSION = re.compile(rb"<dimension\b[^>]*?\bref=\"(?:[A-Z]*[0-9]*:)?([A-Z]{1,20})([0-9]{1,30})\"")
_SHARED_STRING = re.compile(rb"<si\b")
# The longest match any of the patterns above can have: a chunk is searched with this much of the previous one.
_OVERLAP_BYTES = 256
# The parts holding the cells, scanned; the workbook's other XML parts (styles, themes, relationships, properties)
# are kilobytes in a real workbook, and calamine parses some of them whole: they are capped lower.
_CELL_PARTS = re.compile(r"xl/(?:worksheets/[^/]+|sharedStrings)\.xml")
_OTHER_XML_PART_BYTES = 16 << 20


class FileRefused(Exception):
    """The whole file is refused; nothing from it is loaded."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ReadLimits:
    """The caps a delivered file is held to (config/settings.py `max_*`); a file beyond one is refused as
    FILE_FORMAT."""

    # Characters of a cell.
    max_cell_chars: int
    # Characters of a CSV file's physical line.
    max_line_chars: int
    # Rows x columns of a sheet's range as its dimension and cell references declare it (calamine allocates it).
    max_workbook_cells: int
    # Uncompressed bytes of any entry of a workbook (a sheet, the shared strings).
    max_workbook_part_bytes: int

    @classmethod
    def from_settings(cls) -> "ReadLimits":
        settings = get_settings()
        return cls(
            max_cell_chars=settings.max_cell_chars,
            max_line_chars=settings.max_line_chars,
            max_workbook_cells=settings.max_workbook_cells,
            max_workbook_part_bytes=settings.max_workbook_part_bytes,
        )


def inbox_file_digest(path: Path) -> tuple[str | None, str | None]:
    """(SHA-256, None) of a regular file dropped in an inbox, or (None, why it is refused) for a symbolic link, a
    FIFO, a device or a socket, which is not read: a `travel_planes_2025.csv` linked to a key file put the key's
    first line into a refusal message that stewards read (issue 11), and reading a FIFO blocks. The file is opened
    without following a link, so a link put in its place after the check is refused too."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        if stat.S_ISLNK(path.lstat().st_mode):
            return None, f"{path.name}: a symbolic link; the inbox takes regular files only, it is not read"
        return None, f"{path.name}: cannot be opened ({error.strerror})"
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None, f"{path.name}: not a regular file (a FIFO, device or socket); it is not read"
        return hashlib.file_digest(handle, "sha256").hexdigest(), None


def column_letters(number: int) -> str:
    """The spreadsheet letters of a 1-based column number (1 -> A, 16384 -> XFD)."""
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def _cell_name(column: int, row: int) -> str:
    return f"{column_letters(column)}{row}"


class _PartScan:
    """One entry of a workbook, decompressed a chunk at a time: the largest row and column it references and the
    longest run of bytes between two `<` (a text, or a tag), refused as soon as a cap is passed."""

    def __init__(self, file_name: str, part: str, limits: ReadLimits):
        self.file_name, self.part, self.limits = file_name, part, limits
        self.max_row = self.max_column = 0
        self.last_cell: str | None = None
        self.shared_strings = 0
        # Bytes since the last `<`, and the end of the previous chunk (a reference may straddle two chunks).
        self.run = 0
        self.tail = b""
        self.max_run = limits.max_cell_chars * _XML_BYTES_PER_CHAR
        self.long_run = re.compile(rb"<[^<]{%d}" % (self.max_run + 1))

    def feed(self, chunk: bytes) -> None:
        window = self.tail + chunk
        start = len(self.tail)
        first_tag = chunk.find(b"<")
        # The run carried from the previous chunks, then any run after a `<` of this chunk (a regex that only starts
        # at a `<` scans the chunk once; splitting it at every `<` took seven times as long).
        if self.run + (len(chunk) if first_tag < 0 else first_tag) > self.max_run:
            self._references(window, start, start)
            self._refuse_long_text()
        if first_tag < 0:
            self.run += len(chunk)
        else:
            if long_run := self.long_run.search(chunk, first_tag):
                self._references(window, start, start + long_run.start())
                self._refuse_long_text()
            self.run = len(chunk) - chunk.rfind(b"<") - 1
        self._references(window, start, len(window))
        self.tail = window[-_OVERLAP_BYTES:]

    def _references(self, window: bytes, start: int, end: int) -> None:
        """The dimension, row and cell references of `window[:end]` (the maxima only: a reference of the previous
        chunk's tail seen again changes nothing), and its shared strings that end past `start`. Matches are taken
        in bulk: a Python step per cell made the check three times slower than calamine's read of the sheet."""
        for match in _DIMENSION.finditer(window, 0, end):
            self._reach(_column_number(match.group(1)), int(match.group(2)), "its dimension")
        if rows := _ROW_REFERENCE.findall(window, 0, end):
            self._reach(self.max_column or 1, max(map(int, rows)), "a row reference")
        if cells := _CELL_REFERENCE.findall(window, 0, end):
            letters, numbers = zip(*cells, strict=True)
            self._reach(max(map(_column_number, set(letters))), max(map(int, numbers)), "a cell reference")
            self.last_cell = f"{cells[-1][0].decode()}{int(cells[-1][1])}"
        # A `<si` ending past `start` begins at most two bytes before it.
        self.shared_strings += len(_SHARED_STRING.findall(window, max(start - 2, 0), end))

    def _reach(self, column: int, row: int, where: str) -> None:
        self.max_row, self.max_column = max(self.max_row, row), max(self.max_column, column)
        if self.max_row * self.max_column > self.limits.max_workbook_cells:
            raise FileRefused(
                "FILE_FORMAT",
                f"{self.file_name}, {self.part}: {where} reaches cell {_cell_name(self.max_column, self.max_row)}, "
                f"a range of {self.max_row:,} rows x {self.max_column:,} columns; expected at most "
                f"{self.limits.max_workbook_cells:,} cells (save the sheet as CSV, or delete the empty rows and "
                "columns around the data)",
            )

    def _refuse_long_text(self) -> None:
        if self.part.endswith("sharedStrings.xml"):
            where = f"shared string {self.shared_strings}"
        elif self.last_cell is not None:
            where = f"cell {self.last_cell}"
        else:
            where = "before the first cell"
        raise FileRefused(
            "FILE_FORMAT",
            f"{self.file_name}, {self.part}, {where}: more than {self.max_run:,} bytes of text; expected a cell of at "
            f"most {self.limits.max_cell_chars:,} characters",
        )


def check_workbook(path: Path, limits: ReadLimits) -> None:
    """Refuse a workbook (FILE_FORMAT) that is not a zip archive, whose entries are bigger than the caps or lie about
    their size, whose sheets reach more cells than the cap, or that holds a text longer than a cell may be, before
    calamine allocates anything for it."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            xml_entries = [e for e in archive.infolist() if e.filename.endswith((".xml", ".rels"))]
            for entry in xml_entries:
                is_cell_part = bool(_CELL_PARTS.fullmatch(entry.filename))
                cap = limits.max_workbook_part_bytes if is_cell_part else _OTHER_XML_PART_BYTES
                if entry.file_size > cap:
                    raise FileRefused(
                        "FILE_FORMAT",
                        f"{name}, {entry.filename}: {entry.file_size:,} bytes uncompressed; expected at most "
                        f"{cap:,} bytes for this part of a workbook",
                    )
            # Every XML part is read through once (zipfile stops at its declared size and checks its CRC); the cell
            # parts are scanned as they go.
            for entry in xml_entries:
                scan = (
                    _PartScan(name, entry.filename, limits) if _CELL_PARTS.fullmatch(entry.filename) else None
                )
                with archive.open(entry) as part:
                    while chunk := part.read(_CHUNK_BYTES):
                        if scan is not None:
                            scan.feed(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as error:
        raise FileRefused("FILE_FORMAT", f"{name}: not a readable XLSX workbook ({error})") from None
