from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms

from learning.models import SECTIONS, CuratedItem, LearningExample, Stage
from partnerships.models import Partnership, Theme
from partnerships.roles import is_facilitator, led_partnership_ids

MARKDOWN_HELP = "You can use Markdown: **bold**, *italic*, lists starting with “- ”, and links. HTML is removed."
ANONYMITY_LABEL = "I confirm that no child, family or member of staff can be identified from this example."


class LearningExampleForm(forms.ModelForm):
    # The version the editor started from; a save from an older version is refused (optimistic locking).
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = LearningExample
        fields = [
            "title",
            "partnership",
            "themes",
            "stage",
            "summary",
            *[name for name, _ in SECTIONS],
            "contact_name",
            "contact_role",
            "contact_email",
        ]
        widgets = {
            "themes": forms.CheckboxSelectMultiple,
            "stage": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 4}),
            **{name: forms.Textarea(attrs={"rows": 6}) for name, _ in SECTIONS},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.fields["themes"].queryset = Theme.objects.all()
        self.fields["stage"].choices = Stage.choices
        partnership = self.fields["partnership"]
        # A draft needs only its title, so that nothing written is lost to validation: what submitting needs
        # (themes, summary and, from partnerships' leads, a stage and a named contact) is checked when the
        # example is submitted (learning.workflow.missing_for), and the submit page links back to each field.
        self.fields["themes"].required = False
        self.fields["summary"].required = False
        if not is_facilitator(user):
            # Leads write for their own partnerships only, and must pick one.
            partnership.queryset = Partnership.objects.filter(pk__in=led_partnership_ids(user)).order_by("name")
            partnership.required = True
            partnership.empty_label = None
            partnership.help_text = "The partnership this example comes from."
        else:
            partnership.queryset = Partnership.objects.order_by("name")
            partnership.empty_label = "None: a cross-cutting example from NCB"
            self.fields["stage"].choices = [("", "Not recorded"), *Stage.choices]
        for name in ["summary", *[name for name, _ in SECTIONS]]:
            self.fields[name].help_text = " ".join(filter(None, [self.fields[name].help_text, MARKDOWN_HELP]))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset("About the example", "title", "partnership", "themes", "stage", "summary"),
            Fieldset("The example", *[name for name, _ in SECTIONS]),
            Fieldset("Named contact", "contact_name", "contact_role", "contact_email"),
            "version",
            HTML(
                '<p class="small">Only the title is needed to save: the rest is needed before the example is '
                "submitted for review. Saving keeps a copy of every version.</p>"
            ),
            Submit("save", "Save"),
        )


class ConfirmAnonymityForm(forms.Form):
    anonymity_confirmed = forms.BooleanField(
        label=ANONYMITY_LABEL,
        error_messages={"required": "Confirm that no child, family or member of staff can be identified."},
    )

    def __init__(self, *args, button="Submit for review", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("anonymity_confirmed", Submit("confirm", button))


class ReturnForm(forms.Form):
    feedback = forms.CharField(
        label="Feedback for the partnership",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Say what needs to change before the example can be published. The lead sees this.",
        error_messages={"required": "Write the feedback the partnership needs to revise the example."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("feedback", Submit("return", "Return with feedback", css_class="btn-secondary"))


class UnpublishForm(forms.Form):
    reason = forms.CharField(
        label="Reason for unpublishing",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional. The partnership's leads see this.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("reason", Submit("unpublish", "Unpublish", css_class="btn-danger"))


class CuratedItemForm(forms.ModelForm):
    class Meta:
        model = CuratedItem
        # No "order": items are put in order with the list's move up / move down buttons; new ones go last.
        fields = ["theme", "kind", "group", "text", "source"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = f"{self.fields['text'].help_text} {MARKDOWN_HELP}"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("theme", "kind", "group", "text", "source", Submit("save", "Save"))
