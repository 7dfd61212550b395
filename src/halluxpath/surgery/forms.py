"""Forms for the pre-operative assessment and the plan. Substance is checked in actions/core."""

from __future__ import annotations

from typing import Any

from django import forms

from halluxpath.core import operative
from halluxpath.core.planning import ArthritisGrade, Bone, HeadLateralEdge, ImplantKind, Technique
from halluxpath.core.risk import Anaesthesia
from halluxpath.forms import ClinicForm, ClinicModelForm
from halluxpath.surgery.models import PreoperativeAssessment
from halluxpath.surgery.schemas import (
    EARLIEST_DATE,
    AssessmentInput,
    PlanFindings,
    past_clinical_date,
)

ASSESSMENT_FIELDS = tuple(AssessmentInput.model_fields)

DATE_INPUT = forms.DateInput(
    attrs={"type": "date", "min": EARLIEST_DATE.isoformat()}, format="%Y-%m-%d"
)


def checked_past_date(value: Any) -> Any:
    """A form's date of something done: the schemas' plausible range, as a field error."""
    if value is None:
        return value
    try:
        return past_clinical_date(value)
    except ValueError as error:
        raise forms.ValidationError(str(error).capitalize() + ".") from None


class AssessmentForm(ClinicModelForm[PreoperativeAssessment]):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def clean_hba1c_date(self) -> Any:
        return checked_past_date(self.cleaned_data.get("hba1c_date"))

    class Meta:
        model = PreoperativeAssessment
        fields = list(ASSESSMENT_FIELDS)
        widgets = {
            "hba1c_date": DATE_INPUT,
            "hba1c_mmol_mol": forms.NumberInput(attrs={"step": "1", "min": 20, "max": 200}),
            "bmi": forms.NumberInput(attrs={"step": "0.1"}),
            "abpi": forms.NumberInput(attrs={"step": "0.01"}),
        }
        labels = {"vte_bleeding_assessed": "VTE and bleeding risk assessed"}
        help_texts = {
            "hba1c_mmol_mol": "In mmol/mol (IFCC), from the last 3 months.",
            "hba1c_date": "From 1 January 2000 to today.",
            "vte_bleeding_assessed": "Rule R-VTE-1 (DOMAIN §6).",
            "abpi": "Ankle-brachial pressure index, when a foot pulse is absent.",
        }


class PlanFindingsForm(ClinicForm):
    """Clinical findings the film cannot show, and the planning targets."""

    mtp_arthritis_grade = forms.ChoiceField(
        label="First MTP joint arthritis",
        choices=ArthritisGrade.choices(),
    )
    painful_stiff_mtp = forms.BooleanField(required=False, label="Painful, stiff MTP joint")
    first_ray_instability = forms.BooleanField(
        required=False, label="First-ray instability (clinical)"
    )
    inflammatory_forefoot_destruction = forms.BooleanField(
        required=False, label="Inflammatory arthritis with destroyed forefoot joints"
    )
    m1_head_lateral_edge = forms.ChoiceField(
        label="Lateral edge of the first metatarsal head (round sign)",
        choices=HeadLateralEdge.choices(),
    )
    growth_plates_open = forms.BooleanField(required=False, label="Growth plates open")
    surgeon_mis_trained = forms.BooleanField(
        required=False, initial=True, label="Operating surgeon has MIS training"
    )
    target_ima_deg = forms.FloatField(
        label="Target IMA (°)", min_value=-5, max_value=20, initial=7.0
    )
    lever_mm = forms.FloatField(
        label="Lever arm L (mm)",
        required=False,
        min_value=10,
        max_value=120,
        help_text="Distance from the base centre to the head along the first metatarsal. "
        "Filled in from the film's landmarks when its pixel size is known; left empty, the "
        "film's value is used.",
    )
    shaft_width_mm = forms.FloatField(
        label="Shaft width at the osteotomy (mm)",
        required=False,
        min_value=5,
        max_value=30,
        help_text="Measure it on the film if you can; the default is a population average.",
    )

    def findings(self) -> PlanFindings:
        """The validated findings as the action's input."""
        return PlanFindings.model_validate(self.cleaned_data)


class PlanChoiceForm(ClinicForm):
    technique = forms.ChoiceField(label="Operation", choices=Technique.choices())
    akin = forms.BooleanField(required=False, label="Add an Akin osteotomy")
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        label="Notes for the record",
    )


class ImplantForm(ClinicForm):
    """One line of the fixation plan (DOMAIN §5 implant kinds and sanity ranges)."""

    bone = forms.ChoiceField(choices=Bone.choices())
    kind = forms.ChoiceField(required=False, choices=[("", "—"), *ImplantKind.choices()])
    count = forms.IntegerField(min_value=1, max_value=6, required=False, initial=1)
    diameter_mm = forms.FloatField(
        required=False, min_value=1.0, max_value=5.0, label="Diameter (mm)"
    )
    length_mm = forms.FloatField(required=False, min_value=8, max_value=80, label="Length (mm)")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind"):
            for name, label in (
                ("count", "how many"),
                ("diameter_mm", "the diameter"),
                ("length_mm", "the length"),
            ):
                if data.get(name) in (None, ""):
                    self.add_error(name, f"An implant needs {label}.")
        return data


def _rows(label: str) -> Any:
    """A formset base whose rows the error summary names "<label> 1", "<label> 2"..."""
    return type(f"{label.replace(' ', '')}Rows", (forms.BaseFormSet,), {"row_label": label})


