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


class PartnershipContactForm(forms.ModelForm):
    """Who to ask about a partnership's work, kept by its leads and NCB's facilitators."""

    class Meta:
        model = Partnership
        fields = ["contact_name", "contact_role", "contact_email"]
        help_texts = {
            "contact_name": "The person visitors should ask about this partnership's work. Leave all three empty "
            "if there is nobody to name yet: the page then says no contact has been given.",
            "contact_role": "For example their job title and organisation.",
            "contact_email": "Shown on the partnership's public page.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # The server's error summary explains every problem at once; the browser's bubbles would not.
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Save the contact"))

    def clean(self):
        cleaned = super().clean()
        # A role or an address with no name would show as a contact nobody can ask for by name.
        if not cleaned.get("contact_name") and (cleaned.get("contact_role") or cleaned.get("contact_email")):
            self.add_error("contact_name", "Give the contact's name, or leave the role and email empty too.")
        return cleaned
