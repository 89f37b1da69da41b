"""Hostile files too big to commit (issue 11), written by the test: each is refused whole, recorded in ops.loads
with a sentence naming file, line or cell and what was expected, before anything large is allocated. The workbook
bombs are loaded by `co2calc ingest` in a real process, whose peak RSS (os.wait4 in a small launcher) must stay
near a one-row load's (about 150 MiB: the imports and the connection); before, one 300 MB cell took 4.4 GB and a
cell at XFD1048576 aborted the process. The small hostile files are in the bad-input corpus (tests/fixtures/bad_input)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from ingest.load import load_file
from tests.fixtures.make_workbooks import write_big_cell_workbook

CO2CALC = str(Path(sys.executable).parent / "co2calc")
CORPUS = Path(__file__).parents[2] / "fixtures" / "bad_input"
PLANES_HEADER = (
    "unit_institutional_id,origin_iata,destination_iata,user_institutional_id,departure_date,number_of_trips,"
    "cabin_class,note"
)
# A load that refuses a file before reading its rows stays this small (a one-row load peaks at about 150 MiB).
PEAK_RSS_LIMIT_MIB = 300


@pytest.fixture
def engine(fresh_database_url: str):
    engine = sa.create_engine(fresh_database_url)
    yield engine
    engine.dispose()


def recorded_refusal(engine: sa.Engine, file_name: str) -> tuple[str, str]:
    with engine.connect() as connection:
        row = connection.execute(
            sa.text("select load_status, refusal_message from ops.loads where file_name = :name"),
            {"name": file_name},
        ).one()
    return tuple(row)


# wait4's ru_maxrss of a child counts the memory of the process that forked it (Linux carries the forking process's
# high-water mark through fork and exec), and pytest's passes 700 MiB over the whole suite: a small launcher forks
# the ingest, so the peak it reports is the ingest's own.
PEAK_RSS_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as peak:
    peak.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def ingest_in_a_process(engine: sa.Engine, path: Path, out: Path, **settings: str) -> tuple[int, str, float]:
    """`co2calc ingest PATH --source travel_planes` in its own process: exit code, output, peak RSS in MiB."""
    env = {
        **os.environ,
        "CO2CALC_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "COLUMNS": "300",
        **settings,
    }
    peak_kib = out.with_suffix(".peak_kib")
    ingest_command = [CO2CALC, "ingest", str(path), "--source", "travel_planes"]
    with out.open("w") as output:
        process = subprocess.run(
            [sys.executable, "-I", "-c", PEAK_RSS_LAUNCHER, str(peak_kib), *ingest_command],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
        )
    return process.returncode, out.read_text(), int(peak_kib.read_text()) / 1024


def test_a_header_line_over_128_kib_is_refused_naming_its_cell_without_quoting_it(engine, tmp_path):
    # The csv module's field limit (131,072) raised a traceback from the delimiter sniffing.
    path = tmp_path / "travel_planes_2025.csv"
    path.write_text(PLANES_HEADER + "," + "x" * 140_000 + "\n11110,GVA,CDG,1,2025-03-10,1,economy,,\n")

    result = load_file(engine, path, "travel_planes", reporting_year=2025, loaded_by="test")

    message = "FILE_FORMAT: travel_planes_2025.csv, line 1, column 9: a cell of 140,000 characters; expected at most 32,767"
    assert (result.outcome, result.message) == ("refused", message)
    assert recorded_refusal(engine, path.name) == ("refused", message)


def test_a_file_that_is_not_a_delivery_gives_at_most_the_start_of_its_first_cell(engine, tmp_path):
    # A travel_planes_2025.csv linked to a key file put the file's first line into the refusal, which stewards read.
    secret = "AWS_SECRET_ACCESS_KEY=" + "k" * 80
    path = tmp_path / "travel_planes_2025.csv"
    path.write_text(f"{secret}\nDATABASE_PASSWORD=second-line-secret\n")

    result = load_file(engine, path, "travel_planes", reporting_year=2025, loaded_by="test")

    status, message = recorded_refusal(engine, path.name)
    assert (result.outcome, status) == ("refused", "refused")
    assert message.startswith(
        f"FILE_UNKNOWN_COLUMN: travel_planes_2025.csv, line 1, column 1: unknown column '{secret[:60]}...' "
        "(102 characters) (expected columns for travel_planes:"
    )
    assert secret not in message and "second-line-secret" not in message


def test_a_cell_at_xfd1048576_is_refused_by_a_process_that_stays_small(engine, tmp_path):
    path = tmp_path / "travel_planes_2025.xlsx"
    path.write_bytes((CORPUS / "xlsx_dimension_to_xfd1048576.xlsx").read_bytes())

    code, output, peak_mib = ingest_in_a_process(engine, path, tmp_path / "out.txt")

    print(f"cell at XFD1048576: peak RSS {peak_mib:.0f} MiB")
    assert code == 1, output
    assert (
        "refused FILE_FORMAT: travel_planes_2025.xlsx, xl/worksheets/sheet1.xml: its dimension reaches"
        in output
    )
    assert "Traceback" not in output
    assert peak_mib < PEAK_RSS_LIMIT_MIB
    assert recorded_refusal(engine, path.name)[0] == "refused"


@pytest.mark.parametrize(
    ("settings", "refusal"),
    [
        (
            {},
            "xl/sharedStrings.xml: 300,000,503 bytes uncompressed; expected at most 268,435,456 bytes for this part "
            "of a workbook",
        ),
        # With the part cap raised, the entry is decompressed a MiB at a time and refused at its long text.
        (
            {"CO2CALC_MAX_WORKBOOK_PART_BYTES": str(1 << 30)},
            "xl/sharedStrings.xml, shared string 13: more than 327,670 bytes of text; expected a cell of at most 32,767 "
            "characters",
        ),
    ],
    ids=["over the part cap", "streamed to its long text"],
)
def test_a_300_mb_cell_is_refused_by_a_process_that_stays_small(engine, tmp_path, settings, refusal):
    path = tmp_path / "travel_planes_2025.xlsx"
    write_big_cell_workbook(path, 300_000_000)
    assert path.stat().st_size < 1_000_000

    code, output, peak_mib = ingest_in_a_process(engine, path, tmp_path / "out.txt", **settings)

    print(f"300 MB cell, {refusal}: peak RSS {peak_mib:.0f} MiB")
    assert code == 1, output
    assert f"refused FILE_FORMAT: travel_planes_2025.xlsx, {refusal}" in output
    assert "Traceback" not in output
    assert peak_mib < PEAK_RSS_LIMIT_MIB
    status, message = recorded_refusal(engine, path.name)
    assert status == "refused" and refusal in message
