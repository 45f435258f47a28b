"""The demo circles load on the tests' small catalogue (circles whose town is missing are skipped) and loading
again changes nothing."""

from pathlib import Path

from django.utils import timezone

from circles.models import Assessment, CircleMeeting, CircleStatus, StudyCircle
from jizhou.demo import demo_catalogue_load
from jizhou.demo_circles import demo_circles_load
from records.models import LearningEntry

SMALL = Path(__file__).parents[1] / "jizhou" / "demo_small.json"


def test_demo_circles_load_and_are_idempotent(db):
    today = timezone.localdate()
    report = demo_catalogue_load(SMALL, today)
    demo_circles_load(report=report, today=today)
    names = set(StudyCircle.objects.filter(status=CircleStatus.ACTIVE).values_list("name", flat=True))
    assert {"渔阳书法组", "夕阳红合唱团", "下营镇剪纸兴趣组"} <= names
    assert "邦均梨农种植互助组" not in names  # its town is not in the small catalogue
    assert any("邦均梨农种植互助组" in line for line in report.skipped)
    assert CircleMeeting.objects.filter(held_on__gt=today).exists()  # the next meetings are planned
    assert LearningEntry.objects.filter(source__startswith="circle:").exists()
    assert Assessment.objects.filter(year=today.year - 1).count() == len(names)
    counts = (StudyCircle.objects.count(), CircleMeeting.objects.count(), LearningEntry.objects.count())
    demo_circles_load(report=report, today=today)
    assert (StudyCircle.objects.count(), CircleMeeting.objects.count(), LearningEntry.objects.count()) == counts
