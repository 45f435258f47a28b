"""Showing a person's name in public without consent: the surname and the last character stay, the middle
is hidden (张三 → 张*, 王小明 → 王*明, 欧阳娜娜 → 欧**娜), as notices (公示) in China usually do."""


def mask_name(name: str) -> str:
    name = (name or "").strip()
    if len(name) <= 1:
        return name and "*"
    if len(name) == 2:
        return f"{name[0]}*"
    return f"{name[0]}{'*' * (len(name) - 2)}{name[-1]}"