ImplantFormSet = forms.formset_factory(
    ImplantForm, formset=_rows("Fixation row"), extra=0, max_num=6, validate_max=True
)


# Row forms start with an empty choice so that an untouched extra row posts
# nothing and is ignored, rather than half a row that fails validation.
BLANK = ("", "—")


class IncisionForm(ClinicForm):
    site = forms.ChoiceField(choices=[BLANK, *operative.IncisionSite.choices()])
    length_mm = forms.FloatField(label="Length (mm)", min_value=1, max_value=60)


IncisionFormSet = forms.formset_factory(
    IncisionForm,
    formset=_rows("Incision"),
    extra=2,
    min_num=1,
    max_num=8,
    validate_min=True,
    validate_max=True,
)


class RecordImplantForm(ClinicForm):
    bone = forms.ChoiceField(choices=[BLANK, *Bone.choices()])
    kind = forms.ChoiceField(choices=[BLANK, *ImplantKind.choices()])
    diameter_mm = forms.FloatField(label="Diameter (mm)", min_value=1.0, max_value=5.0)
    length_mm = forms.FloatField(label="Length (mm)", min_value=8, max_value=80)
    manufacturer = forms.CharField(max_length=100, required=False)
    lot = forms.CharField(max_length=60, required=False, label="Lot / UDI")


RecordImplantFormSet = forms.formset_factory(
    RecordImplantForm, formset=_rows("Implant"), extra=3, max_num=8, validate_max=True
)


class OperativeRecordForm(ClinicForm):
    """DOMAIN §5 fields; list-valued parts (incisions, implants) are formsets."""

    operated_on = forms.DateField(label="Date of operation", widget=DATE_INPUT)
    anaesthesia_primary = forms.ChoiceField(
        label="Anaesthesia given", choices=Anaesthesia.choices()
    )
    sedation = forms.ChoiceField(choices=operative.Sedation.choices())
    tourniquet = forms.BooleanField(required=False)
    tourniquet_site = forms.ChoiceField(
        required=False,
        choices=[("", "—"), *operative.TourniquetSite.choices()],
    )
    tourniquet_pressure_mmhg = forms.FloatField(required=False, label="Tourniquet pressure (mmHg)")
    tourniquet_minutes = forms.FloatField(required=False, label="Tourniquet time (min)")
    lateral_release = forms.ChoiceField(
        label="Soft-tissue dissection: lateral release",
        choices=operative.LateralRelease.choices(),
    )
    osteotomy_level = forms.ChoiceField(
        label="First metatarsal osteotomy: level",
        choices=operative.OsteotomyLevel.choices(),
    )
    osteotomy_type = forms.ChoiceField(
        label="Osteotomy type",
        choices=operative.OsteotomyType.choices(),
    )
    osteotomy_instrument = forms.ChoiceField(
        label="Instrument", choices=operative.Instrument.choices()
    )
    akin_done = forms.BooleanField(required=False, label="Akin osteotomy of the proximal phalanx")
    translation_achieved_pct = forms.FloatField(
        required=False, label="Translation achieved (% of shaft width)"
    )
    rotation = forms.CharField(required=False, max_length=100, label="Rotation (supination)")
    soft_tissue_repair = forms.ChoiceField(choices=operative.SoftTissueRepair.choices())
    exostectomy = forms.BooleanField(required=False, label="Exostectomy (bump removed)")
    closure = forms.ChoiceField(choices=operative.Closure.choices())
    dressing = forms.ChoiceField(choices=operative.Dressing.choices())
    fluoro_shots = forms.IntegerField(required=False, label="Fluoroscopy shots")
    fluoro_time_s = forms.FloatField(required=False, label="Fluoroscopy time (s)")
    fluoro_dap_mgy_cm2 = forms.FloatField(
        required=False, min_value=0, label="Dose-area product (mGy·cm²)"
    )
    operative_time_min = forms.FloatField(
        required=False, label="Operative time, skin to skin (min)"
    )
    conversion_to_open = forms.BooleanField(required=False, label="Converted to open surgery")
    conversion_reason = forms.CharField(required=False, max_length=300)
    intraop_events = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Intra-operative events",
        choices=operative.IntraopEvent.choices(),
    )
    notes = forms.CharField(
        required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(
        required=False, max_length=500, label="Reason for the amendment (signed records only)"
    )

    def clean_operated_on(self) -> Any:
        return checked_past_date(self.cleaned_data.get("operated_on"))


STALE_FORM = (
    "This form's version field was not understood (the page may be out of date): "
    "reload the page and make your change again. Nothing has been saved."
)


def posted_version(data: Any) -> int | None:
    """The hidden ``version`` a form posted back, or None when it is not a whole number >= 0."""
    raw = str(data.get("version", "0") or "0").strip()
    if not raw.isdigit() or len(raw) > 9:
        return None
    return int(raw)


class ConsentSignatureForm(ClinicForm):
    """That the patient signed a sheet; the scanned signed form is optional (paper clinics)."""

    number = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=10_000)
    signed_on = forms.DateField(label="Date the patient signed", widget=DATE_INPUT)
    interpreter_name = forms.CharField(
        required=False, max_length=150, label="Interpreter's name (if one was used)"
    )
    interpreter_language = forms.CharField(
        required=False, max_length=60, label="Language interpreted"
    )
    signed_copy = forms.FileField(
        required=False,
        label="Scanned signed form (optional)",
        help_text="A PDF, JPEG or PNG scan, up to 20 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def clean_signed_on(self) -> Any:
        return checked_past_date(self.cleaned_data.get("signed_on"))
