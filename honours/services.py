"""Writes for stars and brands: nominating (by a school's staff or oneself), withdrawing, the guidance
centre's review (shortlist / reject, audit-logged) and the award after the public notice closes.

HackSoft style: keyword-only, one transaction each. Refusals raise HonoursRefused with a machine code and a
Chinese message; nothing is stored when a request is refused (evidence files are checked before anything
is written). Audit entries carry ids and statuses, never names or phone numbers.
"""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from accounts.models import User
from accounts.phone import normalise_phone
from accounts.roles import is_centre_staff
from core.refusals import Refused
from courses.models import ProviderPage
from courses.selectors import providers_for_user
from honours.models import (
    HonourKind,
    HonourRound,
    Nomination,
    NominationEvidence,
    NominationStatus,
    RoundPhase,
)
from records.services import RecordsRefused, check_evidence

MAX_EVIDENCE_FILES = 5

# action id → (label, message), registered with Wagtail's log (honours/wagtail_hooks.py) so they appear in the
# centre's audit log beside every other staff action.
AUDIT_ACTIONS = {
    "jizhou.honours.shortlist": (gettext_lazy("推荐入围公示"), gettext_lazy("推荐审核通过，入围公示")),
    "jizhou.honours.reject": (gettext_lazy("推荐未入围"), gettext_lazy("推荐审核未通过")),
    "jizhou.honours.award": (gettext_lazy("学习之星/品牌表彰"), gettext_lazy("公示期满，予以表彰")),
    "jizhou.honours.withdraw": (gettext_lazy("撤回推荐"), gettext_lazy("撤回推荐")),
}


class HonoursRefused(Refused):
    STATUS = {
        "not_found": 404,
        "forbidden": 403,
        "no_such_person": 400,
        "closed": 409,
        "duplicate": 409,
        "invalid_state": 409,
        "too_early": 409,
        "invalid": 400,
        "evidence_type": 400,
        "evidence_too_large": 400,
    }


def _audit(*, instance, action: str, user, data: dict, title: str) -> None:
    log(instance=instance, action=action, user=user, data=data, title=title)


def _round_open(round_id: int, today: datetime.date) -> HonourRound:
    honour_round = HonourRound.objects.filter(pk=round_id).first()
    if honour_round is None:
        raise HonoursRefused("not_found", _("没有找到这一推选。"))
    if honour_round.phase(today) != RoundPhase.NOMINATING:
        raise HonoursRefused(
            "closed",
            _("“%(title)s”的推荐时间为%(opens)s至%(closes)s，现在不能推荐。")
            % {
                "title": honour_round.title,
                "opens": honour_round.nomination_opens.isoformat(),
                "closes": honour_round.nomination_closes.isoformat(),
            },
        )
    return honour_round


