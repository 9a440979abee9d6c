from __future__ import annotations

import json
import re
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from readiness.framework import FrameworkSpec
from readiness.models import EVIDENCE_MAX_LENGTH, Assessment, EvidenceKind, Respondent
from readiness.prioritisation import MAX_OBJECTIVES
from readiness.reference import (
    COUNTRY_CURRENCY,
    ISIC_DIVISIONS,
    MANUFACTURING_DIVISIONS,
    country_choices,
    currency_choices,
    default_currency,
    normalise_region,
    region_choices,
)
from readiness.scoring import UNKNOWN, Band
from readiness.widgets import StaticOptionsSelect

NOT_APPLICABLE = "na"
DONT_KNOW = UNKNOWN  # the posted value of "don't know" is the stored/API one
# Countries whose support programmes are regional, so the firm's region decides its matches.
REGION_REQUIRED = frozenset({"GB", "US"})


# Divisions no firm taking this assessment can be (households, extraterritorial bodies): left out
# of the list (user trial D10). The API still accepts every ISIC division.
NOT_A_FIRM_DIVISIONS = frozenset({"97", "98", "99"})


def sector_choices() -> list:
    """Manufacturing divisions first; every other activity after them, under a label that says
    the assessment is made for manufacturers (a clear path, not a dead end, for the others)."""
    manufacturing = [(code, f"{code} {name}") for code, name in ISIC_DIVISIONS.items()
                     if code in MANUFACTURING_DIVISIONS]
    other = [(code, f"{code} {name}") for code, name in ISIC_DIVISIONS.items()
             if code not in MANUFACTURING_DIVISIONS and code not in NOT_A_FIRM_DIVISIONS]
    return [("", "Choose your main activity"),
            ("Manufacturing (divisions 10 to 33)", manufacturing),
            ("Not manufacturing (the assessment is made for manufacturers)", other)]


# Below this a "turnover" is almost certainly in thousands or millions typed short ("12.5").
PLAUSIBLE_TURNOVER = 1000


class TypedNumberMixin:
    """A number typed as text: thousands separators are allowed, anything else is refused with a
    message and stays in the field as typed (a browser number input would drop "8O" to 8 or
    "12.5 million" to 12.5 without a word; user trial D9)."""

    SEPARATORS = re.compile(r"(?<=\d)[,\s_'’](?=\d{3}\b)")

    def to_python(self, value):
        if isinstance(value, str):
            value = self.SEPARATORS.sub("", value.strip())
        return super().to_python(value)


class TypedIntegerField(TypedNumberMixin, forms.IntegerField):
    pass


class TypedDecimalField(TypedNumberMixin, forms.DecimalField):
    pass


