"""One summary row per operated episode: what every dashboard counts (docs/dashboards.md).

The dashboards answer "did it work, for whom, and at what cost" for a
surgeon, a site and the registry, at a million episodes, in under a second.
They cannot join the operative record's JSON, the films' readings and the
episode on every page view, so ``registry.actions.refresh_case`` derives one
flat row per operated episode whenever its inputs change (the operative
record signed or amended, a film measured) and the pages aggregate these rows
in the database. Every filter of the dashboards (site, surgeon, technique,
fixation, period, pre-operative severity) is an indexed column here.

The row is derived data, never a clinical record: it is rebuilt from the
records (``halluxpath refresh_registry``), holds no name, no date of birth
and no free text, and is written without an audit event of its own (the
records it comes from carry theirs). A bulk generator may insert rows
directly (``CaseSummary.objects.bulk_create``): every column is a plain
value, the primary key is the episode's.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models

from halluxpath.core.grading import GRADES
from halluxpath.core.planning import ImplantKind, Technique
from halluxpath.core.vocabulary import Labelled


class Fixation(Labelled):
    """DOMAIN §14 fixation type of the whole operation, from the implants recorded."""

    SCREW = "screw", "Screw"
    K_WIRE = "k_wire", "K-wire"
    PLATE = "plate", "Plate"
    NONE = "none", "None"
    OTHER = "other", "Other (staple)"
    MIXED = "mixed", "Mixed (more than one kind)"


_FIXATION_OF_IMPLANT = {
    ImplantKind.BEVEL_TIP_SCREW: Fixation.SCREW,
    ImplantKind.CANNULATED_SCREW: Fixation.SCREW,
    ImplantKind.SOLID_SCREW: Fixation.SCREW,
    ImplantKind.K_WIRE: Fixation.K_WIRE,
    ImplantKind.PLATE: Fixation.PLATE,
    ImplantKind.STAPLE: Fixation.OTHER,
}


def fixation_of(implant_kinds: Iterable[str]) -> Fixation:
    """One fixation type for the operation: its implants' type, ``mixed`` when they differ."""
    found = {_FIXATION_OF_IMPLANT.get(ImplantKind(k), Fixation.OTHER) for k in implant_kinds}
    if not found:
        return Fixation.NONE
    return found.pop() if len(found) == 1 else Fixation.MIXED


NOT_RECORDED = ""
TECHNIQUE_CHOICES = [(NOT_RECORDED, "Not recorded"), *Technique.choices()]
SEVERITY_CHOICES = [(NOT_RECORDED, "Not measured"), *((g, g.capitalize()) for g in GRADES)]


