from __future__ import annotations

from django import forms

from halluxpath.core.landmarks import FilmView
from halluxpath.core.radiograph import Laterality, TimePoint, labelled_choices
from halluxpath.forms import ClinicForm, typed_input
from halluxpath.imaging.limits import MAX_UPLOAD_BYTES
from halluxpath.imaging.schemas import Calibration, FilmDetails, FilmDetailsChange

SIDE_CHOICES = labelled_choices(Laterality)
VIEW_CHOICES = labelled_choices(FilmView)


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
    laterality = forms.ChoiceField(
        choices=[("", "Not shown on the film (or as the DICOM file says)"), *SIDE_CHOICES],
        required=False,
        label="Side shown on the film",
        help_text=(
            "Read it from the film's side marker. A PNG or JPEG file records no side, and "
            "the Time Out cannot confirm the side without one. A side that differs from "
            "the episode's is refused."
        ),
    )
    view = forms.ChoiceField(
        choices=VIEW_CHOICES, initial=FilmView.DP.value, required=False, label="View"
    )
    weight_bearing = forms.BooleanField(
        required=False,
        initial=True,
        label="Standing (weight-bearing) film",
        help_text="Angles of a film taken without standing are shown but not graded.",
    )

    def clean_laterality(self) -> str | None:
        return self.cleaned_data["laterality"] or None

    def clean_view(self) -> str:
        return self.cleaned_data["view"] or FilmView.DP.value

    def details(self) -> FilmDetails | None:
        """The film's details as the upload action takes them (after ``is_valid``), or None."""
        return typed_input(self, FilmDetails)


class FilmDetailsForm(ClinicForm):
    """The film's side, view and date, recorded or corrected on the film page."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    laterality = forms.ChoiceField(
        choices=[("", "Choose the side"), *SIDE_CHOICES],
        label="Side shown on the film",
        help_text="As the film's side marker shows it.",
    )
    view = forms.ChoiceField(choices=VIEW_CHOICES, label="View")
    acquired_on = forms.DateField(
        label="Date taken", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self) -> dict[str, object] | None:
        data = super().clean()
        if "version" in self.errors:  # hidden: its own error would not be shown
            self.add_error(
                None,
                "The form's film version was not understood: reload the page and enter "
                "the details again.",
            )
        return data

    def change(self) -> FilmDetailsChange | None:
        """The details as the action takes them (after ``is_valid``), or None."""
        return typed_input(self, FilmDetailsChange)


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