class ProfileForm(forms.ModelForm):
    country = forms.ChoiceField(choices=country_choices, initial="GB",
                                widget=StaticOptionsSelect(options_key="country"))
    # A CharField shown as a select: the region is validated (case-insensitively) against the
    # chosen country in clean(), not against the choices rendered for the initial country.
    region = forms.CharField(required=False, max_length=64, widget=forms.Select)
    sector = forms.ChoiceField(
        label=_("Sector"),
        choices=sector_choices,
        widget=StaticOptionsSelect(options_key="sector"),
        help_text=_("Your main activity as an ISIC Rev. 4 division (the same two digits as UK SIC "
                    "2007 and NACE); manufacturing comes first. If yours is not manufacturing, "
                    "choose it further down: you can still take the assessment, but its "
                    "examples and support programmes are for manufacturers."),
    )
    employees = TypedIntegerField(
        label=_("Employees (headcount)"), min_value=1, max_value=10_000_000,
        error_messages={"min_value": _("Headcount must be at least 1."),
                        "invalid": _("Enter the number of people as a whole number, e.g. 45.")},
        help_text=_("A whole number, e.g. 80."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    turnover = TypedDecimalField(
        label=_("Annual turnover (optional)"), required=False, min_value=Decimal(0),
        max_digits=16, decimal_places=2,
        error_messages={"invalid": _("Give the turnover in full, in figures, e.g. 6,500,000 "
                                     "(not “6.5 million”).")},
        help_text=_("In full, e.g. 6,500,000."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    turnover_currency = forms.ChoiceField(
        label=_("Currency"), required=False, choices=[("", "—"), *currency_choices()],
        widget=StaticOptionsSelect(options_key="currency"),
    )

    class Meta:
        model = Assessment
        fields = ["company_name", "country", "region", "employees", "turnover",
                  "turnover_currency", "sector", "contact_email"]
        labels = {"contact_email": _("Contact email (optional)")}
        help_texts = {
            "contact_email": _("We send the private link to resume your assessment here, and "
                               "nothing else."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        country = (self.data.get(self.add_prefix("country")) if self.is_bound
                   else self.initial.get("country") or getattr(self.instance, "country", "")) or "GB"
        country = str(country).upper()
        if not self.is_bound and not (self.initial.get("turnover_currency")
                                      or getattr(self.instance, "turnover_currency", "")):
            self.initial["turnover_currency"] = default_currency(country)
        region = self.fields["region"]
        regions = region_choices(country)
        region.widget = StaticOptionsSelect(
            choices=[("", "Choose a region"), *regions],
            # Keyed by country only where it has regions: a posted country is any text, and
            # every one without regions draws the same single option.
            options_key=f"region:{country}" if regions else "region:")
        # Marked required (the label's "*") where regional programmes depend on it; changing the
        # country swaps this whole field, label included (views.region_options).
        region.required = country in REGION_REQUIRED
        region.error_messages["required"] = _(
            "Choose your region: it decides which regional programmes you can use.")
        region.help_text = _(
            "Required in the United Kingdom (ITL1 region) and the United States (state); "
            "optional elsewhere."
        )
        # The browser follows a change of country with its usual currency, unless the firm chose
        # another one itself (static/js/forms.js); without JavaScript, clean() defaults it.
        self.fields["turnover_currency"].widget.attrs["data-country-currency"] = json.dumps(
            COUNTRY_CURRENCY, sort_keys=True)
        self.fields["country"].widget.attrs.update({
            "hx-get": "/region-options/", "hx-target": "#div_id_region", "hx-trigger": "change",
            "hx-swap": "outerHTML",
        })
        self.helper = FormHelper()
        self.helper.disable_csrf = True  # the template renders the one token
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("Your firm"), "company_name", Div(
                Div("country", css_class="col-md-6"), Div("region", css_class="col-md-6"),
                css_class="row")),
            Fieldset(_("Size and activity"), "sector", Div(
                Div("employees", css_class="col-md-4"), Div("turnover", css_class="col-md-5"),
                Div("turnover_currency", css_class="col-md-3"), css_class="row")),
            Fieldset(_("Keeping in touch"), "contact_email"),
        )

    def clean(self):
        cleaned = super().clean()
        country = cleaned.get("country")
        if country and "region" not in self.errors:
            raw = cleaned.get("region", "")
            region = normalise_region(country, raw)
            if region is None:
                self.add_error("region", _("“%(region)s” is not a region of this country.")
                               % {"region": raw})
            elif not region and country in REGION_REQUIRED:
                self.add_error("region", _("Choose your region: it decides which regional "
                                           "programmes you can use."))
            else:
                cleaned["region"] = region
        turnover = cleaned.get("turnover")
        if turnover is not None and 0 < turnover < PLAUSIBLE_TURNOVER:
            self.add_error("turnover", _(
                "%(amount)s looks too small for a year's turnover: give it in full, e.g. "
                "12,500,000 for 12.5 million.") % {"amount": f"{turnover:,}"})
        if cleaned.get("turnover") is not None and not cleaned.get("turnover_currency"):
            # The country's usual currency where there is one (a UK firm means pounds).
            usual = default_currency(country or "")
            if usual:
                cleaned["turnover_currency"] = usual
            else:
                self.add_error("turnover_currency", _("Choose the currency of your turnover."))
        if cleaned.get("turnover") is None:
            cleaned["turnover_currency"] = ""
        return cleaned


class PillarForm(forms.Form):
    """The dimensions of one pillar: a band (or N/A) and an optional evidence note each."""

    def __init__(self, *args, spec: FrameworkSpec, pillar_key: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.pillar = spec.pillars[pillar_key]
        layout = []
        for key in self.pillar.dimensions:
            dim = spec.dimensions[key]
            band_field = forms.ChoiceField(
                label=dim.name,
                required=False,
                choices=[*[(str(b.band), f"Band {b.band}: {b.title}") for b in dim.bands],
                         (NOT_APPLICABLE, "Not applicable to our firm"),
                         (DONT_KNOW, "Don't know")],
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Choose one of the bands 0 to 5, "
                                                    "“not applicable” or “don't know”.")},
            )
            band_field.dimension = dim  # type: ignore[attr-defined]  # read by the template
            self.fields[f"band_{key}"] = band_field
            self.fields[f"basis_{key}"] = forms.ChoiceField(
                label=_("What does this answer rest on? (optional)"),
                required=False, choices=EvidenceKind.choices, widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Choose observed, a document or an "
                                                    "estimate, or leave it empty.")},
            )
            self.fields[f"evidence_{key}"] = forms.CharField(
                label=_("Evidence or comment (optional)"),
                required=False,
                max_length=EVIDENCE_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2, "placeholder": _(
                    "What makes you choose this band? e.g. “OEE tracked on two of five lines”")}),
            )
            layout.append(Div(
                Field(f"band_{key}", template="readiness/fields/band_choice.html"),
                Field(f"basis_{key}", template="readiness/fields/evidence_kind.html"),
                Field(f"evidence_{key}"),
                css_class="dimension card card-body mb-4", css_id=f"dimension-{key}",
            ))
        self.helper = FormHelper()
        self.helper.disable_csrf = True  # the template renders the one token
        self.helper.form_tag = False
        self.helper.layout = Layout(*layout)

    def clean(self):
        cleaned = super().clean()
        prefixes = ("band_", "basis_", "evidence_")
        known = {f"{prefix}{k}" for k in self.pillar.dimensions for prefix in prefixes}
        tampered = sorted(
            name for name in self.data if name.startswith(prefixes) and name not in known)
        if tampered:
            raise ValidationError(
                _("The form contained an answer for a dimension that is not on this page (%(names)s). "
                  "Nothing was saved; please answer again."),
                code="unknown_dimension", params={"names": ", ".join(tampered)})
        return cleaned

    def answers(self, *, valid_only: bool = False) -> dict[str, tuple[Band, str, str]]:
        """The answered dimensions as ``{key: (band, None or "unknown", evidence, kind)}``.

        With ``valid_only`` (autosave), dimensions whose fields have errors are left out instead
        of failing the whole page.
        """
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        result = {}
        for key in self.pillar.dimensions:
            if valid_only and any(f"{prefix}{key}" in self.errors
                                  for prefix in ("band_", "basis_", "evidence_")):
                continue
            choice = data.get(f"band_{key}")
            if not choice:
                continue
            band: Band = (None if choice == NOT_APPLICABLE else UNKNOWN if choice == DONT_KNOW
                          else int(choice))
            result[key] = (band, data.get(f"evidence_{key}", ""), data.get(f"basis_{key}", ""))
        return result

    @staticmethod
    def initial_from(answers) -> dict[str, str]:
        initial = {}
        for answer in answers:
            initial[f"band_{answer.dimension_key}"] = (
                DONT_KNOW if answer.is_unknown else
                NOT_APPLICABLE if answer.band is None else str(answer.band))
            initial[f"evidence_{answer.dimension_key}"] = answer.evidence
            initial[f"basis_{answer.dimension_key}"] = answer.evidence_kind
        return initial


