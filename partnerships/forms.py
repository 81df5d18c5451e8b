"""Facilitators' small forms for the portal team's own text about partnerships and themes (the portal notes)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from partnerships.models import Partnership, Theme


class PortalNoteForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # The server's error summary explains every problem at once; the browser's bubbles would not.
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Save the portal note"))


class PartnershipNoteForm(PortalNoteForm):
    class Meta:
        model = Partnership
        fields = ["region", "summary"]
        labels = {"summary": "Portal note about this partnership"}
        help_texts = {
            "region": "Shown as the portal's: NCB's deck names no region.",
            "summary": "Plain text, shown labelled as written by the portal team. Leave empty for none.",
        }
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}


class ThemeNoteForm(PortalNoteForm):
    class Meta:
        model = Theme
        fields = ["description"]
        labels = {"description": "Portal note about this theme"}
        help_texts = {"description": "Plain text, shown labelled as written by the portal team. Leave empty for none."}
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
