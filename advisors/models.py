"""Organisations (delivery bodies), their advisors, and the assessments firms share with them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from readiness.models import Assessment
from readiness.reference import normalise_region


class Organisation(models.Model):
    """A delivery body: a growth hub, an MEP centre, a Mittelstand-Digital centre."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def covers(self, country: str, region: str) -> bool:
        """Whether this organisation serves a firm in ``country``/``region``."""
        return any(c.matches(country, region) for c in self.coverage.all())


class Coverage(models.Model):
    """A country, or one region of it, that an organisation serves (blank region: all of it)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="coverage")
    country = models.CharField(max_length=2)
    region = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["country", "region"]
        constraints = [models.UniqueConstraint(fields=["organisation", "country", "region"],
                                               name="unique_coverage")]

    def __str__(self) -> str:
        return f"{self.country} {self.region or '(whole country)'}"

    def save(self, *args, **kwargs):
        self.country = self.country.upper()
        if self.region:
            self.region = normalise_region(self.country, self.region) or self.region
        super().save(*args, **kwargs)

    def matches(self, country: str, region: str) -> bool:
        if self.country != (country or "").upper():
            return False
        return not self.region or self.region.casefold() == (region or "").casefold()


class Membership(models.Model):
    """An advisor's (or programme manager's) place in one organisation."""

    class Role(models.TextChoices):
        ADVISOR = "advisor", _("Advisor")
        MANAGER = "manager", _("Programme manager")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="membership")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=16, choices=Role, default=Role.ADVISOR)

    class Meta:
        ordering = ["organisation", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"


class Share(models.Model):
    """A firm's consent for one organisation to see one assessment, and the advisors' case."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_REVIEW = "in_review", _("In review")
        ACTION_PLAN = "action_plan_agreed", _("Action plan agreed")
        FOLLOW_UP = "follow_up", _("Follow-up")
        CLOSED = "closed", _("Closed")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="shares")
    shared_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=24, choices=Status, default=Status.NEW)
    assigned_advisor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="assigned_shares")
    # Set by the re-matching task when a programme's status or rules changed what this firm is
    # offered (advisors.services.programme_change_rematch); the caseload shows it as a flag.
    programmes_changed_at = models.DateTimeField(null=True, blank=True)
    programmes_changed_note = models.CharField(max_length=1000, blank=True)
    # Erasing a firm (its data rights) deletes the history too: no copy outlives the erase.
    history = HistoricalRecords(cascade_delete_history=True)

    class Meta:
        ordering = ["-shared_at"]
        constraints = [models.UniqueConstraint(fields=["assessment", "organisation"],
                                               name="one_share_per_organisation")]
        indexes = [
            models.Index(fields=["organisation", "withdrawn_at", "-shared_at"],
                         name="share_caseload"),
            models.Index(fields=["organisation", "status"], name="share_status"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} → {self.organisation}"

    def get_absolute_url(self) -> str:
        return reverse("advisors:review", kwargs={"share_id": self.pk})

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class Note(models.Model):
    """An advisor's note on a case, written either for colleagues or for the firm to read."""

    class Audience(models.TextChoices):
        INTERNAL = "internal", _("Internal: only my organisation's advisors")
        FIRM = "firm", _("For the firm: it appears in the firm's PDF report")

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="notes")
    # Chosen when the note is written (the form has no default), so that nothing meant for
    # colleagues reaches the firm by accident.
    audience = models.CharField(max_length=8, choices=Audience)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    text = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)
    # Erasing a firm (its data rights) deletes the history too: no copy outlives the erase.
    history = HistoricalRecords(cascade_delete_history=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_for_firm(self) -> bool:
        return self.audience == self.Audience.FIRM

    @property
    def author_name(self) -> str:
        """The author as people call them; "" once the author's account is gone."""
        if self.author is None:
            return ""
        return self.author.get_full_name() or self.author.username


class Action(models.Model):
    """A recommended action agreed with the firm, with an owner and a due date."""

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="actions")
    dimension_key = models.SlugField(max_length=64, blank=True)
    text = models.CharField(max_length=500)
    owner = models.CharField(max_length=120, help_text=_("Who does it: a person at the firm or the advisor."))
    due_date = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Erasing a firm (its data rights) deletes the history too: no copy outlives the erase.
    history = HistoricalRecords(cascade_delete_history=True)

    class Meta:
        ordering = ["done", "due_date", "id"]

    def __str__(self) -> str:
        return self.text


class Referral(models.Model):
    """A firm referred by its advisor to a support programme, followed to its outcome.

    Each change is kept (simple-history), so that the hub can report when a firm applied, was
    awarded or declined, finished the project and adopted the technology, and what was invested.
    """

    class Status(models.TextChoices):
        REFERRED = "referred", _("Referred")
        APPLIED = "applied", _("Applied")
        AWARDED = "awarded", _("Awarded")
        DECLINED = "declined", _("Declined")
        PROJECT_DONE = "project_done", _("Project completed")
        ADOPTED = "adopted", _("Technology adopted")
        WITHDRAWN = "withdrawn", _("Withdrawn by the firm")

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="referrals")
    # The name is kept so that the record still reads right if staff delete the programme.
    programme = models.ForeignKey("programmes.Programme", null=True, on_delete=models.SET_NULL,
                                  related_name="referrals")
    programme_name = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status, default=Status.REFERRED)
    status_date = models.DateField(_("date of this status"), default=timezone.localdate)
    grant_amount = models.DecimalField(_("grant awarded"), max_digits=14, decimal_places=2,
                                       null=True, blank=True)
    own_investment = models.DecimalField(_("the firm's own investment"), max_digits=14,
                                         decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    note = models.CharField(max_length=500, blank=True)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Erasing a firm (its data rights) deletes the history too: no copy outlives the erase.
    history = HistoricalRecords(cascade_delete_history=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(grant_amount__gte=0)
                                   | models.Q(grant_amount__isnull=True),
                                   name="referral_grant_not_negative"),
            models.CheckConstraint(condition=models.Q(own_investment__gte=0)
                                   | models.Q(own_investment__isnull=True),
                                   name="referral_own_investment_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.share.assessment} → {self.programme_name}"

    @property
    def investment_total(self):
        if self.grant_amount is None and self.own_investment is None:
            return None
        return (self.grant_amount or 0) + (self.own_investment or 0)