class CaseSummary(models.Model):
    """One operated episode (a signed operative record), flattened for the dashboards.

    Angles are the degrees of the readings (``imaging.Measurement.results``):
    ``pre_*`` from the planning reading (else the latest pre-operative
    standing film), ``post_*`` from the latest standing film after the
    operation; ``*_change_deg`` is pre minus post (DOMAIN §17's dᵢ), set only
    when both exist, so the paired figures use patients with both films only.
    ``mis_case_number`` is the surgeon's n-th MIS distal osteotomy in
    operating order (the learning curve's x axis, DOMAIN §10), null for other
    techniques; ``time_cusum``, ``fluoro_cusum`` and ``complication_cusum`` are the surgeon's
    learning curves after this case (``registry.learning``), kept here so a
    dashboard reads a curve and its crossings without a window over every
    case. ``last_seen_on`` is the latest date the episode is known
    about (follow-up film, questionnaire, complication): where a survival
    curve censors it (``follow_up_days`` after the operation); ``recurrence_days``
    and ``reoperation_days`` are the first such event, from the complications
    register (entered-in-error rows left out). ``proms_<time point>`` says a
    questionnaire of that time point was completed (core.schedule keys).
    """

    episode = models.OneToOneField(
        "patients.Episode", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # Neither key has an index of its own: case_site_month and case_surgeon_month
    # start with them (each index is built again after a registry-sized load).
    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    surgeon = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The episode's responsible surgeon.",
        db_index=False,
    )
    technique = models.CharField(max_length=40, choices=TECHNIQUE_CHOICES, blank=True)
    akin = models.BooleanField(default=False)
    fixation = models.CharField(max_length=10, choices=Fixation.choices())
    operated_on = models.DateField()
    operated_month = models.DateField(help_text="First day of the operation's month.")
    severity = models.CharField(max_length=10, choices=SEVERITY_CHOICES, blank=True)
    pre_hva_deg = models.FloatField(null=True, blank=True)
    pre_ima_deg = models.FloatField(null=True, blank=True)
    post_hva_deg = models.FloatField(null=True, blank=True)
    post_ima_deg = models.FloatField(null=True, blank=True)
    post_film_days = models.IntegerField(
        null=True, blank=True, help_text="Days from the operation to the latest film."
    )
    hva_change_deg = models.FloatField(null=True, blank=True)
    ima_change_deg = models.FloatField(null=True, blank=True)
    operative_time_min = models.FloatField(null=True, blank=True)
    fluoro_time_s = models.FloatField(null=True, blank=True)
    conversion_to_open = models.BooleanField(default=False)
    mis_case_number = models.PositiveIntegerField(null=True, blank=True)
    time_cusum = models.FloatField(
        null=True, blank=True, help_text="Learning curve of operative time after this case."
    )
    fluoro_cusum = models.FloatField(
        null=True, blank=True, help_text="Learning curve of fluoroscopy time after this case."
    )
    complication_90d = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Any complication with onset within 90 days of the operation.",
    )
    complication_cusum = models.FloatField(
        null=True, blank=True, help_text="Learning curve of complications after this case."
    )
    recurrence_days = models.IntegerField(
        null=True, blank=True, help_text="Days from the operation to the first recurrence."
    )
    reoperation_days = models.IntegerField(
        null=True, blank=True, help_text="Days from the operation to the first reoperation."
    )
    follow_up_days = models.IntegerField(
        default=0,
        db_default=0,
        help_text="Days from the operation to the last news of the episode.",
    )
    # db_default: a bulk loader that names only the older columns still inserts rows.
    proms_baseline = models.BooleanField(default=False, db_default=False)
    proms_6w = models.BooleanField(default=False, db_default=False)
    proms_6m = models.BooleanField(default=False, db_default=False)
    proms_12m = models.BooleanField(default=False, db_default=False)
    proms_24m = models.BooleanField(default=False, db_default=False)
    last_seen_on = models.DateField()
    refreshed_at = models.DateTimeField()

    class Meta:
        indexes = [
            # Every dashboard filters by site (or surgeon) and period first.
            models.Index(fields=["site", "operated_month"], name="case_site_month"),
            models.Index(fields=["surgeon", "operated_month"], name="case_surgeon_month"),
            models.Index(fields=["technique", "operated_month"], name="case_technique_month"),
            models.Index(fields=["fixation", "operated_month"], name="case_fixation_month"),
            models.Index(fields=["severity", "operated_month"], name="case_severity_month"),
            # Survival: events per day, and censorings per day among the feet without one.
            # Filtered by technique, fixation, severity or period, each count reads
            # one of these covering indexes instead of the case rows (at a million
            # episodes, 4 s to 0.05 s for a filtered registry curve). The site is
            # in each so a site's view stays inside the index too; the period
            # comes after the event column, which is the equality (IS NULL) part.
            *(
                models.Index(fields=columns, name=f"case_{short}_{event}")
                for event in ("recurrence", "reoperation")
                for short, columns in (
                    # The days in order after the equalities: the GROUP BY reads them sorted.
                    ("technique", ["technique", f"{event}_days", "follow_up_days", "site"]),
                    ("fixation", ["fixation", f"{event}_days", "follow_up_days", "site"]),
                    ("severity", ["severity", f"{event}_days", "follow_up_days", "site"]),
                    ("month", [f"{event}_days", "operated_month", "site", "follow_up_days"]),
                )
            ),
            models.Index(fields=["recurrence_days", "follow_up_days"], name="case_recurrence"),
            models.Index(fields=["reoperation_days", "follow_up_days"], name="case_reoperation"),
            models.Index(
                fields=["site", "recurrence_days", "follow_up_days"], name="case_site_recurrence"
            ),
            models.Index(
                fields=["site", "reoperation_days", "follow_up_days"], name="case_site_reoperation"
            ),
            # The surgeon dashboard's survival: the same per-day counts among one surgeon's cases
            # (site too, as the scope filters both), read from the index alone.
            models.Index(
                fields=["surgeon", "site", "recurrence_days", "follow_up_days"],
                name="case_surgeon_recurrence",
            ),
            models.Index(
                fields=["surgeon", "site", "reoperation_days", "follow_up_days"],
                name="case_surgeon_reoperation",
            ),
            # The learning curve walks one surgeon's cases in operating order.
            models.Index(fields=["surgeon", "mis_case_number"], name="case_surgeon_number"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fixation__in=Fixation.values()), name="case_fixation_known"
            ),
        ]

    def __str__(self) -> str:
        return f"case summary of episode {self.episode_id}"


