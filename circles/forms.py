"""Forms for residents' circle pages. They only shape input; the rules are in circles.services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from circles.models import ActivityKind, CircleKind, Rating
from places.models import Town, Venue


class CircleStartForm(forms.Form):
    name = forms.CharField(label=_("团队名称"), max_length=60)
    kind = forms.ChoiceField(label=_("类型"), choices=CircleKind.choices)
    town = forms.ModelChoiceField(label=_("所在乡镇/街道"), queryset=Town.objects.all())
    venue = forms.ModelChoiceField(
        label=_("常用活动地点"), queryset=Venue.objects.select_related("town"), required=False
    )
    meeting_pattern = forms.CharField(label=_("活动时间"), max_length=100, help_text=_("例如：每周三下午2点"))
    description = forms.CharField(label=_("团队简介"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    leader_name_public = forms.BooleanField(
        label=_("同意在团队页面上公开我的姓名"),
        required=False,
        help_text=_("不同意时只显示遮掩后的姓名，从不显示手机号。"),
    )


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.CharField(label=_("学时"), max_length=6, help_text=_("每次0.5到8学时。"))
    topic = forms.CharField(label=_("活动内容"), max_length=100)
    place = forms.CharField(label=_("地点"), max_length=100, required=False, help_text=_("留空则为团队常用活动地点。"))
    attendees = forms.MultipleChoiceField(
        label=_("到场成员"), required=False, widget=forms.CheckboxSelectMultiple, help_text=_("活动举行后再勾选。")
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = [(str(m.member_id), m.member.display_name) for m in members]
        self.fields["held_on"].initial = timezone.localdate()


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=ActivityKind.choices)
    occurred_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("标题"), max_length=100)
    text = forms.CharField(label=_("说明"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AssessmentForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    rating = forms.ChoiceField(label=_("评定等级"), choices=Rating.choices)
    note = forms.CharField(label=_("评语"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
