"""Forms that parse what editors post: types, required fields, choices.

The rules of an annotation are `Annotation.clean()`'s; the services check them and the forms
show their errors on the matching fields (`add_service_error`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.urls import reverse

from articles.importing.parsers.archives import ImportLimits, SourceEntry, upload_size_error
from articles.models import Annotation, Outlet, Tag
from articles.services.annotations import (
    AnnotationFields,
    Span,
    parse_source_urls,
    parse_tag_names,
)
from articles.services.speakers import parse_aliases


class AnnotationFieldsForm(forms.Form):
    """What an editor can set on an annotation, whether creating or editing it."""

    kind = forms.ChoiceField(choices=Annotation.Kind.choices, widget=forms.RadioSelect)
    speaker = forms.CharField(required=False, max_length=200)
    new_speaker = forms.BooleanField(required=False, label="New speaker")
    verdict = forms.ChoiceField(choices=[("", "—"), *Annotation.Verdict.choices], required=False)
    claimant = forms.CharField(required=False, max_length=200)
    new_claimant = forms.BooleanField(required=False, label="New speaker")
    sources = forms.CharField(
        required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 2})
    )
    tags = forms.CharField(required=False, max_length=1000, help_text="Separate tags with commas.")
    note = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("kind") != Annotation.Kind.QUOTE and not data.get("new_speaker"):
            # A speaker typed before switching kind is left over, not meant.
            data["speaker"] = ""
        if data.get("kind") != Annotation.Kind.CLAIM:
            # As the speaker: a claim's fields typed before switching kind are left over.
            data.update(claimant="", new_claimant=False, sources="")
        data["tag_names"] = parse_tag_names(data.get("tags", ""))
        try:
            data["source_urls"] = parse_source_urls(data.get("sources", ""))
        except ValidationError as error:
            self.add_error("sources", error)
        return data

    def annotation_fields(self) -> AnnotationFields:
        """What the editor set, for `annotation_create` or `annotation_update`."""
        data = self.cleaned_data
        return AnnotationFields(
            kind=data["kind"],
            speaker_name=data["speaker"],
            new_speaker=data["new_speaker"],
            verdict=data["verdict"],
            claimant_name=data["claimant"],
            new_claimant=data["new_claimant"],
            sources=tuple(data["source_urls"]),
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


class AnnotationEditForm(AnnotationFieldsForm):
    """An annotation edited: its fields, and its span when the editor resized it (the
    handles fill start, end and exact; all three or none)."""

    start = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    exact = forms.CharField(
        strip=False, required=False, max_length=100_000, widget=forms.HiddenInput
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        given = [data.get(f) not in (None, "") for f in ("start", "end", "exact")]
        if any(given) and not all(given):
            self.add_error(None, "The new span came incomplete: select it again.")
        return data

    def span(self) -> Span | None:
        """The resized span, or None: the span stays."""
        data = self.cleaned_data
        if data.get("start") is None or not data.get("exact"):
            return None
        return Span(start=data["start"], end=data["end"], exact=data["exact"])


class SpeakerForm(forms.Form):
    name = forms.CharField(max_length=200)
    aliases = forms.CharField(
        required=False, max_length=5000, help_text="Other names, separated by commas."
    )

    def clean_aliases(self) -> list[str]:
        return parse_aliases(self.cleaned_data["aliases"])


class SpeakerMergeForm(forms.Form):
    into = forms.CharField(max_length=200, label="Merge into")


class AnnotationFilter(forms.Form):
    """Which marks the reader wants to see; anything invalid is simply not applied."""

    kind = forms.ChoiceField(choices=Annotation.Kind.choices, required=False)
    tag = forms.SlugField(required=False)
    speaker = forms.SlugField(required=False)

    def values(self) -> dict[str, str]:
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class ClaimFilter(forms.Form):
    # "none": the claims no editor has judged yet (stored as the empty verdict).
    NO_VERDICT = "none"
    verdict = forms.ChoiceField(
        choices=[*Annotation.Verdict.choices, (NO_VERDICT, "No verdict yet")], required=False
    )

    def chosen(self) -> str | None:
        """The verdict to show ("" for no verdict yet), None for every claim or an
        unknown choice (`is_valid()` tells which)."""
        if not self.is_valid() or not self.cleaned_data["verdict"]:
            return None
        verdict = self.cleaned_data["verdict"]
        return "" if verdict == self.NO_VERDICT else verdict


class HubOrder(forms.Form):
    """The topics and speakers indexes: most used first, or A–Z; `q` narrows the speakers."""

    sort = forms.ChoiceField(choices=[("", "Most used"), ("name", "A–Z")], required=False)
    q = forms.CharField(max_length=200, required=False, strip=True)

    def by_name(self) -> bool:
        return self.is_valid() and self.cleaned_data["sort"] == "name"

    def term(self) -> str:
        return " ".join(self.cleaned_data["q"].split()) if self.is_valid() else ""


class TagPageFilter(forms.Form):
    """A tag's page shows its stories, or one kind of its annotations."""

    kind = forms.ChoiceField(choices=Annotation.Kind.choices, required=False)

    def chosen(self) -> str:
        return self.cleaned_data["kind"] if self.is_valid() else ""


