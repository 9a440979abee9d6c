"""Forms: one validation path for a programme record, whether it comes from the fixtures, a
CSV/XLSX import or the admin; and the directory's filter form."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from programmes.models import CostToFirm, Institution, Kind, Programme, Status
from readiness.framework import CURRENT_VERSION, load_framework
from readiness.reference import ISIC_DIVISIONS, country_choices, is_country, is_currency
from readiness.reference import normalise_region as reference_normalise_region

LIST_SEPARATOR = ";"


def split_list(value: Any) -> list[str]:
    """A list from a JSON list or a ';'-separated cell; blanks dropped, order kept."""
    if value is None:
        return []
    if isinstance(value, str):
        items: Iterable[Any] = value.split(LIST_SEPARATOR)
    elif isinstance(value, list | tuple):
        items = value
    else:
        raise ValidationError(_("Give a list, or values separated by ';'."), code="not_a_list")
    return [str(item).strip() for item in items if str(item).strip()]


class ListField(forms.Field):
    """A list of strings, each checked by ``check`` (which returns the canonical value)."""

    def __init__(self, *, check=None, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.check = check

    widget = forms.TextInput

    def prepare_value(self, value: Any) -> Any:
        return "; ".join(str(v) for v in value) if isinstance(value, list | tuple) else value

    def to_python(self, value: Any) -> list[str]:
        items = split_list(value)
        if self.check is None:
            return items
        cleaned, bad = [], []
        for item in items:
            try:
                cleaned.extend(self.check(item))
            except ValidationError:
                bad.append(item)
        if bad:
            raise ValidationError(
                _("Not valid here: %(values)s."), code="invalid_item",
                params={"values": ", ".join(bad)},
            )
        return list(dict.fromkeys(cleaned))

    def validate(self, value: list[str]) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")


def _country(item: str) -> list[str]:
    if not is_country(item):
        raise ValidationError("bad country")
    return [item.upper()]


def _sector(item: str) -> list[str]:
    # "10-33" is shorthand for a range of divisions, e.g. all of manufacturing.
    if "-" in item:
        low, _sep, high = item.partition("-")
        # Divisions have two digits: anything longer is refused before the range is expanded,
        # so "0-99999999" costs nothing instead of building a list of 10^8 codes (F13).
        low, high = low.strip(), high.strip()
        if not (low.isdigit() and high.isdigit() and len(low) <= 2 and len(high) <= 2):
            raise ValidationError("bad range")
        divisions = [f"{n:02d}" for n in range(int(low), int(high) + 1)]
        if not divisions or any(d not in ISIC_DIVISIONS for d in (divisions[0], divisions[-1])):
            raise ValidationError("bad range")
        return [d for d in divisions if d in ISIC_DIVISIONS]
    code = item.zfill(2)
    if code not in ISIC_DIVISIONS:
        raise ValidationError("bad sector")
    return [code]


def _kind(item: str) -> list[str]:
    if item not in Kind.values:
        raise ValidationError("bad kind")
    return [item]


def _dimension(item: str) -> list[str]:
    if item not in load_framework(CURRENT_VERSION).dimensions:
        raise ValidationError("bad dimension")
    return [item]


def _currency(value: str) -> str:
    if value and not is_currency(value):
        raise ValidationError(_("%(value)s is not an ISO 4217 currency code."), code="currency",
                              params={"value": value})
    return value.upper()


class OtherSourcesField(forms.Field):
    """Further sources as a list of {"title", "url"}: a JSON list in a spreadsheet cell."""

    def to_python(self, value: Any) -> list[dict[str, str]]:
        if value in (None, "", []):
            return []
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except (ValueError, RecursionError) as error:
                # RecursionError: a cell of "[[[[..." nested deeper than the parser's stack (F13).
                raise ValidationError(_('Give a JSON list like [{"title": ..., "url": ...}].'),
                                      code="json") from error
        if not isinstance(value, list) or not all(
            isinstance(item, dict) and isinstance(item.get("title"), str) and item["title"]
            for item in value
        ):
            raise ValidationError(_("Each further source needs a title (and may have a url)."),
                                  code="sources")
        cleaned = []
        for item in value:
            url = str(item.get("url") or "")
            if url:
                URLValidator()(url)
            cleaned.append({"title": item["title"].strip(), "url": url})
        return cleaned


class JSONCellField(forms.Field):
    """A JSON list (or object) given as such in a fixture or as JSON text in a spreadsheet cell.

    Only the shape is checked here; what each entry must hold is checked once, by
    ``Programme.clean()``.
    """

    def __init__(self, *, shape: type = list, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.shape = shape

    def prepare_value(self, value: Any) -> Any:
        return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value

    def to_python(self, value: Any) -> Any:
        if value in (None, "", [], {}):
            return self.shape()
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError as error:
                raise ValidationError(_("Give valid JSON."), code="json") from error
            if value is None:
                return self.shape()
        if not isinstance(value, self.shape):
            raise ValidationError(
                _("Give a JSON list.") if self.shape is list else _("Give a JSON object."),
                code="json_shape",
            )
        return value


# The fields of the format programmes/2 (see docs/programmes.md): all optional.
STATUS_FIELDS = ("status", "status_checked_on", "status_source", "regional_status",
                 "primary_kind", "cost_to_firm", "official_name", "rounds", "predecessor",
                 "successor", "tiers", "delivery", "sme_rule", "sources")


class ProgrammeRowForm(forms.Form):
    """One programme record in its flat form (fixture entry, spreadsheet row)."""

    slug = forms.SlugField(max_length=80)
    name = forms.CharField(max_length=200)
    country = forms.CharField(max_length=2)
    summary = forms.CharField(max_length=300)
    description = forms.CharField(required=False)
    institutions = ListField()
    kinds = ListField(check=_kind, required=True)
    amount_max = forms.DecimalField(required=False, min_value=0, max_digits=18, decimal_places=2)
    amount_currency = forms.CharField(required=False, max_length=3)
    match_rate_percent = forms.IntegerField(required=False, min_value=0, max_value=100)
    budget_note = forms.CharField(required=False, max_length=300)
    eligible_countries = ListField(check=_country)
    eligible_regions = ListField()
    eligible_sectors = ListField(check=_sector)
    # The model's PositiveIntegerField holds at most 2^31 - 1 on every database (F13).
    min_employees = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    max_employees = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    max_turnover = forms.DecimalField(required=False, min_value=0, max_digits=18,
                                      decimal_places=2)
    max_turnover_currency = forms.CharField(required=False, max_length=3)
    size_rule = forms.ChoiceField(choices=Programme.SizeRule.choices, required=False)
    firm_types = ListField()
    dimensions = ListField(check=_dimension)
    min_band = forms.IntegerField(required=False, min_value=0, max_value=5)
    max_band = forms.IntegerField(required=False, min_value=0, max_value=5)
    opens_on = forms.DateField(required=False)
    closes_on = forms.DateField(required=False)
    how_to_apply = forms.CharField(required=False)
    apply_url = forms.URLField(required=False, assume_scheme="https")
    source_title = forms.CharField(max_length=300)
    source_url = forms.URLField(required=False, max_length=500, assume_scheme="https")
    facts_as_of = forms.DateField()
    other_sources = OtherSourcesField(required=False)
    assumptions = forms.CharField(required=False)
    status = forms.ChoiceField(choices=Status.choices, required=False)
    status_checked_on = forms.DateField(required=False)
    status_source = JSONCellField(shape=dict)
    regional_status = JSONCellField()
    primary_kind = forms.ChoiceField(choices=Kind.choices, required=False)
    cost_to_firm = forms.ChoiceField(choices=CostToFirm.choices, required=False)
    official_name = forms.CharField(required=False, max_length=300)
    rounds = JSONCellField()
    predecessor = forms.SlugField(required=False, max_length=80)
    successor = forms.SlugField(required=False, max_length=80)
    tiers = JSONCellField()
    delivery = JSONCellField()
    sme_rule = forms.CharField(required=False, max_length=8)
    sources = JSONCellField()

    def __init__(self, *args, known_institutions: Iterable[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Institutions named by the same load count as known even before they are written.
        self.known_institutions = set(known_institutions or ())

    def clean_country(self) -> str:
        return _country_value(self.cleaned_data["country"])

    def clean_amount_currency(self) -> str:
        return _currency(self.cleaned_data["amount_currency"])

    def clean_max_turnover_currency(self) -> str:
        return _currency(self.cleaned_data["max_turnover_currency"])

    def clean_size_rule(self) -> str:
        return self.cleaned_data["size_rule"] or Programme.SizeRule.ALL

    def clean_institutions(self) -> list[str]:
        slugs = self.cleaned_data["institutions"]
        known = self.known_institutions | set(
            Institution.objects.filter(slug__in=slugs).values_list("slug", flat=True)
        )
        unknown = [s for s in slugs if s not in known]
        if unknown:
            raise ValidationError(_("Unknown institution: %(slugs)s."), code="institution",
                                  params={"slugs": ", ".join(unknown)})
        return slugs

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("min_band") is None:
            data["min_band"] = 0
        if data.get("max_band") is None:
            data["max_band"] = 5
        data["status"] = data.get("status") or Status.UNKNOWN
        if not data.get("primary_kind") and data.get("kinds"):
            data["primary_kind"] = data["kinds"][0]
        if "eligible_regions" in data and "country" in data:
            data["eligible_regions"] = self._clean_regions(data)
        known = self.known_institutions | set(Institution.objects.values_list("slug", flat=True))
        unknown = [e.get("institution") for e in data.get("delivery") or []
                   if isinstance(e, dict) and e.get("institution") not in known]
        if unknown:
            self.add_error("delivery", ValidationError(
                _("Unknown delivering institution: %(slugs)s."), code="institution",
                params={"slugs": ", ".join(map(str, unknown))}))
        self._validate_with_model(data)
        return data

    def _validate_with_model(self, data: dict[str, Any]) -> None:
        """The record's own rules live in ``Programme.clean()``; apply them to this row too."""
        names = {f.name for f in Programme._meta.concrete_fields}
        values = {k: v for k, v in data.items() if k in names and k not in self.errors}
        for text in ("description", "amount_currency", "budget_note", "max_turnover_currency",
                     "how_to_apply", "apply_url", "source_url", "assumptions", "cost_to_firm",
                     "official_name", "predecessor", "successor", "sme_rule", "primary_kind"):
            if text in values:
                values[text] = values[text] or ""
        instance = Programme(**values)
        instance.pending_kinds = data.get("kinds") if "kinds" not in self.errors else None
        try:
            instance.clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)

    def _clean_regions(self, data: dict[str, Any]) -> list[str]:
        countries = data.get("eligible_countries") or [data["country"]]
        cleaned, bad = [], []
        for region in data["eligible_regions"]:
            found = next(
                (r for c in countries if (r := reference_normalise_region(c, region))), None
            )
            if found:
                cleaned.append(found)
            else:
                bad.append(region)
        if bad:
            self.add_error("eligible_regions", ValidationError(
                _("Not a region of %(countries)s: %(regions)s."), code="region",
                params={"countries": ", ".join(countries), "regions": ", ".join(bad)},
            ))
        return cleaned


