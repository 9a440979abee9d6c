"""The programme database (DESIGN §6): public support programmes and who delivers them."""

from __future__ import annotations

import datetime

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from readiness.reference import country_name


class Kind(models.TextChoices):
    """Kinds of support (DESIGN §6); the keys are part of the API."""

    GRANT = "grant", _("Grant")
    ADVICE = "advice", _("Advice")
    TRAINING = "training", _("Training")
    DEMONSTRATION = "demonstration", _("Demonstration (model factories, test beds)")
    RND_FUNDING = "rnd_funding", _("R&D funding")
    NETWORK = "network", _("Network")
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")


class SupportKind(models.Model):
    """One kind of support, as a row so that programmes can be filtered by it everywhere."""

    key = models.CharField(max_length=32, choices=Kind, unique=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.get_key_display()


class Institution(models.Model):
    """An organisation that runs or delivers programmes (a ministry, agency, centre, network)."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, blank=True)
    url = models.URLField(blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProgrammeQuerySet(models.QuerySet):
    def open_on(self, day: datetime.date) -> ProgrammeQuerySet:
        return self.filter(
            Q(opens_on__isnull=True) | Q(opens_on__lte=day),
            Q(closes_on__isnull=True) | Q(closes_on__gte=day),
        )

    def closed_on(self, day: datetime.date) -> ProgrammeQuerySet:
        return self.filter(Q(opens_on__gt=day) | Q(closes_on__lt=day))


class Programme(models.Model):
    """A public support programme with its offer, eligibility, fit, dates and source.

    Empty eligibility lists mean "no restriction of that kind". The source and ``facts_as_of``
    say where the facts come from and when they were true; ``assumptions`` records every choice
    made where the source is silent (a size limit, a close date), so that staff can check it.
    """

    class SizeRule(models.TextChoices):
        ALL = "all", _("Every size limit must be met")
        ANY = "any", _("Meeting either the headcount or the turnover limit is enough")

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    country = models.CharField(
        max_length=2, help_text=_("ISO 3166-1 alpha-2 code of the country that runs it.")
    )
    summary = models.CharField(max_length=300, help_text=_("One sentence: what a firm gets."))
    description = models.TextField(blank=True)
    institutions = models.ManyToManyField(Institution, blank=True, related_name="programmes")
    kinds = models.ManyToManyField(SupportKind, related_name="programmes")

    # Money, where known.
    amount_max = models.DecimalField(
        _("maximum amount per firm"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    amount_currency = models.CharField(max_length=3, blank=True)
    match_rate_percent = models.PositiveSmallIntegerField(
        _("share of eligible costs it pays (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    budget_note = models.CharField(max_length=300, blank=True)

    # Eligibility.
    eligible_countries = models.JSONField(default=list, blank=True)
    eligible_regions = models.JSONField(default=list, blank=True)
    eligible_sectors = models.JSONField(default=list, blank=True)
    min_employees = models.PositiveIntegerField(null=True, blank=True)
    max_employees = models.PositiveIntegerField(null=True, blank=True)
    max_turnover = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    max_turnover_currency = models.CharField(max_length=3, blank=True)
    size_rule = models.CharField(max_length=3, choices=SizeRule, default=SizeRule.ALL)
    firm_types = models.JSONField(
        default=list, blank=True, help_text=_("Other conditions in words, e.g. 'SME'.")
    )

    # Which firms it suits.
    dimensions = models.JSONField(default=list, blank=True)
    min_band = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(5)])
    max_band = models.PositiveSmallIntegerField(default=5, validators=[MaxValueValidator(5)])

    opens_on = models.DateField(null=True, blank=True)
    closes_on = models.DateField(null=True, blank=True)

    how_to_apply = models.TextField(blank=True)
    apply_url = models.URLField(blank=True)

    source_title = models.CharField(max_length=300)
    source_url = models.URLField(max_length=500, blank=True)
    facts_as_of = models.DateField(help_text=_("The date the recorded facts were true."))
    other_sources = models.JSONField(default=list, blank=True)
    assumptions = models.TextField(blank=True)

    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["country", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_band__lte=models.F("max_band")), name="programme_band_range"
            ),
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True)
                | Q(closes_on__isnull=True)
                | Q(opens_on__lte=models.F("closes_on")),
                name="programme_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:detail", kwargs={"slug": self.slug})

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    def is_open_on(self, day: datetime.date) -> bool:
        return (self.opens_on is None or self.opens_on <= day) and (
            self.closes_on is None or day <= self.closes_on
        )

    @property
    def is_open(self) -> bool:
        return self.is_open_on(timezone.localdate())

    @property
    def kind_keys(self) -> list[str]:
        return sorted(kind.key for kind in self.kinds.all())
