"""The research export holds no identifier, and every column is described (DOMAIN §18).

Each test makes a real export of the fixture's site (tests/research/conftest.py)
through the action the task runs, opens the zip and reads every file back,
CSV and Parquet alike.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from pytest_django import Settings

from halluxpath.accounts.models import User
from halluxpath.audit.context import Actor
from halluxpath.demo import load_everything
from halluxpath.imaging.storage import media_path
from halluxpath.patients.models import Patient
from halluxpath.research import actions
from halluxpath.research.models import ExportStatus, ResearchExport
from halluxpath.research.schemas import ExportRequestInput
from halluxpath.surgery.models import OperativeRecord
from tests.research.conftest import OPERATED_ON, ResearchSite, identifiers

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r"\b(19|20)\d\d-\d\d-\d\d\b")
TABLES = (
    "episodes",
    "implants",
    "measurements",
    "questionnaire_scores",
    "complications",
    "summary",
)


@dataclass
class Unpacked:
    export: ResearchExport
    files: dict[str, bytes]

    def csv_rows(self, table: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(self.files[f"{table}.csv"].decode("utf-8"))))

    def parquet_rows(self, table: str) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = pq.read_table(
            io.BytesIO(self.files[f"{table}.parquet"])
        ).to_pylist()
        return rows

    def cells(self) -> list[tuple[str, str]]:
        """(file, text) for every cell of every table and every line of the other files."""
        found: list[tuple[str, str]] = []
        for name, content in self.files.items():
            if name.endswith(".parquet"):
                for row in self.parquet_rows(name.removesuffix(".parquet")):
                    found += [(name, str(v)) for v in row.values()]
            elif name.endswith(".csv"):
                for line in csv.reader(io.StringIO(content.decode("utf-8"))):
                    found += [(name, cell) for cell in line]
            else:
                found += [(name, line) for line in content.decode("utf-8").splitlines()]
        return found


def make_export(world: ResearchSite, purpose: str = "Test study") -> Unpacked:
    export = actions.request_export(Actor(world.researcher), ExportRequestInput(purpose=purpose))
    done = actions.run_export(export.pk)
    assert done is not None
    assert done.status == ExportStatus.DONE, done.error
    with zipfile.ZipFile(media_path(done.file)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return Unpacked(done, files)


def test_the_zip_holds_csv_and_parquet_of_every_table_and_the_dictionary(
    research_site: ResearchSite,
) -> None:
    unpacked = make_export(research_site)
    expected = {f"{t}.{kind}" for t in TABLES for kind in ("csv", "parquet")}
    assert set(unpacked.files) == expected | {"data_dictionary.csv", "README.md"}
    for table in TABLES:
        assert len(unpacked.csv_rows(table)) == len(unpacked.parquet_rows(table))


def test_only_operated_feet_are_exported(research_site: ResearchSite) -> None:
    episodes = make_export(research_site).csv_rows("episodes")
    assert len(episodes) == 2  # the third episode has no operation


def test_the_export_holds_no_identifier_of_any_patient(research_site: ResearchSite) -> None:
    unpacked = make_export(research_site)
    leaks = [
        f"{name}: {identifier!r} in {text[:80]!r}"
        for name, text in unpacked.cells()
        for identifier in identifiers()
        if identifier.lower() in text.lower()
    ]
    assert not leaks, "\n".join(leaks)
    dates = [f"{name}: {text[:80]!r}" for name, text in unpacked.cells() if ISO_DATE.search(text)]
    assert not dates, "a calendar date left the site:\n" + "\n".join(dates)


def test_no_record_id_of_the_site_appears_as_a_pseudonym(research_site: ResearchSite) -> None:
    unpacked = make_export(research_site)
    ids = {str(e.pk) for e in research_site.episodes} | {
        str(e.patient_id) for e in research_site.episodes
    }
    for row in unpacked.csv_rows("episodes"):
        for column in ("episode_id", "patient_id", "site_id", "surgeon_id"):
            assert row[column] not in ids
            assert re.fullmatch(r"[A-Z][A-Z2-7]{12}", row[column]), row[column]


def test_pseudonyms_differ_between_two_exports(research_site: ResearchSite) -> None:
    first = make_export(research_site, "First study").csv_rows("episodes")
    second = make_export(research_site, "Second study").csv_rows("episodes")
    for column in ("episode_id", "patient_id", "site_id", "surgeon_id"):
        assert not {r[column] for r in first} & {r[column] for r in second}, column


def test_pseudonyms_link_the_tables_within_one_export(research_site: ResearchSite) -> None:
    unpacked = make_export(research_site)
    episodes = {r["episode_id"] for r in unpacked.csv_rows("episodes")}
    assert {r["episode_id"] for r in unpacked.csv_rows("measurements")} == episodes
    assert {r["episode_id"] for r in unpacked.csv_rows("implants")} == episodes
    assert {r["episode_id"] for r in unpacked.csv_rows("questionnaire_scores")} == episodes
    assert {r["episode_id"] for r in unpacked.csv_rows("complications")} == episodes


def test_dates_are_day_offsets_from_the_operation(research_site: ResearchSite) -> None:
    unpacked = make_export(research_site)
    for row in unpacked.csv_rows("episodes"):
        assert row["referral_day"] == "-100"
        assert row["operation_year"] == str(OPERATED_ON.year)
    days = sorted((r["time_point"], int(r["film_day"])) for r in unpacked.csv_rows("measurements"))
    assert days == [("6m", 183), ("6m", 183), ("pre_op", -30), ("pre_op", -30)]
    assert {r["film_day"] for r in unpacked.parquet_rows("measurements")} == {183, -30}


def test_a_patient_over_89_is_in_the_90_plus_band(research_site: ResearchSite) -> None:
    bands = sorted(r["age_band"] for r in make_export(research_site).csv_rows("episodes"))
    assert bands == ["55-59", "90+"]


def test_free_text_becomes_at_most_a_yes_or_no(research_site: ResearchSite) -> None:
    row = make_export(research_site).csv_rows("episodes")[0]
    assert row["anticoagulant"] == "true"  # typed as text at the site; only "recorded" leaves
    assert row["conversion_to_open"] == "true"
    assert "conversion_reason" not in row
    assert "notes" not in row
    assert "rotation" not in row


def test_implants_keep_manufacturer_and_size_but_not_the_lot(research_site: ResearchSite) -> None:
    implants = make_export(research_site).csv_rows("implants")
    assert {r["manufacturer"] for r in implants} == {"Acme Orthopaedics"}
    assert {(r["kind"], r["diameter_mm"], r["length_mm"]) for r in implants} == {
        ("cannulated_screw", "3.5", "40.0")
    }
    assert not any("lot" in column or "udi" in column for column in implants[0])


def test_the_operation_is_exported_as_recorded(research_site: ResearchSite) -> None:
    row = make_export(research_site).csv_rows("episodes")[0]
    assert row["technique"] == "mis_distal_metatarsal_osteotomy"
    assert (row["osteotomy_level"], row["osteotomy_type"]) == ("distal_metaphyseal", "chevron")
    assert row["akin_done"] == "true"
    assert row["intraop_events"] == "burn"
    assert row["implant_count"] == "1"
    assert row["bmi_band"] == "30-34.9"
    assert float(row["preop_hva_deg"]) > 20  # the planning film's reading


def test_the_data_dictionary_covers_every_column_of_every_table(
    research_site: ResearchSite,
) -> None:
    unpacked = make_export(research_site)
    described = {(r["table"], r["column"]) for r in unpacked.csv_rows("data_dictionary")}
    for table in TABLES:
        header = next(csv.reader(io.StringIO(unpacked.files[f"{table}.csv"].decode())))
        parquet_columns = pq.read_schema(io.BytesIO(unpacked.files[f"{table}.parquet"])).names
        assert header == parquet_columns
        assert {(table, c) for c in header} <= described, table
    for row in unpacked.csv_rows("data_dictionary"):
        assert row["meaning"]
        assert row["type"] in ("integer", "number", "text", "boolean")
    readme = unpacked.files["README.md"].decode()
    for table, column in described:
        assert f"`{column}`" in readme, (table, column)


def test_allowed_values_hold_for_every_exported_cell(research_site: ResearchSite) -> None:
    unpacked = make_export(research_site)
    dictionary = unpacked.csv_rows("data_dictionary")
    for entry in dictionary:
        allowed = entry["allowed_values"].split("; ") if entry["allowed_values"] else []
        if entry["type"] != "text" or not allowed or entry["table"] == "summary":
            continue
        for row in unpacked.csv_rows(entry["table"]):
            value = row[entry["column"]]
            parts = value.split(";") if entry["column"] == "intraop_events" else [value]
            assert all(p in allowed for p in parts if p), (entry["column"], value)


def test_the_summary_follows_the_small_cell_rule(research_site: ResearchSite) -> None:
    summary = make_export(research_site).csv_rows("summary")
    counts = {(r["table"], r["group"]): r["count"] for r in summary}
    assert counts[("episodes", "all")] == "*"  # 2 operated feet
    assert counts[("episodes", "technique=lapidus")] == "0"
    assert all(c in ("0", "*") or (int(c) % 5 == 0 and int(c) >= 10) for c in counts.values())


def test_completed_questionnaire_scores_are_exported_with_their_day(
    research_site: ResearchSite,
) -> None:
    scores = make_export(research_site).csv_rows("questionnaire_scores")
    assert len(scores) == 2  # one completed response per foot; the unfinished one is left out
    for row in scores:
        assert (row["instrument"], row["time_point"], row["domain"]) == ("nrs_pain", "6m", "score")
        assert (row["value"], row["completed_day"], row["on_paper"]) == ("2.0", "180", "true")


def test_complications_keep_their_grade_and_days_but_no_text(
    research_site: ResearchSite,
) -> None:
    unpacked = make_export(research_site)
    complications = unpacked.csv_rows("complications")
    assert len(complications) == 2  # the ones entered in error are left out
    for row in complications:
        assert (row["kind"], row["grade_system"], row["grade"]) == (
            "infection_superficial",
            "clavien_dindo",
            "II",
        )
        assert (row["onset_day"], row["reoperation_day"], row["resolved_day"]) == ("12", "20", "40")
        assert row["implant_removed"] == "true"
    assert not {"description", "treatment", "reoperation_reason"} & set(complications[0])
    summary = {(r["table"], r["group"]): r["count"] for r in unpacked.csv_rows("summary")}
    assert summary[("complications", "kind=infection_superficial")] == "*"
    assert summary[("complications", "kind=crps")] == "0"


def test_an_export_of_the_demo_site_holds_none_of_its_patients_identifiers(
    db: None, settings: Settings, tmp_path: Path
) -> None:
    """The demo's records, written by the demo generator, scanned as the fixture's are."""
    settings.MEDIA_ROOT = tmp_path / "media"
    load_everything(12)
    researcher = User.objects.get(username="researcher")
    export = actions.request_export(Actor(researcher), ExportRequestInput(purpose="Demo"))
    done = actions.run_export(export.pk)
    assert done is not None
    assert done.status == ExportStatus.DONE, done.error
    with zipfile.ZipFile(media_path(done.file)) as archive:
        unpacked = Unpacked(done, {n: archive.read(n) for n in archive.namelist()})
    assert unpacked.csv_rows("episodes"), "the demo has operated feet"
    secrets: set[str] = set()
    for p in Patient.objects.filter(site_id=researcher.site_id):
        secrets |= {p.hospital_number, p.family_name, p.date_of_birth.isoformat()}
        secrets |= {v for v in (p.email, p.phone) if v}
    for record in OperativeRecord.objects.all():
        content = record.record_content
        secrets |= {str(i["lot"]) for i in content.get("implants", []) if i.get("lot")}
        secrets |= {str(content[k]) for k in ("notes", "conversion_reason") if content.get(k)}
    secrets |= {u.last_name for u in User.objects.filter(site_id=researcher.site_id) if u.last_name}
    # Whole words: the surname Nair is not a leak in "questionnaire".
    patterns = [re.compile(rf"\b{re.escape(s)}\b", re.IGNORECASE) for s in secrets if len(s) > 2]
    leaks = {
        (name, pattern.pattern)
        for name, text in unpacked.cells()
        for pattern in patterns
        if pattern.search(text)
    }
    assert not leaks
    assert not [text for _, text in unpacked.cells() if ISO_DATE.search(text)]