class SearchForm(forms.Form):
    q = forms.CharField(label="Search stories", max_length=200, required=False, strip=True)
    outlet = forms.SlugField(required=False)
    tag = forms.SlugField(required=False)
    speaker = forms.SlugField(required=False)
    kind = forms.ChoiceField(choices=Annotation.Kind.choices, required=False)
    since = forms.DateField(label="From", required=False)
    until = forms.DateField(label="To", required=False)

    def narrowing(self) -> dict:
        """The valid facet choices; an invalid one is reported and left out, never a 500."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value and name != "q"}


class DeskFilterForm(forms.Form):
    """The desk's filters, as GET parameters, applied to every section; a bad value is
    reported on its field (the desk then lists nothing rather than guess)."""

    outlet = forms.ModelChoiceField(
        queryset=Outlet.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="All outlets",
        error_messages={"invalid_choice": "There is no such outlet."},
    )
    tag = forms.CharField(required=False, max_length=100, help_text="A tag's name.")
    since = forms.DateField(label="Published from", required=False)
    until = forms.DateField(label="Published until", required=False)
    mine = forms.BooleanField(
        label="Only mine", required=False, help_text="Articles you imported or annotated."
    )

    def clean_tag(self) -> Tag | None:
        name = " ".join(self.cleaned_data["tag"].split())
        if not name:
            return None
        # One query: the tag by its name (as PostgreSQL compares names) or by its slug.
        tag = Tag.objects.filter(Q(name__iexact=name) | Q(slug=name)).order_by("pk").first()
        if tag is None:
            raise ValidationError(f"There is no tag called “{name}”.")
        return tag

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date is before the start date.")
        return data


class IdListField(forms.Field):
    """Several ids under one name (`?ids=1&ids=2`), distinct, as whole numbers."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        try:
            ids = sorted({int(v) for v in value})
        except (TypeError, ValueError):
            raise ValidationError("Suggestions are chosen by their number.") from None
        if ids[0] < 1:
            raise ValidationError("Suggestions are chosen by their number.")
        return ids


class DeskBulkForm(forms.Form):
    """Suggestions chosen on the desk, and what to do with them."""

    MAX_CHOSEN = 500
    action = forms.ChoiceField(
        choices=[("accept", "Accept"), ("reject", "Reject")],
        error_messages={"required": "Say whether to accept or reject them."},
    )
    ids = IdListField(error_messages={"required": "Choose at least one suggestion."})

    def clean_ids(self) -> list[int]:
        ids = self.cleaned_data["ids"]
        if len(ids) > self.MAX_CHOSEN:
            raise ValidationError(f"Choose at most {self.MAX_CHOSEN} suggestions at a time.")
        return ids