class ObjectivesForm(forms.Form):
    def __init__(self, *args, spec: FrameworkSpec, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.fields["objectives"] = forms.MultipleChoiceField(
            label=_("Your main business objectives (up to three)"),
            required=False,
            choices=[(o.key, f"{o.name}: {o.description}") for o in spec.objectives],
            widget=forms.CheckboxSelectMultiple,
        )
        cost_fields = []
        for category in spec.cost_categories:
            name = f"cost_{category.key}"
            self.fields[name] = forms.IntegerField(
                label=f"{category.name} (%)", required=False, min_value=0, max_value=100,
                help_text=category.description,
                error_messages={"invalid": _("Enter a whole percentage from 0 to 100.")},
                widget=forms.NumberInput(attrs={"data-cost-share": ""}),
            )
            cost_fields.append(Div(name, css_class="col-sm-6 col-lg-4"))
        self.helper = FormHelper()
        self.helper.disable_csrf = True  # the template renders the one token
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("Objectives"), "objectives"),
            Fieldset(_("Cost profile: roughly what share of your costs goes where?"),
                     Div(*cost_fields, css_class="row")),
        )

    def clean_objectives(self) -> list[str]:
        chosen = self.cleaned_data["objectives"]
        if len(chosen) > MAX_OBJECTIVES:
            raise ValidationError(_("Choose at most three objectives (you chose %(n)d)."),
                                  code="too_many", params={"n": len(chosen)})
        return chosen

    def clean(self):
        cleaned = super().clean()
        shares = {c.key: cleaned.get(f"cost_{c.key}") for c in self.spec.cost_categories}
        given = {k: v for k, v in shares.items() if v is not None}
        if given and sum(given.values()) != 100:
            raise ValidationError(
                _("The cost shares add up to %(total)d %%; they must add up to 100 %% "
                  "(or leave them all empty)."), code="cost_total",
                params={"total": sum(given.values())})
        cleaned["cost_profile"] = {k: v for k, v in given.items() if v}
        return cleaned

    def cost_total(self) -> tuple[int, bool] | None:
        """The sum of the cost shares as entered (or as saved), and whether every entry is a
        whole number; None when none is given. The page shows it, so that without JavaScript
        the firm sees its total after each save; static/js/forms.js keeps it live."""
        total, whole, any_given = 0, True, False
        for category in self.spec.cost_categories:
            name = f"cost_{category.key}"
            raw = (self.data.get(self.add_prefix(name)) if self.is_bound
                   else self.initial.get(name))
            if raw in (None, ""):
                continue
            any_given = True
            try:
                total += int(str(raw).strip())
            except ValueError:
                whole = False
        return (total, whole) if any_given else None

    def cost_total_text(self) -> str:
        """The running total in words (static/js/forms.js writes the same sentences)."""
        found = self.cost_total()
        if found is None:
            return str(_("Total: 0 %. Leave them all empty, or make them add up to 100 %."))
        total, whole = found
        if not whole:
            return str(_("Total: not known yet, as some shares are not whole numbers."))
        if total == 100:
            return str(_("Total: 100 %. That adds up."))
        if total < 100:
            return _("Total: %(total)d %%, so %(left)d %% is still to place.") % {
                "total": total, "left": 100 - total}
        return _("Total: %(total)d %%, which is %(over)d %% too many.") % {
            "total": total, "over": total - 100}

    @staticmethod
    def initial_from(assessment: Assessment) -> dict:
        initial = {"objectives": list(assessment.objectives)}
        for key, share in (assessment.cost_profile or {}).items():
            initial[f"cost_{key}"] = share
        return initial


