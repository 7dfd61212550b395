"""The surgical records of the demo cohort, made through the real actions.

Every demo episode that reached "assessed" has its pre-operative assessment;
from "planned" on, its plan (computed from the measured pre-operative film)
and a consent sheet; from "operated" on, the WHO checklist (all three phases),
an operative record prefilled from the plan, signed by the responsible
surgeon, and on one in six a later amendment. So a newcomer opening any
operated foot sees every page filled (issue 12 item 16).

The actions stamp "now" on what they write; the demo then moves those
moments back to where they belong in the episode's history (the day it was
assessed, planned, operated), so nothing appears after the fact. Idempotent:
episodes that already have an assessment are left alone. Runs after the films
(a plan needs a measured film) and before the aftercare plans.

Speed (issue 13: the first ``make run``): the consent sheets' PDFs are the
slowest part of the records (reportlab's layout, about 15 ms a sheet). Their
inputs are known before the records are made (the same random draws, in the
same order), so ``SurgeryDemo.draw_sheets_ahead`` has one worker process
draw them while this process writes the records; ``consent_pdf.render``
takes a sheet drawn from exactly its inputs instead of drawing it again, and
draws any other itself. The records are the same either way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import multiprocessing
import os
import random
import threading
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.formats import date_format

from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core import consent, risk
from halluxpath.core.checklist import Phase, items_of
from halluxpath.core.episode import EpisodeStatus
from halluxpath.core.operative import (
    Closure,
    Dressing,
    IncisionSite,
    Instrument,
    LateralRelease,
    OsteotomyLevel,
    OsteotomyType,
)
from halluxpath.core.planning import Bone, ImplantKind, Technique
from halluxpath.core.risk import AsaGrade, Diabetes, Smoking
from halluxpath.core.stopping import default_termination
from halluxpath.patients.demo import reached
from halluxpath.patients.models import Episode
from halluxpath.surgery import consent_pdf, stored
from halluxpath.surgery.actions import (
    complete_checklist_phase,
    issue_consent_sheet,
    record_consent_signature,
    save_assessment,
    save_operative_record,
    save_plan,
    sign_operative_record,
)
from halluxpath.surgery.derived import core_assessment
from halluxpath.surgery.models import (
    Amendment,
    ConsentSheet,
    OperativeRecord,
    PreoperativeAssessment,
    SurgicalPlan,
)
from halluxpath.surgery.schemas import (
    AssessmentInput,
    ConsentSignatureInput,
    FixationRow,
    ImplantInput,
    IncisionInput,
    OperativeRecordFields,
    OperativeRecordInput,
    PhaseInput,
    PlanChoice,
    PlanFindings,
    PlanInput,
    TeamInput,
)

ASSESSED_OR_LATER = [s.value for s in EpisodeStatus][1:]
PLANNED_OR_LATER = ASSESSED_OR_LATER[1:]
OPERATED_OR_LATER = PLANNED_OR_LATER[1:]
AMENDED_EVERY = 6  # one signed record in six is amended later (the first, the seventh...)
# The theatre staff named on the demo checklists (invented, like the patients).
ANAESTHETISTS = ("Dr Ines Duarte", "Dr Kwame Asante", "Dr Freya Lindqvist")
SCRUB_NURSES = ("Olu Adeyemi (ODP)", "Mira Joshi", "Tom Fairweather (ODP)")
DEMO_SEED = 2026
# Below this many sheets a worker process costs more to start than it saves.
SHEETS_AHEAD_FROM = 16


@dataclass(frozen=True)
class SurgeryDemoReport:
    assessments: int = 0
    plans: int = 0
    signed_records: int = 0
    amended: int = 0
    skipped: int = 0  # episodes whose records could not be made (their reason is logged)


def _assessment(rng: random.Random, on: dt.date) -> AssessmentInput:
    smoking = rng.choices(list(Smoking), weights=[70, 20, 10])[0]
    diabetes = rng.choices([Diabetes.NONE, Diabetes.TYPE2], weights=[90, 10])[0]
    return AssessmentInput(
        smoking=smoking,
        diabetes=diabetes,
        hba1c_mmol_mol=round(rng.uniform(44, 70), 0) if diabetes != Diabetes.NONE else None,
        hba1c_date=on - dt.timedelta(days=rng.randint(7, 60))
        if diabetes != Diabetes.NONE
        else None,
        bmi=round(rng.uniform(20, 34), 1),
        asa_grade=rng.choices([AsaGrade.I, AsaGrade.II, AsaGrade.III], weights=[50, 40, 10])[0],
        allergies=rng.choice(["", "", "", "Penicillin (rash)", "Elastoplast"]),
        vte_bleeding_assessed=True,
        vte_decision="Mechanical prophylaxis; early mobilisation in the post-operative shoe",
    )


def _fixation(rng: random.Random, akin: bool) -> list[FixationRow]:
    rows = [
        FixationRow(
            bone=Bone.M1,
            kind=ImplantKind.BEVEL_TIP_SCREW,
            count=2,
            diameter_mm=3.5,
            length_mm=float(rng.choice([38, 40, 42, 44])),
        )
    ]
    if akin:
        rows.append(
            FixationRow(
                bone=Bone.P1, kind=ImplantKind.SOLID_SCREW, count=1, diameter_mm=3.0, length_mm=20
            )
        )
    return rows


def _operative_fields(plan: SurgicalPlan, rng: random.Random) -> OperativeRecordFields:
    """The record as a surgeon fills it from the plan, with the day's figures."""
    implants = [
        ImplantInput(
            bone=row["bone"],
            kind=row["kind"],
            diameter_mm=row["diameter_mm"],
            length_mm=row["length_mm"],
            manufacturer="Synthetic Ortho",
            lot=f"LOT-{rng.randrange(10**5):05d}",
        )
        for row in plan.fixation_rows
        for _ in range(int(row["count"]))
    ]
    incisions = [IncisionInput(site=IncisionSite.MEDIAL_M1_NECK, length_mm=3.0)]
    if plan.akin:
        incisions.append(IncisionInput(site=IncisionSite.MEDIAL_P1_BASE, length_mm=3.0))
    return OperativeRecordFields(
        lateral_release=rng.choice(list(LateralRelease)[:2]),
        osteotomy_level=OsteotomyLevel.DISTAL_METAPHYSEAL,
        osteotomy_type=OsteotomyType.TRANSVERSE,
        osteotomy_instrument=Instrument.BURR,
        akin_done=plan.akin,
        translation_achieved_pct=round(rng.uniform(40, 90), 0),
        closure=Closure.SUTURE,
        dressing=Dressing.CORRECTIVE_BANDAGE,
        fluoro_shots=rng.randint(8, 40),
        operative_time_min=round(rng.uniform(25, 70), 0),
        notes="Uneventful. Position checked on fluoroscopy; wounds closed.",
        incisions=incisions,
        implants=implants,
    )


