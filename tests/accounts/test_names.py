import pytest

from accounts.names import mask_name


@pytest.mark.parametrize(
    ("name", "shown"),
    [("张三", "张*"), ("王小明", "王*明"), ("欧阳娜娜", "欧**娜"), ("李", "*"), ("", ""), ("  赵六 ", "赵*")],
)
def test_a_name_without_consent_keeps_only_its_ends(name, shown):
    assert mask_name(name) == shown
