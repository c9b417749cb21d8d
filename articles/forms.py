"""Forms that parse what editors post: types, required fields, choices.

The rules of an annotation are `Annotation.clean()`'s; the services check them and the forms
show their errors on the matching fields (`add_service_error`).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from articles.models import Annotation
from articles.services.annotations import AnnotationFields, parse_tag_names
from articles.services.speakers import parse_aliases


class AnnotationFieldsForm(forms.Form):
    """What an editor can set on an annotation, whether creating or editing it."""

    kind = forms.ChoiceField(choices=Annotation.Kind.choices, widget=forms.RadioSelect)
    speaker = forms.CharField(required=False, max_length=200)
    new_speaker = forms.BooleanField(required=False, label="New speaker")
    verdict = forms.ChoiceField(choices=[("", "—"), *Annotation.Verdict.choices], required=False)
    tags = forms.CharField(required=False, max_length=1000, help_text="Separate tags with commas.")
    note = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") != Annotation.Kind.QUOTE and not data.get("new_speaker"):
            # A speaker typed before switching kind is left over, not meant.
            data["speaker"] = ""
        data["tag_names"] = parse_tag_names(data.get("tags", ""))
        return data

    def annotation_fields(self) -> AnnotationFields:
        """What the editor set, for `annotation_create` or `annotation_update`."""
        data = self.cleaned_data
        return AnnotationFields(
            kind=data["kind"],
            speaker_name=data["speaker"],
            new_speaker=data["new_speaker"],
            verdict=data["verdict"],
            tag_names=data["tag_names"],
            note=data["note"],
        )

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's (or the model's) error on the matching field, or above the form."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)


class AnnotationCreateForm(AnnotationFieldsForm):
    """A new annotation: the span the browser computed, and its fields."""

    start = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    exact = forms.CharField(strip=False, max_length=100_000, widget=forms.HiddenInput)

    field_order = ["start", "end", "exact", "kind"]


class SpeakerForm(forms.Form):
    name = forms.CharField(max_length=200)
    aliases = forms.CharField(
        required=False, max_length=5000, help_text="Other names, separated by commas."
    )

    def clean_aliases(self) -> list[str]:
        return parse_aliases(self.cleaned_data["aliases"])


class SpeakerMergeForm(forms.Form):
    into = forms.CharField(max_length=200, label="Merge into")
