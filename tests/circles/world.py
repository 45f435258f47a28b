"""Study circles for the security tests' district (tests/security/world.py): the resident leads one circle and
is a member of another; a third waits for school A's approval."""

import datetime

from django.utils import timezone

from circles.models import CircleKind
from circles.services import circle_approve, circle_start, meeting_record, membership_join
from tests.factories import TownFactory, UserFactory, VenueFactory


def circle_world(*, resident, centre, school_a) -> dict:
    town = TownFactory(name="学习团队测试镇")
    venue = VenueFactory(name="邦均镇社区学校", town=town)
    common = {"town": town, "venue": venue, "meeting_pattern": "每周五上午", "description": "互相学习。"}
    led = circle_start(by=resident, name="居民领的书法组", kind=CircleKind.CALLIGRAPHY, **common)
    circle_approve(circle_id=led.pk, by=centre)
    member = UserFactory(display_name="邦均成员")
    membership_join(circle_id=led.pk, user=member)
    meeting = meeting_record(
        circle_id=led.pk,
        by=resident,
        held_on=timezone.localdate() - datetime.timedelta(days=3),
        hours="2",
        topic="隶书",
        attendee_ids=[resident.pk, member.pk],
    )
    other = circle_start(
        by=UserFactory(display_name="梨农负责人"), name="梨农互助组", kind=CircleKind.FARMING, **common
    )
    circle_approve(circle_id=other.pk, by=centre)
    membership_join(circle_id=other.pk, user=resident)
    proposed = circle_start(
        by=UserFactory(display_name="申请人"),
        name="甲校挂靠合唱团",
        kind=CircleKind.SINGING,
        provider=school_a,
        **common,
    )
    return {"led": led, "other": other, "proposed": proposed, "meeting": meeting, "member": member, "town": town}
