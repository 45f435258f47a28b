"""Nomination forms: a resident's self-nomination, a school's nomination of a resident (by phone number) and
of a project. Rules (dates, duplicates, who may nominate for which school) are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from honours.services import MAX_EVIDENCE_FILES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files in one input (Django's documented pattern); each is checked by the service."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _evidence():
    return EvidenceField(
        label=_("证明材料"),
        required=False,
        help_text=_("照片、获奖证书、报道等，PDF、JPG或PNG，每个不超过5MB，最多%(n)d个。") % {"n": MAX_EVIDENCE_FILES},
    )


class StarSelfForm(forms.Form):
    headline = forms.CharField(label=_("事迹标题"), max_length=60, help_text=_("一句话，如“退休教师义务教书法”。"))
    story = forms.CharField(label=_("主要事迹"), max_length=3000, widget=forms.Textarea(attrs={"rows": 8}))
    evidence = _evidence()
    name_consent = forms.BooleanField(
        label=_("我同意在公示和荣誉榜上公开我的姓名"),
        required=False,
        help_text=_("不勾选时，姓名中间的字以*代替，如“王*明”。手机号码任何时候都不公开。"),
    )


class StarStaffForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("推荐单位"), queryset=None, empty_label=None)
    phone = forms.CharField(
        label=_("被推荐人手机号"), max_length=20, help_text=_("被推荐人须已在本网注册；手机号不会公开。")
    )
    headline = forms.CharField(label=_("事迹标题"), max_length=60, help_text=_("一句话，如“返乡种梨带动乡亲学电商”。"))
    story = forms.CharField(label=_("主要事迹"), max_length=3000, widget=forms.Textarea(attrs={"rows": 8}))
    evidence = _evidence()
    name_consent = forms.BooleanField(
        label=_("被推荐人同意公开姓名"),
        required=False,
        help_text=_("请先征得本人同意；不勾选时，公示和荣誉榜上姓名中间的字以*代替。"),
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers


class BrandForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("推荐单位"), queryset=None, empty_label=None)
    project_name = forms.CharField(label=_("项目名称"), max_length=60, help_text=_("如“渔阳书香”读书会。"))
    headline = forms.CharField(label=_("事迹标题"), max_length=60, help_text=_("一句话，公示和荣誉榜上显示。"))
    description = forms.CharField(label=_("项目简介"), max_length=3000, widget=forms.Textarea(attrs={"rows": 6}))
    outcomes = forms.CharField(label=_("项目成效"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    evidence = _evidence()

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