class LearningSummary(models.Model):
    """One surgeon's learning curves in brief: MIS cases, and where each curve first crossed.

    Written with the curves themselves (``registry.actions.renumber_surgeon``),
    so the learning-curve table of a site or of the registry reads one row per
    surgeon instead of walking every case. ``<curve>_cases`` counts the cases
    with the curve's measure recorded; ``<curve>_h0_case`` / ``_h1_case`` is
    the MIS case number at which it first reached h₀ / h₁ (null: not yet).
    """

    surgeon = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+")
    mis_cases = models.PositiveIntegerField(default=0)
    time_cusum_cases = models.PositiveIntegerField(default=0)
    time_cusum_h0_case = models.PositiveIntegerField(null=True, blank=True)
    time_cusum_h1_case = models.PositiveIntegerField(null=True, blank=True)
    fluoro_cusum_cases = models.PositiveIntegerField(default=0)
    fluoro_cusum_h0_case = models.PositiveIntegerField(null=True, blank=True)
    fluoro_cusum_h1_case = models.PositiveIntegerField(null=True, blank=True)
    complication_cusum_cases = models.PositiveIntegerField(default=0)
    complication_cusum_h0_case = models.PositiveIntegerField(null=True, blank=True)
    complication_cusum_h1_case = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"learning curves of surgeon {self.surgeon_id}"


class TallyLevel(models.TextChoices):
    """Which keys a questionnaire tally row is summed over (docs/dashboards.md "Speed").

    ``surgeon``: per site and surgeon (pages narrowed by site or surgeon only);
    ``mix``: per site, technique, fixation and severity (surgeon left blank),
    for pages filtered by any of those three; ``surgeonmix``: the same per
    surgeon too, for a surgeon's page (or a page filtered by surgeon) filtered
    by any of those three; ``month``: per site and month of operation, for
    pages filtered by period. Any other filter (a period with technique,
    fixation or severity, or a period with a surgeon) counts the scores
    themselves.
    """

    SURGEON = "surgeon", "Site and surgeon"
    MIX = "mix", "Site, technique, fixation and severity"
    SURGEON_MIX = "surgeonmix", "Site, surgeon, technique, fixation and severity"
    MONTH = "month", "Site and month of operation"


class ScoreTally(models.Model):
    """How many patients had each questionnaire score value, per tally key and time point.

    The questionnaire sections' frequency tables (median and quartiles per time
    point) summed over a dashboard's tally rows, so a page reads a few thousand
    rows instead of every score (millions at registry size). ``level`` says
    which key columns are set (``TallyLevel``; the others are null or blank).
    Rebuilt per key by ``registry.actions.rebuild_tallies`` whenever a case or
    its scores change; derived data, like ``CaseSummary``.
    """

    level = models.CharField(
        max_length=10, choices=TallyLevel.choices, default=TallyLevel.SURGEON, db_default="surgeon"
    )
    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="+")
    surgeon = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", null=True
    )
    technique = models.CharField(max_length=40, blank=True, default="", db_default="")
    fixation = models.CharField(max_length=10, blank=True, default="", db_default="")
    severity = models.CharField(max_length=10, blank=True, default="", db_default="")
    operated_month = models.DateField(null=True, blank=True)
    instrument = models.CharField(max_length=40)
    domain = models.CharField(max_length=40)
    time_point = models.CharField(max_length=10)
    value = models.FloatField()
    patients = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["site", "surgeon"], name="score_tally_site_surgeon"),
            models.Index(fields=["level", "site", "operated_month"], name="score_tally_month"),
            models.Index(fields=["level", "technique"], name="score_tally_technique"),
            models.Index(fields=["level", "fixation"], name="score_tally_fixation"),
            models.Index(fields=["level", "severity"], name="score_tally_severity"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument}.{self.domain} {self.time_point} = {self.value}: {self.patients}"