def _checked_evidence(files: list[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    files = [f for f in files or [] if f]
    if len(files) > MAX_EVIDENCE_FILES:
        raise HonoursRefused("invalid", _("证明材料最多上传%(n)d个文件。") % {"n": MAX_EVIDENCE_FILES})
    checked = []
    for upload in files:
        try:
            checked.append((upload, check_evidence(upload)))
        except RecordsRefused as refusal:
            raise HonoursRefused(refusal.code, refusal.message) from refusal
    return checked


def _text(value: str, *, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise HonoursRefused("invalid", _("请填写%(field)s。") % {"field": label})
    if len(value) > max_length:
        raise HonoursRefused("invalid", _("%(field)s不能超过%(n)d个字。") % {"field": label, "n": max_length})
    return value


def _save(nomination: Nomination, evidence: list[tuple[UploadedFile, str]]) -> Nomination:
    try:
        with transaction.atomic():
            nomination.save()
            for upload, extension in evidence:
                item = NominationEvidence(nomination=nomination, original_name=(upload.name or "")[:200])
                item.file.save(f"{uuid.uuid4().hex}.{extension}", upload, save=False)
                item.save()
    except IntegrityError:
        # Two submissions at once: the unique constraint decides; the loser is told as if checked first.
        raise HonoursRefused("duplicate", _("本年度已经推荐过，不能重复推荐。")) from None
    return nomination


def _resident_by_phone(raw_phone: str) -> User:
    try:
        phone = normalise_phone(raw_phone or "")
    except ValidationError:
        raise HonoursRefused("no_such_person", _("请输入以1开头的11位中国大陆手机号。")) from None
    nominee = User.objects.filter(phone=phone, is_active=True).first()
    if nominee is None:
        raise HonoursRefused("no_such_person", _("没有找到使用这个手机号的居民账号。请被推荐人先在本网注册，再推荐。"))
    return nominee


def star_nominate(
    *,
    by: User,
    round_id: int,
    headline: str,
    story: str,
    name_consent: bool,
    evidence: list[UploadedFile] | None = None,
    nominee_phone: str | None = None,
    provider: ProviderPage | None = None,
    today: datetime.date | None = None,
) -> Nomination:
    """A school's staff nominate a resident (found by phone number) for `provider`; without a provider, the
    signed-in resident nominates themselves. `name_consent` is the nominee's consent to show the name."""
    today = today or timezone.localdate()
    if not by.is_authenticated or not by.is_active:
        raise HonoursRefused("forbidden", _("请先登录。"))
    honour_round = _round_open(round_id, today)
    if honour_round.kind != HonourKind.STAR:
        raise HonoursRefused("invalid", _("这一推选推荐的是学习品牌项目，不是个人。"))
    if provider is not None:
        if not providers_for_user(by).filter(pk=provider.pk).exists():
            raise HonoursRefused("forbidden", _("只能以本校名义推荐。"))
        nominee = _resident_by_phone(nominee_phone)
    else:
        nominee = by
    nomination = Nomination(
        round=honour_round,
        nominee=nominee,
        provider=provider,
        nominated_by=by,
        headline=_text(headline, label=_("事迹标题"), max_length=60),
        story=_text(story, label=_("主要事迹"), max_length=3000),
        name_consent=bool(name_consent),
    )
    checked = _checked_evidence(evidence)
    if Nomination.objects.filter(round=honour_round, nominee=nominee).exists():
        raise HonoursRefused("duplicate", _("这位居民在本年度已被推荐，不能重复推荐。"))
    return _save(nomination, checked)


def brand_nominate(
    *,
    by: User,
    round_id: int,
    provider: ProviderPage,
    project_name: str,
    headline: str,
    description: str,
    outcomes: str,
    evidence: list[UploadedFile] | None = None,
    today: datetime.date | None = None,
) -> Nomination:
    """A school's staff nominate one of their school's projects as a 学习品牌."""
    today = today or timezone.localdate()
    honour_round = _round_open(round_id, today)
    if honour_round.kind != HonourKind.BRAND:
        raise HonoursRefused("invalid", _("这一推选推荐的是个人，不是项目。"))
    if provider is None or not providers_for_user(by).filter(pk=provider.pk).exists():
        raise HonoursRefused("forbidden", _("只能以本校名义推荐。"))
    nomination = Nomination(
        round=honour_round,
        provider=provider,
        nominated_by=by,
        project_name=_text(project_name, label=_("项目名称"), max_length=60),
        headline=_text(headline, label=_("事迹标题"), max_length=60),
        story=_text(description, label=_("项目简介"), max_length=3000),
        outcomes=_text(outcomes, label=_("项目成效"), max_length=2000),
        name_consent=True,  # a project's name is not personal data
    )
    checked = _checked_evidence(evidence)
    if Nomination.objects.filter(round=honour_round, provider=provider, project_name=nomination.project_name).exists():
        raise HonoursRefused("duplicate", _("这个项目在本年度已被推荐，不能重复推荐。"))
    return _save(nomination, checked)


def may_manage(user, nomination: Nomination) -> bool:
    """The nominating school's staff, the centre, and for a self-nomination the resident themselves."""
    if is_centre_staff(user):
        return True
    if nomination.provider_id is not None:
        return providers_for_user(user).filter(pk=nomination.provider_id).exists()
    return user.is_authenticated and nomination.nominee_id == user.pk


def nomination_withdraw(*, by: User, nomination_id: int) -> None:
    """Take a nomination back before the centre has decided on it; its evidence files go with it."""
    with transaction.atomic():
        nomination = Nomination.objects.select_for_update().filter(pk=nomination_id).first()
        if nomination is None:
            raise HonoursRefused("not_found", _("没有找到这条推荐。"))
        if not may_manage(by, nomination):
            raise HonoursRefused("forbidden", _("只能撤回本校或本人的推荐。"))
        if nomination.status != NominationStatus.SUBMITTED:
            raise HonoursRefused("invalid_state", _("已审核的推荐不能撤回。"))
        files = [item.file for item in nomination.evidence.all()]
        if by.pk != nomination.nominee_id:
            _audit(
                instance=nomination,
                action="jizhou.honours.withdraw",
                user=by,
                data={"round_id": nomination.round_id},
                title=f"推荐#{nomination.pk}",
            )
        nomination.delete()
        transaction.on_commit(lambda: [f.delete(save=False) for f in files])


def nomination_consent_set(*, by: User, nomination_id: int, consent: bool) -> Nomination:
    """The nominee decides whether public pages show their full name; they may change it at any time."""
    nomination = Nomination.objects.filter(pk=nomination_id, nominee=by).first() if by.is_authenticated else None
    if nomination is None:
        raise HonoursRefused("not_found", _("没有找到这条推荐。"))
    nomination.name_consent = bool(consent)
    nomination.save(update_fields=["name_consent"])
    return nomination


def nomination_decide(
    *, by: User, nomination_id: int, approve: bool, note: str = "", today: datetime.date | None = None
) -> Nomination:
    """The centre shortlists a nomination for the public notice, or rejects it with a reason (also a
    shortlisted one, after an objection during the notice). Logged in the audit log."""
    today = today or timezone.localdate()
    if not is_centre_staff(by):
        raise HonoursRefused("forbidden", _("只有指导中心工作人员可以审核推荐。"))
    note = (note or "").strip()[:200]
    with transaction.atomic():
        nomination = Nomination.objects.select_for_update().select_related("round").filter(pk=nomination_id).first()
        if nomination is None:
            raise HonoursRefused("not_found", _("没有找到这条推荐。"))
        if nomination.nominee_id == by.pk:
            raise HonoursRefused("forbidden", _("不能审核推荐自己的申报。"))
        if approve:
            if nomination.status != NominationStatus.SUBMITTED:
                raise HonoursRefused("invalid_state", _("只有待审核的推荐可以入围。"))
            if today >= nomination.round.notice_starts:
                raise HonoursRefused(
                    "closed", _("公示已于%(date)s开始，不能再增加入围名单。") % {"date": nomination.round.notice_starts}
                )
            nomination.status = NominationStatus.SHORTLISTED
        else:
            if nomination.status not in (NominationStatus.SUBMITTED, NominationStatus.SHORTLISTED):
                raise HonoursRefused("invalid_state", _("这条推荐已经是“%(status)s”。") % {
                    "status": nomination.get_status_display()
                })  # fmt: skip
            if not note:
                raise HonoursRefused("invalid", _("不予入围时请填写理由。"))
            nomination.status = NominationStatus.REJECTED
        nomination.decided_by, nomination.decided_at, nomination.decision_note = by, timezone.now(), note
        nomination.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        _audit(
            instance=nomination,
            action="jizhou.honours.shortlist" if approve else "jizhou.honours.reject",
            user=by,
            data={"round_id": nomination.round_id, "status": nomination.status, "note": note},
            title=f"推荐#{nomination.pk} · {nomination.round.title}",
        )
    return nomination


def round_award(*, by: User, round_id: int, today: datetime.date | None = None) -> int:
    """Award every shortlisted nomination of a round, once its public notice has closed. Returns how many."""
    today = today or timezone.localdate()
    if not is_centre_staff(by):
        raise HonoursRefused("forbidden", _("只有指导中心工作人员可以表彰。"))
    with transaction.atomic():
        honour_round = HonourRound.objects.select_for_update().filter(pk=round_id).first()
        if honour_round is None:
            raise HonoursRefused("not_found", _("没有找到这一推选。"))
        if honour_round.awarded_at:
            raise HonoursRefused("invalid_state", _("这一推选已经表彰过了。"))
        if today <= honour_round.notice_closes:
            raise HonoursRefused(
                "too_early",
                _("公示期到%(date)s结束，公示期满后才能表彰。") % {"date": honour_round.notice_closes.isoformat()},
            )
        now = timezone.now()
        winners = list(honour_round.nominations.filter(status=NominationStatus.SHORTLISTED).order_by("pk"))
        for nomination in winners:
            nomination.status, nomination.awarded_at = NominationStatus.AWARDED, now
            nomination.save(update_fields=["status", "awarded_at"])
        honour_round.awarded_at = now
        honour_round.save(update_fields=["awarded_at"])
        _audit(
            instance=honour_round,
            action="jizhou.honours.award",
            user=by,
            data={"awarded": len(winners), "nomination_ids": [n.pk for n in winners]},
            title=honour_round.title,
        )
    return len(winners)


def nominee_records_erase(*, user: User):
    """注销账号: the nominations naming the person go with the account (the row cascades); their evidence files
    are deleted once the deletion is committed."""
    files = [item.file for item in NominationEvidence.objects.filter(nomination__nominee=user)]

    def delete_files() -> None:
        for file in files:
            file.delete(save=False)

    return delete_files
