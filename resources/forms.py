from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from ea_portal.text import unique_slug
from partnerships.models import Theme
from resources.models import FAQ, NewsletterIssue, Resource
from resources.uploads import ALLOWED_DESCRIPTION, detect_file_type, max_upload_bytes, stored_name


def consent_statement():
    """What a subscriber agrees to (settings.NEWSLETTER_CONSENT_TEXT, which NCB must confirm), stored word for
    word with each sign-up as the record of it."""
    return settings.NEWSLETTER_CONSENT_TEXT


def form_helper(submit_label):
    helper = FormHelper()
    helper.form_tag = False
    helper.add_input(Submit("submit", submit_label))
    return helper


# Addresses of pages beside the items' own ("resources/new/", "resources/feed/...").
RESERVED_SLUGS = {"new", "feed", "downloads"}


def new_slug(queryset, text):
    return unique_slug(queryset, text, reserved=RESERVED_SLUGS, max_length=180)


class ResourceForm(forms.ModelForm):
    class Meta:
        model = Resource
        fields = ["title", "kind", "themes", "partnership", "description", "file", "external_url"]
        widgets = {"themes": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 6})}
        labels = {"external_url": "External address", "file": "File"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.detected_type = None
        limit = max_upload_bytes() // (1024 * 1024)
        self.fields[
            "file"
        ].help_text = f"{ALLOWED_DESCRIPTION}, up to {limit} MB. Give either a file or an external address, not both."
        self.fields["partnership"].empty_label = "None (an NCB resource)"
        self.helper = form_helper("Save resource")

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if isinstance(uploaded, UploadedFile):
            self.detected_type = detect_file_type(uploaded)
            # Renamed before the model sees it: the storage only ever gets the generated name.
            self.original_filename = uploaded.name
            uploaded.name = stored_name(self.detected_type)
        return uploaded

    def clean(self):
        cleaned = super().clean()
        has_file = bool(cleaned.get("file")) or (self.detected_type is not None)
        has_url = bool(cleaned.get("external_url"))
        if "file" in self.errors:
            return cleaned
        # Errors on the file field, so the summary links to it; a field with an error also keeps the model's own
        # check (resource_file_xor_external_url) from adding its raw constraint message beside this one.
        if has_file and has_url:
            self.add_error("file", "Give either a file or an external address, not both.")
        elif not has_file and not has_url:
            self.add_error("file", "Upload a file or give the resource's external address.")
        return cleaned

    def save(self, commit=True):
        resource = super().save(commit=False)
        if not resource.slug:
            resource.slug = new_slug(Resource.objects.all(), resource.title)
        uploaded = self.cleaned_data.get("file")
        if self.detected_type is not None:
            resource.original_filename = self.original_filename[:200]
            resource.content_type = self.detected_type.content_type
            resource.file_size = uploaded.size
        elif not uploaded:
            resource.original_filename = resource.content_type = ""
            resource.file_size = None
        if commit:
            resource.save()
            self.save_m2m()
        return resource


class FAQForm(forms.ModelForm):
    """A facilitator writing or answering a question."""

    class Meta:
        model = FAQ
        fields = ["theme", "question", "answer"]
        widgets = {"question": forms.Textarea(attrs={"rows": 3}), "answer": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, submit_label="Save", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].required = True
        self.fields["theme"].empty_label = "Choose a theme"
        self.fields["answer"].required = True
        self.helper = form_helper(submit_label)


class AskQuestionForm(forms.ModelForm):
    """A visitor's question for the facilitators' queue."""

    class Meta:
        model = FAQ
        fields = ["question", "asker_email"]
        # autocomplete lets browsers fill in the visitor's own details (WCAG 1.3.5).
        widgets = {
            "question": forms.Textarea(attrs={"rows": 4}),
            "asker_email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        labels = {"question": "Your question", "asker_email": "Your email address (optional)"}
        help_texts = {
            "question": "Please do not include anything that could identify a child, family or member of staff.",
            "asker_email": "Only to tell you when your question has been answered. It is never published.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper("Send question")


class NewsletterIssueForm(forms.ModelForm):
    class Meta:
        model = NewsletterIssue
        fields = ["subject", "body", "themes"]
        widgets = {"themes": forms.CheckboxSelectMultiple, "body": forms.Textarea(attrs={"rows": 14})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper("Save issue")

    def save(self, commit=True):
        issue = super().save(commit=False)
        if not issue.slug:
            issue.slug = unique_slug(
                NewsletterIssue.objects.all(), issue.subject, reserved=RESERVED_SLUGS, max_length=180
            )
        if commit:
            issue.save()
            self.save_m2m()
        return issue


class SignUpForm(forms.Form):
    # autocomplete lets browsers fill in the visitor's own details (WCAG 1.3.5).
    email = forms.EmailField(
        label="Email address", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    name = forms.CharField(
        label="Name (optional)", max_length=120, required=False, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    organisation = forms.CharField(
        label="Organisation (optional)",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    themes = forms.ModelMultipleChoiceField(
        label="Themes you are interested in",
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave them all unticked to hear about every theme.",
    )
    consent = forms.BooleanField(
        error_messages={"required": "Tick the box to agree to receive the newsletter, or you cannot sign up."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = consent_statement()
        self.helper = form_helper("Sign up")


class NewsletterSendForm(forms.Form):
    """Who a published issue is emailed to, each choice saying how many confirmed subscribers that is."""

    audience = forms.ChoiceField(label="Send it to", widget=forms.RadioSelect)

    def __init__(self, *args, themes, by_themes, everyone, **kwargs):
        super().__init__(*args, **kwargs)
        everyone_choice = ("all", f"Every confirmed subscriber: {everyone:,}")
        choices = [everyone_choice]
        if by_themes is not None:
            choices.insert(0, ("themes", f"Subscribers interested in {themes} or in every theme: {by_themes:,}"))
        self.fields["audience"].choices = choices
        self.fields["audience"].initial = choices[0][0]
        self.helper = form_helper("Send it now")