def _episode_rng(seed: int, episode: Episode) -> random.Random:
    return random.Random(seed * 7919 + episode.pk)


def _sheet_inputs(episode: Episode, seed: int, today: dt.date) -> consent_pdf.SheetKey | None:
    """The consent sheet ``_one`` will issue for ``episode``, from the same draws; None if none.

    Replays ``_one``'s first draws (the assessment, then the Akin choice) and
    what the actions make of them (the risk flags as stored, the sheet's
    content and header). Anything that differs only costs a sheet drawn
    again: ``consent_pdf.render`` uses a sheet drawn ahead only for exactly
    its inputs.
    """
    if episode.status not in PLANNED_OR_LATER:
        return None
    rng = _episode_rng(seed, episode)
    data = _assessment(rng, reached(episode).get("assessed", episode.referred_on))
    akin = rng.random() < 0.6
    try:
        found = risk.flags(core_assessment(episode, data, today), today=today)
    except risk.AssessmentError:
        return None
    kept = stored.stamp_items(stored.ASSESSMENT_FLAGS, [dataclasses.asdict(f) for f in found])
    flags = stored.read_items(
        stored.ASSESSMENT_FLAGS, json.loads(json.dumps(kept, cls=DjangoJSONEncoder))
    )
    content = consent.build(
        patient_name=episode.patient.full_name,
        side=episode.get_side_display().lower(),
        procedure=SurgicalPlan(technique=Technique.MIS_DISTAL).get_technique_display(),
        akin=akin,
        flags=flags,
    )
    surgeon = episode.responsible_surgeon
    return consent_pdf.sheet_key(
        content,
        sheet_number=1,
        prepared_by=surgeon.get_full_name() or surgeon.username,
        prepared_on=date_format(timezone.localtime().date()),
        date_of_birth=date_format(episode.patient.date_of_birth),
        hospital_number=episode.patient.hospital_number,
    )


