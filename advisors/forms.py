from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advisors.cohorts import SIZE_BANDS
from advisors.models import Action, Membership, Note, Referral, Share
from programmes.models import Kind, Programme
from readiness.framework import FrameworkSpec
from readiness.reference import ISIC_DIVISIONS, country_choices


class CaseloadFilterForm(forms.Form):
    """Rendered only: the selector reads the same parameters and ignores anything unknown."""

    q = forms.CharField(label=_("Firm"), required=False, max_length=100)
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Share.Status.choices])
    country = forms.ChoiceField(required=False, choices=lambda: [("", "Any country"),
                                                                 *country_choices()])
    region = forms.CharField(required=False, max_length=64)
    sector = forms.ChoiceField(required=False, choices=lambda: [
        ("", "Any sector"), *[(c, f"{c} {n}") for c, n in ISIC_DIVISIONS.items()]])
    size = forms.ChoiceField(required=False, label=_("Size"),
                             choices=[("", "Any size"), *[(k, label) for k, label, _, _ in SIZE_BANDS]])
    assigned = forms.ChoiceField(required=False, choices=[
        ("", "Anyone"), ("me", "Assigned to me"), ("none", "Unassigned")])
    sort = forms.ChoiceField(required=False, choices=[
        ("shared", "Date shared"), ("firm", "Firm"), ("score", "Overall score"),
        ("employees", "Employees"), ("status", "Status")])
    dir = forms.ChoiceField(required=False, label=_("Order"),
                            choices=[("desc", "Descending"), ("asc", "Ascending")])
    date_from = forms.DateField(required=False, label=_("Shared from"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label=_("Shared to"),
                              widget=forms.DateInput(attrs={"type": "date"}))
    due = forms.ChoiceField(required=False, label=_("Actions"),
                            choices=[("", "Any"), ("overdue", "Overdue actions")])


class CaseUpdateForm(forms.ModelForm):
    class Meta:
        model = Share
        fields = ["status", "assigned_advisor"]
        labels = {"assigned_advisor": _("Assigned advisor")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_advisor"].queryset = get_user_model().objects.filter(
            membership__organisation=self.instance.organisation).order_by("username")
        self.fields["assigned_advisor"].label_from_instance = (
            lambda user: user.get_full_name() or user.username)


class NoteForm(forms.ModelForm):
    class Meta:
        model = Note
        fields = ["audience", "text"]
        labels = {"text": _("Add a note"), "audience": _("Who may read it")}
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "audience": forms.RadioSelect}


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["text", "dimension_key", "owner", "due_date"]
        labels = {"text": _("Recommended action"), "dimension_key": _("Dimension"),
                  "due_date": _("Due date")}
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, spec: FrameworkSpec, **kwargs):
        # Its ids must not clash with the note form's on the same page (both have "text").
        kwargs.setdefault("auto_id", "id_action_%s")
        super().__init__(*args, **kwargs)
        self.fields["dimension_key"] = forms.ChoiceField(
            label=_("Dimension"), required=False,
            choices=[("", "General"), *[(k, d.name) for k, d in spec.dimensions.items()]])


class ProgressForm(forms.Form):
    before = forms.ChoiceField(label=_("Compare"))
    after = forms.ChoiceField(label=_("with"))

    def __init__(self, *args, assessments, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(a.public_id), f"{a.submitted_at:%d %b %Y} (overall "
                    f"{a.overall_score:.1f})" if a.overall_score is not None else
                    f"{a.submitted_at:%d %b %Y}") for a in assessments]
        self.fields["before"].choices = choices
        self.fields["after"].choices = choices


class MemberInviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices,
                             initial=Membership.Role.ADVISOR)


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=16,
        help_text=_("The 6-digit code your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}))


class ReferralForm(forms.Form):
    programme = forms.ModelChoiceField(queryset=Programme.objects.none(), label=_("Programme"))
    note = forms.CharField(label=_("Why (optional)"), required=False, max_length=500)

    def __init__(self, *args, country: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # The firm's own country's programmes first: those are the ones it can usually join.
        programmes = sorted(Programme.objects.only("pk", "name", "country"),
                            key=lambda p: (p.country != country, p.country, p.name))
        self.fields["programme"].queryset = Programme.objects.all()
        self.fields["programme"].choices = [("", "Choose a programme"),
                                            *[(p.pk, f"{p.name} ({p.country})") for p in programmes]]


class ReferralUpdateForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = ["status", "status_date", "grant_amount", "own_investment", "currency", "note"]
        # A date field's value must be ISO (yyyy-mm-dd), whatever the page's locale.
        widgets = {"status_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "note": forms.TextInput()}
        labels = {"note": _("Note (optional)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each referral's form has its own ids on the page.
        self.auto_id = f"referral-{self.instance.pk}-%s"


class PolicyLensForm(forms.Form):
    """What the policy lens shows: the day, the country and kind of support the coverage table
    follows, and which country's rules go to which country's firms. Every field has a default,
    so an empty or partly wrong query still shows a page (the errors say what was ignored)."""

    NOTE_COUNTRIES = (("GB", "United Kingdom"), ("US", "United States"), ("DE", "Germany"),
                      ("SG", "Singapore"), ("KR", "South Korea"), ("TW", "Taiwan"))

    as_of = forms.DateField(required=False, label=_("As of"),
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    country = forms.ChoiceField(required=False, label=_("Coverage in"), choices=NOTE_COUNTRIES)
    kind = forms.ChoiceField(required=False, label=_("Kind of support"),
                             choices=[c for c in Kind.choices if c[0] != Kind.SELF_ASSESSMENT])
    source = forms.ChoiceField(required=False, label=_("Rules of"), choices=NOTE_COUNTRIES)
    target = forms.ChoiceField(required=False, label=_("applied to the firms of"),
                               choices=NOTE_COUNTRIES)
    cohort = forms.ChoiceField(required=False, label=_("Firms"), choices=[
        ("", "Assessed firms (real, credible submissions)"),
        ("demo", "The synthetic demo cohort (labelled, not statistics)")])

    DEFAULTS = {"country": "GB", "kind": "advice", "source": "US", "target": "GB", "cohort": ""}

    def clean_as_of(self):
        day = self.cleaned_data.get("as_of")
        if day is not None and not (datetime.date(2018, 1, 1) <= day <= timezone.localdate()):
            raise forms.ValidationError(_("Choose a day from 1 January 2018 to today."))
        return day

    def choices(self) -> dict:
        """The valid choices, each bad or missing one replaced by its default."""
        chosen = {**self.DEFAULTS, "as_of": timezone.localdate()}
        if self.is_bound:
            self.is_valid()
            chosen.update({name: value for name, value in self.cleaned_data.items()
                           if value not in (None, "")})
        return chosen
