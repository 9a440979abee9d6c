"""The programme database (DESIGN §6): public support programmes and who delivers them."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from readiness.reference import country_name, normalise_region


class Kind(models.TextChoices):
    """Kinds of support (DESIGN §6); the keys are part of the API."""

    GRANT = "grant", _("Grant")
    ADVICE = "advice", _("Advice")
    TRAINING = "training", _("Training")
    DEMONSTRATION = "demonstration", _("Demonstration (model factories, test beds)")
    RND_FUNDING = "rnd_funding", _("R&D funding")
    NETWORK = "network", _("Network")
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")


class Status(models.TextChoices):
    """Whether a programme takes firms now (DESIGN §6). ``unknown`` is never shown as open."""

    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    PAUSED = "paused", _("Paused")
    SUSPENDED = "suspended", _("Suspended")
    UNKNOWN = "unknown", _("Unknown")


class CostToFirm(models.TextChoices):
    FREE = "free", _("Free")
    FEE = "fee", _("Fee")
    MEMBERSHIP = "membership", _("Membership")
    CO_FUNDING = "co_funding", _("Co-funding by the firm")
    TAX_CREDIT = "tax_credit", _("Tax credit")


SIZE_BANDS = ("micro", "small", "medium", "large", "any")


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
    contact_url = models.URLField(blank=True)
    description = models.TextField(blank=True)
    renamed = models.JSONField(
        default=list, blank=True,
        help_text=_('Former names: a list of {"name": "old name", "until": "YYYY-MM-DD"}.'),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


STALE_AFTER_DAYS = 365  # as programmes.matching: a status checked longer ago is stale


def _days_before(day: datetime.date, days: int) -> datetime.date:
    """``day`` less ``days``, held at the first representable date (an API filter may ask for
    0001-01-01)."""
    if day.toordinal() <= days:
        return datetime.date.min
    return day - datetime.timedelta(days=days)


class ProgrammeQuerySet(models.QuerySet):
    def open_on(self, day: datetime.date) -> ProgrammeQuerySet:
        """Within its dates and confirmed open (not stale) on ``day``; never an unchecked status.

        A status checked after ``day`` says nothing about it, so then the recorded dates decide
        (as in ``programmes.matching.status_on``).
        """
        confirmed = Q(status=Status.OPEN, status_checked_on__lte=day,
                      status_checked_on__gte=_days_before(day, STALE_AFTER_DAYS))
        by_dates = Q(status_checked_on__gt=day) & (Q(opens_on__isnull=False)
                                                   | Q(closes_on__isnull=False))
        return self.filter(
            Q(opens_on__isnull=True) | Q(opens_on__lte=day),
            Q(closes_on__isnull=True) | Q(closes_on__gte=day),
            confirmed | by_dates,
        )

    def closed_on(self, day: datetime.date) -> ProgrammeQuerySet:
        return self.filter(Q(opens_on__gt=day) | Q(closes_on__lt=day)
                           | Q(status__in=[Status.CLOSED, Status.PAUSED, Status.SUSPENDED]))

    def needs_checking_on(self, day: datetime.date) -> ProgrammeQuerySet:
        """The staff queue: status unknown, checked over a year ago (unless closed), or closing
        within 30 days
        (its close date or a round's; rounds are JSON, so those are picked out in Python)."""
        soon = day + datetime.timedelta(days=30) if day < datetime.date(9999, 12, 1) else day
        # A closed programme stays closed: its old check needs no repeat.
        stale = Q(status=Status.UNKNOWN) | Q(status_checked_on__isnull=True) | (Q(
            status_checked_on__lt=_days_before(day, STALE_AFTER_DAYS)
        ) & ~Q(status=Status.CLOSED))
        closing = Q(closes_on__gte=day, closes_on__lte=soon)
        round_slugs = [
            slug for slug, rounds in self.exclude(rounds=[]).values_list("slug", "rounds")
            if any(_closes_between(r, day, soon) for r in rounds)
        ]
        return self.filter(stale | closing | Q(slug__in=round_slugs))


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

    # Status (DESIGN §6): what someone last confirmed from a source, and when.
    status = models.CharField(max_length=10, choices=Status, default=Status.UNKNOWN)
    status_checked_on = models.DateField(
        null=True, blank=True,
        help_text=_("The day someone confirmed the status from a source; empty only while the "
                    "status is unknown. Never an assumed date."),
    )
    status_source = models.JSONField(
        default=dict, blank=True, help_text=_('What the status was checked against: '
                                              '{"title": ..., "url": ...}.'),
    )
    regional_status = models.JSONField(
        default=list, blank=True,
        help_text=_('Region-specific statuses overriding the status: [{"region", "status", '
                    '"status_checked_on", "note"}].'),
    )
    primary_kind = models.CharField(max_length=32, choices=Kind, blank=True)
    cost_to_firm = models.CharField(max_length=12, choices=CostToFirm, blank=True)
    official_name = models.CharField(max_length=300, blank=True)
    rounds = models.JSONField(
        default=list, blank=True,
        help_text=_('Application rounds: [{"name", "opens_on", "closes_on", "source"}].'),
    )
    predecessor = models.SlugField(max_length=80, blank=True)
    successor = models.SlugField(max_length=80, blank=True)
    tiers = models.JSONField(
        default=list, blank=True,
        help_text=_('Subsidy tiers: [{"size_band", "valid_from", "valid_to", "amount_max", '
                    '"currency", "match_rate_percent", "note"}].'),
    )
    delivery = models.JSONField(
        default=list, blank=True,
        help_text=_('Who delivers where: [{"institution", "regions", "contact_label", '
                    '"contact_url", "contact_email", "contact_phone"}]; no regions = the whole '
                    'country.'),
    )
    sme_rule = models.CharField(
        max_length=8, blank=True,
        help_text=_("A country SME rule (fixtures/programmes/sme_rules.json) the firm must meet; "
                    "empty when the explicit limits apply."),
    )
    sources = models.JSONField(
        default=list, blank=True,
        help_text=_('Every source with the date it was read: [{"title", "url", "read_on", '
                    '"supports"}].'),
    )

    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

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
            models.CheckConstraint(
                condition=Q(min_employees__isnull=True)
                | Q(max_employees__isnull=True)
                | Q(min_employees__lte=models.F("max_employees")),
                name="programme_employees_in_order",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.UNKNOWN) | Q(status_checked_on__isnull=False),
                name="programme_status_checked",
                violation_error_message=_("A known status needs the date it was checked on."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:detail", kwargs={"slug": self.slug})

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    def clean(self) -> None:
        """The one validation of a programme record, for the admin, the import and the fixtures.

        Kinds are a many-to-many relation that an unsaved record does not have yet; the forms
        put the kinds being saved in ``pending_kinds`` so that the primary kind can be checked.
        """
        errors = programme_problems(self, kinds=getattr(self, "pending_kinds", None))
        if errors:
            raise ValidationError(errors)

    def is_open_on(self, day: datetime.date) -> bool:
        """Confirmed open, not stale, and within its dates; an unknown status is not open."""
        within = (self.opens_on is None or self.opens_on <= day) and (
            self.closes_on is None or day <= self.closes_on
        )
        if self.status_checked_on is not None and self.status_checked_on > day:
            return within and (self.opens_on is not None or self.closes_on is not None)
        return within and self.status == Status.OPEN and not self.is_stale_on(day)

    def is_stale_on(self, day: datetime.date) -> bool:
        return self.status_checked_on is None or (
            (day - self.status_checked_on).days > STALE_AFTER_DAYS
        )

    @property
    def is_open(self) -> bool:
        return self.is_open_on(timezone.localdate())

    @property
    def status_text(self) -> str:
        """Today's status in a few words, as match cards say it: never "open" unless confirmed
        within the last year."""
        from programmes.matching import status_phrase

        return status_phrase(self.status, self.status_checked_on,
                             self.is_stale_on(timezone.localdate()))

    @property
    def kind_keys(self) -> list[str]:
        return sorted(kind.key for kind in self.kinds.all())


def _closes_between(round_: object, start: datetime.date, end: datetime.date) -> bool:
    if not isinstance(round_, dict):
        return False
    try:
        closes = _date_or_none(round_.get("closes_on"))
    except ValueError:
        return False
    return closes is not None and start <= closes <= end


def _date_or_none(value: object) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as error:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from error


def _url_ok(value: object) -> bool:
    if not value:
        return True
    try:
        URLValidator()(str(value))
    except ValidationError:
        return False
    return True


def _source_problem(source: object, *, need_read_on: bool = False) -> str:
    if not isinstance(source, dict) or not str(source.get("title") or "").strip():
        return "a source needs a title"
    if not _url_ok(source.get("url")):
        return f"{source.get('url')!r} is not a URL"
    if need_read_on:
        try:
            if _date_or_none(source.get("read_on")) is None:
                return f"the source {source['title']!r} needs the date it was read (read_on)"
        except ValueError as error:
            return str(error)
    return ""


def programme_problems(
    programme: Programme, *, kinds: list[str] | None = None
) -> dict[str, list[str]]:
    """Every rule a programme record breaks, by field (empty when it is valid)."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    p = programme
    if p.min_band is not None and p.max_band is not None and p.min_band > p.max_band:
        add("max_band", str(_("The highest band must not be below the lowest.")))
    if p.opens_on and p.closes_on and p.opens_on > p.closes_on:
        add("closes_on", str(_("It cannot close before it opens.")))
    if p.min_employees and p.max_employees and p.min_employees > p.max_employees:
        add("max_employees", str(_("The maximum must not be below the minimum.")))
    if p.amount_max is not None and not p.amount_currency:
        add("amount_currency", str(_("Give the currency of the amount.")))
    if p.max_turnover is not None and not p.max_turnover_currency:
        add("max_turnover_currency", str(_("Give the currency of the turnover limit.")))
    if p.size_rule == Programme.SizeRule.ANY and (p.max_employees is None
                                                  or p.max_turnover is None):
        add("size_rule", str(_("'Either limit' needs both a headcount and a turnover limit.")))

    # Status: a known status carries the day it was checked, which cannot be in the future.
    if p.status != Status.UNKNOWN and p.status_checked_on is None:
        add("status_checked_on", str(_("A known status needs the date it was checked on.")))
    if p.status_checked_on and p.status_checked_on > timezone.localdate():
        add("status_checked_on", str(_("The check cannot be in the future.")))
    if p.status_source and _source_problem(p.status_source):
        add("status_source", _source_problem(p.status_source))

    countries = [c.upper() for c in (p.eligible_countries or [])] or [p.country]

    def region_ok(region: object) -> bool:
        return isinstance(region, str) and any(normalise_region(c, region) for c in countries)

    bad_regions = [r for r in (p.eligible_regions or []) if not region_ok(r)]
    if bad_regions:
        add("eligible_regions", f"Not a region of {', '.join(countries)}: "
                                f"{', '.join(map(str, bad_regions))}.")

    for i, entry in enumerate(p.regional_status or [], start=1):
        if not isinstance(entry, dict) or not region_ok(entry.get("region")):
            add("regional_status", f"Entry {i}: give a region of {', '.join(countries)}.")
            continue
        if entry.get("status") not in Status.values:
            add("regional_status", f"Entry {i}: the status must be one of "
                                   f"{', '.join(Status.values)}.")
        try:
            checked = _date_or_none(entry.get("status_checked_on"))
        except ValueError as error:
            add("regional_status", f"Entry {i}: {error}.")
            continue
        if entry.get("status") != Status.UNKNOWN and checked is None:
            add("regional_status", f"Entry {i}: a known status needs status_checked_on.")

    if kinds is not None:
        if not kinds:
            add("kinds", str(_("Give at least one kind of support.")))
        elif p.primary_kind and p.primary_kind not in kinds:
            add("primary_kind", str(_("The primary kind must be one of the programme's kinds.")))

    for i, round_ in enumerate(p.rounds or [], start=1):
        if not isinstance(round_, dict) or not str(round_.get("name") or "").strip():
            add("rounds", f"Round {i}: give its name.")
            continue
        try:
            opens, closes = (_date_or_none(round_.get("opens_on")),
                             _date_or_none(round_.get("closes_on")))
        except ValueError as error:
            add("rounds", f"Round {i}: {error}.")
            continue
        if opens and closes and opens > closes:
            add("rounds", f"Round {i}: it cannot close before it opens.")
        if round_.get("source") and _source_problem(round_["source"]):
            add("rounds", f"Round {i}: {_source_problem(round_['source'])}.")

    for name in ("predecessor", "successor"):
        if getattr(p, name) and getattr(p, name) == p.slug:
            add(name, str(_("A programme cannot follow itself.")))

    for i, tier in enumerate(p.tiers or [], start=1):
        if not isinstance(tier, dict) or tier.get("size_band") not in SIZE_BANDS:
            add("tiers", f"Tier {i}: size_band must be one of {', '.join(SIZE_BANDS)}.")
            continue
        try:
            start, end = _date_or_none(tier.get("valid_from")), _date_or_none(tier.get("valid_to"))
        except ValueError as error:
            add("tiers", f"Tier {i}: {error}.")
            continue
        if start and end and start > end:
            add("tiers", f"Tier {i}: valid_to is before valid_from.")
        rate = tier.get("match_rate_percent")
        if rate is not None and not (isinstance(rate, int) and 0 <= rate <= 100):
            add("tiers", f"Tier {i}: match_rate_percent must be a whole number from 0 to 100.")
        if tier.get("amount_max") not in (None, "") and not tier.get("currency"):
            add("tiers", f"Tier {i}: give the currency of the amount.")

    for i, entry in enumerate(p.delivery or [], start=1):
        if not isinstance(entry, dict) or not str(entry.get("institution") or "").strip():
            add("delivery", f"Entry {i}: name the delivering institution.")
            continue
        regions = entry.get("regions") or []
        bad = [r for r in regions if not region_ok(r)] if isinstance(regions, list) else [regions]
        if bad:
            add("delivery", f"Entry {i}: not a region of {', '.join(countries)}: "
                            f"{', '.join(map(str, bad))}.")
        if not _url_ok(entry.get("contact_url")):
            add("delivery", f"Entry {i}: the contact URL is not a URL.")

    if p.sme_rule:
        from programmes.sme_rules import sme_rules  # reference data beside the model

        if p.sme_rule not in sme_rules():
            known = ", ".join(sorted(sme_rules())) or "none are loaded"
            add("sme_rule", f"{p.sme_rule!r} is not a country SME rule ({known}).")

    for i, source in enumerate(p.sources or [], start=1):
        problem = _source_problem(source, need_read_on=True)
        if problem:
            add("sources", f"Source {i}: {problem}.")
    return errors
