from __future__ import annotations

from django import forms

from halluxpath.core.radiograph import TimePoint, labelled_choices
from halluxpath.forms import ClinicForm
from halluxpath.imaging.limits import MAX_UPLOAD_BYTES
from halluxpath.imaging.schemas import Calibration, FilmDetails


class UploadForm(ClinicForm):
    file = forms.FileField(
        label="Radiograph file",
        help_text=(
            f"A weight-bearing dorsoplantar film: DICOM, PNG or JPEG, up to "
            f"{MAX_UPLOAD_BYTES // 1_048_576} MB. DICOM files are de-identified "
            "before they are stored."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".dcm,.dicom,image/png,image/jpeg,*/*"}),
    )
    time_point = forms.ChoiceField(choices=labelled_choices(TimePoint), label="Time point")
    acquired_on = forms.DateField(
        required=False,
        label="Date taken",
        help_text="Leave empty for a DICOM file that records its date.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    weight_bearing = forms.BooleanField(
        required=False,
        initial=True,
        label="Standing (weight-bearing) film",
        help_text="Angles of a film taken without standing are shown but not graded.",
    )

    def details(self) -> FilmDetails:
        """The film's details as the upload action takes them (after ``is_valid``)."""
        data = self.cleaned_data
        return FilmDetails.model_validate(
            {key: data[key] for key in ("time_point", "acquired_on", "weight_bearing")}
        )


class CalibrationForm(ClinicForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    x1 = forms.FloatField(widget=forms.HiddenInput)
    y1 = forms.FloatField(widget=forms.HiddenInput)
    x2 = forms.FloatField(widget=forms.HiddenInput)
    y2 = forms.FloatField(widget=forms.HiddenInput)
    length_mm = forms.FloatField(
        label="Known length (mm)",
        min_value=1,
        max_value=300,
        initial=25.0,
        help_text="For example the diameter of a 25 mm marker ball.",
    )

    def calibration(self) -> Calibration:
        """The two points and the known length as the calibration action takes them."""
        data = self.cleaned_data
        return Calibration(
            first=(data["x1"], data["y1"]),
            second=(data["x2"], data["y2"]),
            length_mm=data["length_mm"],
        )


class CompareForm(ClinicForm):
    before = forms.IntegerField()
    after = forms.IntegerField()