class SuggestionEditForm(forms.Form):
    """The suggestion as the editor corrects it: its words, its speaker, a note."""

    text = forms.CharField(
        label="Quote",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Trim or extend the words; they must appear in the article.",
    )
    speaker = forms.CharField(
        label="Speaker",
        required=False,
        max_length=200,
        help_text="An existing speaker's name or alias, or a new name. Empty for none.",
    )
    tags = forms.CharField(
        label="Tags",
        required=False,
        max_length=1000,
        help_text="Comma-separated; new ones are created.",
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # Where the handles put the span (static/js/resize.js); without them, the words decide.
    start = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, suggestion: Annotation, **kwargs) -> None:
        self.suggestion = suggestion
        kwargs.setdefault(
            "initial",
            {
                "text": suggestion.exact,
                "speaker": suggestion.speaker.name
                if suggestion.speaker
                else suggestion.proposed_speaker,
                "note": suggestion.note,
            },
        )
        # Several suggestions can be edited on one page: keep their field ids apart.
        kwargs.setdefault("auto_id", f"id_%s_{suggestion.pk}")
        super().__init__(*args, **kwargs)
        # The annotating feature's speaker autocomplete fills the datalist as one types.
        self.fields["speaker"].widget.attrs |= {
            "list": f"speaker-options-{suggestion.pk}",
            "autocomplete": "off",
            "hx-get": reverse("articles:speaker_autocomplete"),
            "hx-trigger": "input changed delay:200ms",
            "hx-target": f"#speaker-options-{suggestion.pk}",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
        }
        self.fields["tags"].widget.attrs |= {
            "list": f"tag-options-{suggestion.pk}",
            "autocomplete": "off",
            "hx-get": reverse("articles:tag_autocomplete"),
            "hx-trigger": "input changed delay:200ms",
            "hx-target": f"#tag-options-{suggestion.pk}",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
        }

    def clean_tags(self) -> list[str]:
        return parse_tag_names(self.cleaned_data["tags"])

    def clean_text(self) -> str:
        return self.cleaned_data["text"].replace("\r\n", "\n")

    def span(self) -> tuple[int, int] | None:
        """The span to accept: the handles' start and end where they hold the words typed
        (whitespace compared collapsed: the page shows no paragraph breaks), else where the
        words occur nearest the suggestion."""
        data = self.cleaned_data
        text, start, end = data["text"], data.get("start"), data.get("end")
        body = self.suggestion.article.body
        if start is not None and end is not None and start < end <= len(body):
            same = " ".join(body[start:end].split()) == " ".join(text.split())
            return (start, end) if same else self.span_of(text)
        return self.span_of(text)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "text" in data and self.span() is None:
            self.add_error(
                "text", "These words are not in the article. Edit within the article's own text."
            )
        return data

    def span_of(self, text: str) -> tuple[int, int] | None:
        """Where `text` occurs in the body, the occurrence nearest the suggestion winning."""
        body, origin = self.suggestion.article.body, self.suggestion.start
        best, at = None, 0
        while (found := body.find(text, at)) >= 0:
            if best is not None and found - origin >= abs(best - origin):
                break  # later occurrences are only further away
            best, at = found, found + 1
        return None if best is None else (best, best + len(text))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; empty files pass so they get a record and a reason."""

    widget = MultipleFileInput

    def __init__(self, **kwargs) -> None:
        super().__init__(allow_empty_file=True, **kwargs)

    def clean(self, data, initial=None) -> list[UploadedFile]:
        if isinstance(data, list | tuple):
            if not data and self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class ApiTokenForm(forms.Form):
    """A user names a new API token on their tokens page."""

    name = forms.CharField(
        max_length=100,
        label="What is it for?",
        help_text="E.g. “CMS import” or “research export”; only you and staff see it.",
        error_messages={"required": "Name the token: what it is for, e.g. “CMS import”."},
    )


class SourceFilesImportForm(forms.Form):
    """The admin's import page: source files and .zip archives, several at once."""

    # The form's metaclass moves declared fields into `base_fields`: `self.files` stays the
    # uploads, which django-stubs cannot tell.
    files = MultipleFileField(  # type: ignore[assignment]  # a field, not BaseForm.files
        label="Source files",
        help_text="Text files in the newsreader export layout, or .zip archives of them. "
        "Select several at once.",
        error_messages={"required": "Choose at least one file to import."},
    )

    def uploads(self, limits: ImportLimits) -> Iterator[tuple[str, bytes] | SourceEntry]:
        """The chosen files, each read only when its turn comes and only if within limits."""
        for upload in self.cleaned_data["files"]:
            name = upload.name or "unnamed"
            error = upload_size_error(name, upload.size or 0, limits)
            yield SourceEntry(name, b"", error) if error else (name, upload.read())


class ArticleCorrectForm(forms.Form):
    """*Correct the text*: the whole body, why, and what readers are told."""

    body = forms.CharField(
        label="Text",
        strip=False,
        max_length=2_000_000,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true"}),
    )
    reason = forms.CharField(
        label="Reason (kept with the version, for editors)",
        max_length=300,
        error_messages={"required": "Say why the text changes: the reason is kept with it."},
    )
    note = forms.CharField(
        label="Public correction note (optional, shown at the top of the article)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class VersionsForm(forms.Form):
    """The versions page's pair to compare: two version numbers (defaults: the last two)."""

    a = forms.IntegerField(min_value=1, required=False)
    b = forms.IntegerField(min_value=1, required=False)


class ReviewSpanForm(forms.Form):
    """*Select a new span* for an annotation in review: the words the editor selected in the
    current text (offsets filled in by static/js/review.js), or, without JavaScript, the
    words typed, found where they stand once."""

    start = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    exact = forms.CharField(
        label="Words in the current text",
        strip=False,
        max_length=100_000,
        error_messages={"required": "Select the words in the current text (or type them)."},
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if (start is None) != (end is None) or (start is not None and end <= start):
            # Half a selection: fall back to the words alone.
            data["start"] = data["end"] = None
        return data
