"""Form widgets that draw long static choice lists once per process (issue 18)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

# A value no choice has, so that the options are drawn with none selected.
_NOTHING = "\x00"


class StaticOptionsSelect(forms.Select):
    """A select whose ``<option>`` list is rendered by Django's own templates once per process,
    language and ``options_key``, then reused with only the chosen value marked selected.

    The profile page draws about 530 options (countries, regions, currencies, sectors); drawing
    them through the template engine on every request was 43 % of a whole questionnaire's server
    time (issue 18). The HTML is byte for byte what ``forms.Select`` makes.
    """

    template_name = "readiness/widgets/static_options_select.html"
    _drawn: dict[tuple[str, str], str] = {}

    def __init__(self, *args: Any, options_key: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options_key = options_key

    def _options_html(self, renderer) -> str:
        key = (self.options_key, get_language() or "")
        html = self._drawn.get(key)
        if html is None:
            whole = forms.Select(choices=self.choices).render("n", _NOTHING, renderer=renderer)
            # Everything between the opening <select name="n"> and the closing </select>.
            html = whole[len('<select name="n">'):whole.rindex("</select>")]
            self._drawn[key] = html
        return html

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        # forms.Widget's context, without ChoiceWidget's per-option dictionaries.
        context = forms.Widget.get_context(self, name, value, attrs)
        html = self._options_html(getattr(self, "_renderer", None))
        for chosen in context["widget"]["value"][:1]:  # a single select marks its first match
            option = f'<option value="{escape(chosen)}">'
            html = html.replace(option, f'<option value="{escape(chosen)}" selected>', 1)
        context["widget"]["options_html"] = mark_safe(html)  # noqa: S308 (drawn by Django)
        return context

    def render(self, name, value, attrs=None, renderer=None):
        self._renderer = renderer
        return super().render(name, value, attrs, renderer)