def _draw_sheets(keys: list[consent_pdf.SheetKey], out: Connection) -> None:
    """In the worker: draw each sheet, in order, and send its PDF back."""
    default_termination()  # ``close`` ends it with SIGTERM, whatever this process set
    for content, number, by, on, born, hospital_number in keys:
        out.send_bytes(
            consent_pdf.draw(
                content,
                sheet_number=number,
                prepared_by=by,
                prepared_on=on,
                date_of_birth=born,
                hospital_number=hospital_number,
            )
        )
    out.close()


def _moment(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _one(episode: Episode, rng: random.Random, report: dict[str, int]) -> None:
    actor = Actor(episode.responsible_surgeon)
    days = reached(episode)
    assessed = days.get("assessed", episode.referred_on)
    assessment = save_assessment(actor, episode.pk, None, _assessment(rng, assessed))
    PreoperativeAssessment.objects.filter(pk=assessment.pk).update(updated_at=_moment(assessed, 10))
    report["assessments"] += 1
    if episode.status not in PLANNED_OR_LATER:
        return
    akin = rng.random() < 0.6
    plan = save_plan(
        actor,
        episode.pk,
        None,
        PlanInput(
            findings=PlanFindings(),
            choice=PlanChoice(
                technique=Technique.MIS_DISTAL, akin=akin, fixation=_fixation(rng, akin)
            ),
        ),
    )
    planned = days.get("planned", episode.referred_on)
    SurgicalPlan.objects.filter(pk=plan.pk).update(updated_at=_moment(planned, 11))
    sheet = issue_consent_sheet(actor, episode.pk)
    ConsentSheet.objects.filter(pk=sheet.pk).update(prepared_at=_moment(planned, 12))
    report["plans"] += 1
    if episode.status not in OPERATED_OR_LATER:
        return
    operated_on = days.get("operated", planned)
    # The patient signs on the day of the operation, as in most day-surgery units.
    record_consent_signature(
        actor, episode.pk, sheet.number, ConsentSignatureInput(signed_on=operated_on)
    )
    ConsentSheet.objects.filter(pk=sheet.pk).update(signature_recorded_at=_moment(operated_on, 7))
    team = TeamInput(
        surgeon=episode.responsible_surgeon.get_full_name(),
        anaesthetist=rng.choice(ANAESTHETISTS),
        scrub_nurse=rng.choice(SCRUB_NURSES),
    )
    version = 1
    for phase in Phase:
        sheet_row = complete_checklist_phase(
            actor,
            episode.pk,
            version,
            PhaseInput(
                phase=phase,
                ticked=[item.number for item in items_of(phase.value)],
                site_marked=phase == Phase.SIGN_IN,
                marked_by=episode.responsible_surgeon.get_full_name()
                if phase == Phase.SIGN_IN
                else "",
                mark_visible_after_draping=True if phase == Phase.TIME_OUT else None,
                team=team if phase == Phase.SIGN_IN else TeamInput(),
            ),
        )
        version = sheet_row.version
    data = OperativeRecordInput(operated_on=operated_on, content=_operative_fields(plan, rng))
    operative = save_operative_record(actor, episode.pk, 0, data)
    operative = sign_operative_record(actor, episode.pk, operative.version)
    OperativeRecord.objects.filter(pk=operative.pk).update(
        signed_at=_moment(operated_on, 17), updated_at=_moment(operated_on, 17)
    )
    report["signed_records"] += 1
    if report["signed_records"] % AMENDED_EVERY == 1:
        content = data.content.model_copy(
            update={"operative_time_min": (data.content.operative_time_min or 30) + 5}
        )
        save_operative_record(
            actor,
            episode.pk,
            operative.version,
            data.model_copy(
                update={
                    "content": content,
                    "reason": "Operative time corrected from the theatre log.",
                }
            ),
        )
        Amendment.objects.filter(record_id=operative.pk).update(
            made_at=_moment(operated_on + dt.timedelta(days=1), 9)
        )
        report["amended"] += 1


class SurgeryDemo:
    """The surgical records, one episode at a time, with the running counts.

    ``add(episode)`` makes one episode's records; the composer calls it as
    soon as that episode's films are stored, so the records are written while
    the film workers draw the next films (issue 13: a quick first load).
    Episodes must come in ``pk`` order, as ``load_demo_surgery`` takes them,
    so which record is amended does not depend on how the demo was loaded.
    """

    def __init__(self, seed: int = DEMO_SEED) -> None:
        self.seed = seed
        self.counts = dict.fromkeys(
            ("assessments", "plans", "signed_records", "amended", "skipped"), 0
        )
        self._ahead: deque[tuple[int, consent_pdf.SheetKey]] = deque()  # (episode pk, inputs)
        self._sheets: Connection | None = None
        self._worker: Any = None
        self.sheets_drawn_ahead = 0

    def _episodes(self) -> Any:
        return (
            Episode.objects.filter(
                status__in=ASSESSED_OR_LATER,
                patient__hospital_number__startswith="DEMO",
                assessment__isnull=True,
            )
            .select_related("patient", "responsible_surgeon")
            .prefetch_related("status_changes")
            .order_by("pk")
        )

    def draw_sheets_ahead(self) -> None:
        """Start one worker process drawing the consent sheets of the episodes still to do.

        Call before any other worker pool starts (this process must not run
        other threads when it forks) and with the episodes to come in ``pk``
        order. Without ``fork``, with other threads running, on one core or
        for a few sheets, every sheet is drawn here, as before.
        """
        today = timezone.localdate()
        ahead = [
            (episode.pk, key)
            for episode in self._episodes()
            for key in [_sheet_inputs(episode, self.seed, today)]
            if key is not None
        ]
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            cores = os.cpu_count() or 1
        if (
            cores < 2
            or len(ahead) < SHEETS_AHEAD_FROM
            or threading.active_count() > 1
            or "fork" not in multiprocessing.get_all_start_methods()
        ):
            return
        context = multiprocessing.get_context("fork")
        reader, writer = context.Pipe(duplex=False)
        self._worker = context.Process(
            target=_draw_sheets, args=([key for _, key in ahead], writer), daemon=True
        )
        self._worker.start()
        writer.close()  # the worker holds the only writing end: its exit is the reader's end
        self._ahead, self._sheets = deque(ahead), reader

    def _take_sheet(self, episode: Episode) -> None:
        """Receive the sheets drawn ahead up to ``episode``'s and hand its own to ``render``."""
        while self._sheets is not None and self._ahead and self._ahead[0][0] <= episode.pk:
            pk, key = self._ahead.popleft()
            try:
                pdf = self._sheets.recv_bytes()
            except (EOFError, OSError):  # the worker failed: draw the rest here
                self._stop_sheets()
                return
            if pk == episode.pk:
                consent_pdf.drawn_ahead(key, pdf)
                self.sheets_drawn_ahead += 1

    def close(self) -> None:
        """End the sheets' worker at once, if it still runs (after a failure: ``finish``
        waits for it instead)."""
        if self._worker is not None and self._worker.is_alive():
            self._worker.terminate()
        if self._sheets is not None:
            self._sheets.close()
            self._sheets = None
        if self._worker is not None:
            self._worker.join()
            self._worker = None
        self._ahead.clear()
        consent_pdf.forget_drawn_ahead()

    def _stop_sheets(self) -> None:
        if self._sheets is not None:
            try:
                while True:  # let the worker finish writing, then it exits
                    self._sheets.recv_bytes()
            except (EOFError, OSError):
                pass
            self._sheets.close()
            self._sheets = None
        if self._worker is not None:
            self._worker.join()
            self._worker = None
        self._ahead.clear()
        consent_pdf.forget_drawn_ahead()

    def add(self, episode: Episode) -> None:
        demo_patient = episode.patient.hospital_number.startswith("DEMO")
        if episode.status not in ASSESSED_OR_LATER or not demo_patient:
            return
        if PreoperativeAssessment.objects.filter(episode=episode).exists():
            return
        self._take_sheet(episode)
        rng = _episode_rng(self.seed, episode)
        try:
            _one(episode, rng, self.counts)
        except ValidationError as refusal:
            # A demo episode the rules refuse (no measured film, say) keeps
            # what it has; the rest of the demo goes on.
            self.counts["skipped"] += 1
            record(
                Actor(user=None),
                "create",
                object_type="demo_surgery_skipped",
                object_id=episode.pk,
                detail={"reason": "; ".join(refusal.messages)},
            )

    def finish(self) -> SurgeryDemoReport:
        """The episodes not added yet (none, when every one came through ``add``); the report."""
        for episode in self._episodes():
            self.add(episode)
        self._stop_sheets()
        if any(self.counts.values()):
            record(Actor(user=None), "create", object_type="demo_surgery", detail=self.counts)
        return SurgeryDemoReport(**self.counts)


def load_demo_surgery(seed: int = DEMO_SEED) -> SurgeryDemoReport:
    """Make the surgical records of demo episodes that have none yet."""
    return SurgeryDemo(seed).finish()