class ResumeForm(forms.Form):
    link = forms.CharField(
        label=_("Your private link (or the code at its end)"),
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off",
                                      "placeholder": "https://…/resume/…"}),
    )

    def clean_link(self) -> str:
        value = self.cleaned_data["link"].strip().rstrip("/")
        return value.rsplit("/", 1)[-1]


class PlanTargetsForm(forms.Form):
    """The firm's own target band per dimension; the plan follows it (issue 13).

    One optional choice per answered dimension below the top band: the bands from today's up to
    5. Choosing today's band leaves the dimension out of the plan; leaving it blank keeps the
    default (one band up on a top priority).
    """

    def __init__(self, *args, spec: FrameworkSpec, bands: dict[str, int | None],
                 targets: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        targets = targets or {}
        for key, dim in spec.dimensions.items():
            band = bands.get(key)
            if band is None or band >= 5:
                continue
            choices = [("", _("Default"))] + [
                (str(b), f"{b}: {dim.bands[b].title}" + (" (today)" if b == band else ""))
                for b in range(band, 6)
            ]
            self.fields[key] = forms.TypedChoiceField(
                label=dim.name, choices=choices, coerce=int, empty_value=None, required=False,
                initial=str(targets[key]) if key in targets else "",
                # The options depend on the dimension and today's band only: drawn once per
                # process and language, then the chosen target marked (issue 18).
                widget=StaticOptionsSelect(
                    attrs={"class": "form-select form-select-sm"},
                    options_key=f"plan-target:{spec.version}:{key}:{band}"),
            )

    def targets(self) -> dict[str, int]:
        return {key: value for key, value in self.cleaned_data.items() if value is not None}


class InviteForm(forms.ModelForm):
    """The lead invites one colleague: a role, and a name and an email if they like."""

    role = forms.ChoiceField(label=_("Their role"),
                             choices=[("", _("Choose their role")), *Respondent.Role.choices],
                             error_messages={"required": _("Choose their role.")})

    class Meta:
        model = Respondent
        fields = ["role", "name", "email"]
        help_texts = {"email": _("We email the link only if your own contact address is "
                                 "confirmed; otherwise copy the link and send it yourself.")}


AGREED_CHOICES = [*[(str(b), f"Band {b}") for b in range(6)],
                  (NOT_APPLICABLE, "Not applicable"), (DONT_KNOW, "Don't know")]


class AgreeForm(forms.Form):
    """The band the team agreed for one dimension, and why."""

    band = forms.ChoiceField(label=_("Agreed band"), choices=AGREED_CHOICES,
                             error_messages={"required": _("Choose the agreed band."),
                                             "invalid_choice": _("Choose a band from 0 to 5, "
                                                                 "not applicable or don't know.")})
    reason = forms.CharField(label=_("Why (optional)"), required=False,
                             max_length=EVIDENCE_MAX_LENGTH,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def agreed(self) -> Band:
        choice = self.cleaned_data["band"]
        return None if choice == NOT_APPLICABLE else UNKNOWN if choice == DONT_KNOW else int(choice)
