"""The annotate forms parse; the rules' errors come from the model, mapped onto fields."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from articles import models
from articles.forms import AnnotationCreateForm, AnnotationFieldsForm
from articles.services.annotations import AnnotationFields


def test_the_form_builds_the_fields_the_services_take():
    form = AnnotationFieldsForm(
        {
            "kind": "quote",
            "speaker": "Jane Roe",
            "new_speaker": "on",
            "tags": "Energy, energy , Oil",
            "note": " n ",
        }
    )
    assert form.is_valid()
    assert form.annotation_fields() == AnnotationFields(
        kind="quote",
        speaker_name="Jane Roe",
        new_speaker=True,
        verdict="",
        tag_names=["Energy", "Oil"],
        note="n",
    )


def test_a_speaker_left_over_from_another_kind_is_dropped():
    form = AnnotationFieldsForm({"kind": "highlight", "speaker": "Jane Roe"})
    assert form.is_valid() and form.annotation_fields().speaker_name == ""
    # Asked for as a new speaker, it is kept: the model then says only quotes have one.
    form = AnnotationFieldsForm({"kind": "highlight", "speaker": "Jane Roe", "new_speaker": "on"})
    assert form.is_valid() and form.annotation_fields().speaker_name == "Jane Roe"


def test_the_form_leaves_the_rules_to_the_model():
    # Neither a verdict on a quote nor an empty span is the form's to refuse.
    data = {"kind": "quote", "verdict": "true", "start": 5, "end": 3, "exact": "x"}
    assert AnnotationCreateForm(data).is_valid()
    # Types, required fields and choices are.
    form = AnnotationCreateForm({"kind": "rumour", "start": "a", "end": 3})
    assert not form.is_valid()
    assert set(form.errors) == {"kind", "start", "exact"}


def test_the_models_errors_land_on_their_fields():
    form = AnnotationCreateForm({"kind": "quote", "verdict": "true", "start": 0, "end": 1})
    form.is_valid()
    form.add_service_error(
        ValidationError(
            {
                "verdict": models.VERDICT_ONLY_FOR_CLAIMS,
                "author": "no such field on the form",
            }
        )
    )
    assert form.errors["verdict"] == [models.VERDICT_ONLY_FOR_CLAIMS]
    assert form.non_field_errors() == ["no such field on the form"]
    form.add_service_error(ValidationError("A plain message."))
    assert "A plain message." in form.non_field_errors()
