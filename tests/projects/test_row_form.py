"""The indicator row form shares its field objects between instances (speed) but not its field dict."""

from projects.forms import TOO_LONG_MESSAGE, IndicatorFormSet, IndicatorRowForm


def test_row_forms_share_fields_but_each_has_its_own_dict():
    first, second = IndicatorRowForm(), IndicatorRowForm()
    assert first.fields["level3"] is second.fields["level3"]
    first.fields["extra"] = object()
    assert "extra" not in second.fields and "extra" not in IndicatorRowForm.base_fields


def test_formset_adds_delete_to_each_form_only():
    formset = IndicatorFormSet(prefix="ind", initial=[{"level1": "a", "level2": "b", "level3": "c"}])
    assert "DELETE" in formset.forms[0].fields
    assert "DELETE" not in IndicatorRowForm.base_fields


def test_capped_row_fields_say_the_chinese_cap_message():
    capped = [field for field in IndicatorRowForm.base_fields.values() if getattr(field, "max_length", None)]
    assert capped and all(field.error_messages["max_length"] == TOO_LONG_MESSAGE for field in capped)