def _country_value(value: str) -> str:
    if not is_country(value):
        raise ValidationError(_("%(value)s is not an ISO 3166-1 alpha-2 country code."),
                              code="country", params={"value": value})
    return value.upper()


class InstitutionRowForm(forms.ModelForm):
    class Meta:
        model = Institution
        fields = ["slug", "name", "country", "url", "contact_url", "description", "renamed"]

    def clean_renamed(self) -> list[dict[str, str]]:
        renamed = self.cleaned_data.get("renamed") or []
        if not isinstance(renamed, list) or not all(
            isinstance(r, dict) and str(r.get("name") or "").strip() for r in renamed
        ):
            raise ValidationError(_('Give former names as [{"name": ..., "until": '
                                    '"YYYY-MM-DD"}].'), code="renamed")
        for entry in renamed:
            if entry.get("until"):
                try:
                    datetime.date.fromisoformat(str(entry["until"]))
                except ValueError as error:
                    raise ValidationError(_("%(value)s is not a date (YYYY-MM-DD)."),
                                          code="renamed_until",
                                          params={"value": entry["until"]}) from error
        return renamed

    def clean_country(self) -> str:
        value = self.cleaned_data["country"]
        return _country_value(value) if value else ""


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind of support"), required=False, choices=[("", _("Any kind")), *Kind.choices]
    )
    open_now = forms.BooleanField(label=_("Open now"), required=False)

    def __init__(self, *args, countries: Iterable[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        names = dict(country_choices())
        self.fields["country"].choices = [("", _("Any country"))] + [
            (code, names.get(code, code)) for code in countries
        ]
        self.fields["q"].widget.attrs.update({"class": "form-control", "type": "search",
                                              "placeholder": _("Name, topic or institution")})
        self.fields["country"].widget.attrs["class"] = "form-select"
        self.fields["kind"].widget.attrs["class"] = "form-select"
        self.fields["open_now"].widget.attrs["class"] = "form-check-input"


class ProgrammeAdminForm(forms.ModelForm):
    """The admin's form: lists as ';'-separated text, checked like an imported row."""

    eligible_countries = ListField(check=_country, help_text=_(
        "ISO codes separated by ';', e.g. GB; empty means any country."))
    eligible_regions = ListField(help_text=_(
        "GB: ITL1 region names; US: state codes; elsewhere ISO 3166-2 codes. Empty: anywhere."))
    eligible_sectors = ListField(check=_sector, help_text=_(
        "ISIC divisions separated by ';'; '10-33' means all of manufacturing. Empty: any."))
    firm_types = ListField(help_text=_("Other conditions, separated by ';'."))
    dimensions = ListField(check=_dimension, help_text=_(
        "Framework dimension keys it works on, separated by ';'."))

    class Meta:
        model = Programme
        fields = [name for name in ProgrammeRowForm.base_fields if name != "other_sources"] + [
            "other_sources"
        ]

    def clean_country(self) -> str:
        return _country_value(self.cleaned_data["country"])

    def clean_amount_currency(self) -> str:
        return _currency(self.cleaned_data["amount_currency"])

    def clean_max_turnover_currency(self) -> str:
        return _currency(self.cleaned_data["max_turnover_currency"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "eligible_regions" in data and "country" in data:
            data["eligible_regions"] = ProgrammeRowForm._clean_regions(self, data)
        # Programme.clean() (run next, by the model form) checks the primary kind against the
        # kinds being saved, which the unsaved many-to-many relation cannot tell it.
        if "kinds" in data:
            keys = [k.key for k in data["kinds"]]
            self.instance.pending_kinds = keys
            if not data.get("primary_kind") and keys:
                data["primary_kind"] = keys[0]
        return data
