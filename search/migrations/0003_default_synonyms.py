"""Synonyms residents of Jizhou use, so search works on day one; staff edit them as snippets."""

from django.db import migrations

SYNONYMS = [
    ("电脑 计算机 微机", "居民常说“电脑”，课程写“计算机”"),
    ("手机 智能手机", ""),
    ("老人 老年 老年人 长者", ""),
    ("电商 电子商务 网店 开网店", ""),
    ("直播 带货 直播带货", ""),
    ("写字 书法 练字", ""),
    ("画画 国画 绘画", ""),
    ("唱歌 声乐 合唱", ""),
    ("跳舞 舞蹈 广场舞", ""),
    ("拍照 摄影 照相", ""),
    ("打药 植保 农药 病虫害", "农民说“打药”"),
    ("种菜 蔬菜", ""),
    ("大棚 温室 设施", ""),
    ("蘑菇 食用菌 香菇 平菇", ""),
    ("养猪 生猪", ""),
    ("养鸡 蛋鸡", ""),
    ("养羊 肉羊", ""),
    ("养蜂 中蜂 蜜蜂", ""),
    ("剪枝 修剪 冬剪 整形修剪", ""),
    ("看病 就医 挂号", ""),
    ("防骗 防诈骗 反诈 诈骗", ""),
    ("做饭 烹调 烹饪 厨师", ""),
    ("月嫂 母婴护理 母婴护理员", ""),
    ("带孩子 育婴 育儿 育婴员", ""),
    ("修车 汽车维修 汽车维护 汽修", ""),
    ("开车 驾驶", ""),
    ("电焊 焊工 焊接", ""),
    ("电工 水电 电气", ""),
    ("学历 专科 大专", ""),
    ("学历 本科", ""),
    ("农家乐 农家院", ""),
    ("养生 保健", ""),
    ("法律 普法 法治 民法典", ""),
    ("找工作 就业 创业", ""),
    ("当兵 退役军人 退伍", ""),
    ("孩子 子女 亲子 家长", ""),
]


def add(apps, schema_editor):
    Synonym = apps.get_model("course_search", "Synonym")
    for terms, note in SYNONYMS:
        Synonym.objects.get_or_create(terms=terms, defaults={"note": note})


def remove(apps, schema_editor):
    apps.get_model("course_search", "Synonym").objects.filter(terms__in=[t for t, _ in SYNONYMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("course_search", "0002_fulltext")]

    operations = [migrations.RunPython(add, remove)]
