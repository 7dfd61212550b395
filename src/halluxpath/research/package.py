"""An export's tables as files: CSV and Parquet of each, its data dictionary, one zip.

The zip holds, for every table, ``<table>.csv`` (UTF-8, header row, empty cell
for a missing value, booleans as ``true``/``false``) and ``<table>.parquet``
(pyarrow, typed columns), then ``data_dictionary.csv`` and ``README.md``
describing every column of every table: name, meaning, type, unit, allowed
values. The dictionary is written from the same ``Column`` list the rows were
built against, so a column cannot be exported undescribed.

The zip is written to a temporary name and renamed into place under
``MEDIA_ROOT/research/``; it is never served directly, only by the download
view after the access check.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import secrets
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq

from halluxpath.core.research import Column
from halluxpath.imaging.storage import media_path
from halluxpath.research.dataset import Table

FOLDER = "research"
DICTIONARY_COLUMNS = ("table", "column", "meaning", "type", "unit", "allowed_values")
ARROW_TYPES = {
    "integer": pa.int64(),
    "number": pa.float64(),
    "text": pa.string(),
    "boolean": pa.bool_(),
}


@dataclass(frozen=True)
class WrittenFile:
    relative: str  # under MEDIA_ROOT
    sha256: str
    size_bytes: int


def csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def table_csv(table: Table) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in table.columns])
    for row in table.rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8")


def table_parquet(table: Table) -> bytes:
    schema = pa.schema([pa.field(c.name, ARROW_TYPES[c.type]) for c in table.columns])
    columns = [
        pa.array([row[i] for row in table.rows], type=ARROW_TYPES[c.type])
        for i, c in enumerate(table.columns)
    ]
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(columns, schema=schema), buffer)
    return buffer.getvalue()


def dictionary_csv(tables: Sequence[Table]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(DICTIONARY_COLUMNS)
    for table in tables:
        for column in table.columns:
            writer.writerow(
                [
                    table.name,
                    column.name,
                    column.meaning,
                    column.type,
                    column.unit,
                    column.allowed_text(),
                ]
            )
    return out.getvalue().encode("utf-8")


def _cell(text: str) -> str:
    return text.replace("|", "\\|") or "—"


def _column_line(column: Column) -> str:
    return (
        f"| `{column.name}` | {_cell(column.meaning)} | {column.type} | {_cell(column.unit)} "
        f"| {_cell(column.allowed_text())} |"
    )


def readme(tables: Sequence[Table], site_pseudonym: str, export_number: int) -> bytes:
    lines = [
        f"# HalluxPath research export {export_number}",
        "",
        f"A de-identified dataset of one site (pseudonym `{site_pseudonym}`), made as "
        "HalluxPath's DOMAIN §18 says:",
        "",
        "- every identifier is a pseudonym made for this export only (a keyed hash whose key "
        "stays at the site): two exports cannot be joined on their pseudonyms;",
        "- every date is a whole number of days from the operation (day 0; negative before it); "
        "only the year of the operation is given as a date;",
        "- age is a five-year band, everyone aged 90 or more in `90+`; no date of birth;",
        "- no names, hospital or NHS numbers, contact details, typed notes, implant lot "
        "numbers or UDIs, and no names of surgeons or sites;",
        "- the counts in `summary` follow the small-cell rule (DOMAIN §17): 1 to 7 (or below "
        "the site's threshold) shown as `*`, others rounded to the nearest 5.",
        "",
        "Each table is given twice, as CSV (UTF-8, empty cell = missing, booleans "
        "`true`/`false`) and as Parquet (typed columns). `data_dictionary.csv` holds the "
        "table below in machine-readable form.",
        "",
    ]
    for table in tables:
        lines += [
            f"## {table.name}",
            "",
            f"Each row: {table.row_is}. Files: `{table.name}.csv`, `{table.name}.parquet`.",
            "",
            "| column | meaning | type | unit | allowed values |",
            "|---|---|---|---|---|",
            *(_column_line(column) for column in table.columns),
            "",
        ]
    return "\n".join(lines).encode("utf-8")


def write_zip(export_number: int, tables: Sequence[Table], site_pseudonym: str) -> WrittenFile:
    """Write every table and the dictionary into one zip under the media directory."""
    relative = f"{FOLDER}/export-{export_number}-{secrets.token_hex(8)}.zip"
    target = media_path(relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".export-")
    try:
        with os.fdopen(fd, "wb") as handle:
            with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for table in tables:
                    archive.writestr(f"{table.name}.csv", table_csv(table))
                    archive.writestr(f"{table.name}.parquet", table_parquet(table))
                archive.writestr("data_dictionary.csv", dictionary_csv(tables))
                archive.writestr("README.md", readme(tables, site_pseudonym, export_number))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    digest = hashlib.sha256()
    with target.open("rb") as written:
        for block in iter(lambda: written.read(1 << 16), b""):
            digest.update(block)
    return WrittenFile(relative, digest.hexdigest(), target.stat().st_size)


def remove_file(relative: str) -> None:
    """Remove an export's file; one already gone is not an error."""
    media_path(relative).unlink(missing_ok=True)