class PairTally(models.Model):
    """Patients with a baseline and a follow-up score, and how many reached the MCID, per key.

    At ``time_point`` baseline, ``pairs`` counts the patients with a baseline
    score (``reached`` 0). Keyed and rebuilt like ``ScoreTally``.
    """

    level = models.CharField(
        max_length=10, choices=TallyLevel.choices, default=TallyLevel.SURGEON, db_default="surgeon"
    )
    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="+")
    surgeon = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", null=True
    )
    technique = models.CharField(max_length=40, blank=True, default="", db_default="")
    fixation = models.CharField(max_length=10, blank=True, default="", db_default="")
    severity = models.CharField(max_length=10, blank=True, default="", db_default="")
    operated_month = models.DateField(null=True, blank=True)
    instrument = models.CharField(max_length=40)
    domain = models.CharField(max_length=40)
    time_point = models.CharField(max_length=10)
    pairs = models.PositiveIntegerField()
    reached = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["site", "surgeon"], name="pair_tally_site_surgeon")]

    def __str__(self) -> str:
        return f"{self.instrument}.{self.domain} {self.time_point}: {self.reached}/{self.pairs}"


class CaseTally(models.Model):
    """The case-level sections' sums per cell of the dashboards' filters (docs/dashboards.md).

    Volume, correction (n, Σd, Σd², Σpre, Σpost of each angle among the cases
    with both films), completion (questionnaires done per time point) are
    additive over cells, so a page sums tally rows instead of every case.
    ``detailed`` rows are keyed by site, surgeon, technique, fixation,
    severity and month of operation; the other rows (``detailed`` false,
    technique, fixation and severity blank) total them per site, surgeon and
    month, for pages not filtered by technique, fixation or severity.
    Rebuilt per surgeon and month by ``registry.tallies.rebuild_case_tallies``
    (called from ``registry.actions``).
    """

    detailed = models.BooleanField()
    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="+")
    surgeon = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    technique = models.CharField(max_length=40, blank=True)
    fixation = models.CharField(max_length=10, blank=True)
    severity = models.CharField(max_length=10, blank=True)
    operated_month = models.DateField()
    cases = models.PositiveIntegerField()
    hva_n = models.PositiveIntegerField()
    hva_sum = models.FloatField()
    hva_sq = models.FloatField()
    hva_pre = models.FloatField()
    hva_post = models.FloatField()
    ima_n = models.PositiveIntegerField()
    ima_sum = models.FloatField()
    ima_sq = models.FloatField()
    ima_pre = models.FloatField()
    ima_post = models.FloatField()
    proms_baseline = models.PositiveIntegerField()
    proms_6w = models.PositiveIntegerField()
    proms_6m = models.PositiveIntegerField()
    proms_12m = models.PositiveIntegerField()
    proms_24m = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["detailed", "site", "operated_month"], name="case_tally_site"),
            models.Index(
                fields=["surgeon", "operated_month", "detailed"], name="case_tally_surgeon"
            ),
            models.Index(fields=["detailed", "technique"], name="case_tally_technique"),
            models.Index(fields=["detailed", "fixation"], name="case_tally_fixation"),
            models.Index(fields=["detailed", "severity"], name="case_tally_severity"),
        ]

    def __str__(self) -> str:
        return f"{self.cases} cases of surgeon {self.surgeon_id} in {self.operated_month:%Y-%m}"


class ComplicationTally(models.Model):
    """Feet with at least one complication of a kind ("any" too), per cell like ``CaseTally``.

    Each foot is in one cell, so the feet of a view are the sum of its cells'.
    Entered-in-error complications are left out, as on the complications section.
    """

    detailed = models.BooleanField()
    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="+")
    surgeon = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    technique = models.CharField(max_length=40, blank=True)
    fixation = models.CharField(max_length=10, blank=True)
    severity = models.CharField(max_length=10, blank=True)
    operated_month = models.DateField()
    kind = models.CharField(max_length=40)
    feet = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["detailed", "site", "operated_month"], name="complication_tally_site"
            ),
            models.Index(
                fields=["surgeon", "operated_month", "detailed"], name="complication_tally_surgeon"
            ),
            models.Index(fields=["detailed", "technique"], name="complication_tally_technique"),
            models.Index(fields=["detailed", "fixation"], name="complication_tally_fixation"),
            models.Index(fields=["detailed", "severity"], name="complication_tally_severity"),
        ]

    def __str__(self) -> str:
        return f"{self.feet} feet with {self.kind} of surgeon {self.surgeon_id}"
