"""Who reads the learning-city dashboard: the guidance centre, and the district's leaders (区领导, a read-only
group made by a data migration). School staff, teachers and residents do not: it is the district's view."""

from accounts.roles import is_centre_staff

CITY_LEADERS = "区领导"


def may_read_city_figures(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return is_centre_staff(user) or user.groups.filter(name=CITY_LEADERS).exists()
