"""The four roles of PRODUCT.md, held as Django groups (created by a data migration).

Code refers to roles through these constants; the Chinese names are what staff see in the admin.
"""

RESIDENT = "居民"
TEACHER = "教师"
PROVIDER_STAFF = "学校工作人员"
CENTRE_STAFF = "指导中心工作人员"

ALL_ROLES = (RESIDENT, TEACHER, PROVIDER_STAFF, CENTRE_STAFF)
# Roles whose members may open the Wagtail admin.
ADMIN_ROLES = (TEACHER, PROVIDER_STAFF, CENTRE_STAFF)


def is_centre_staff(user) -> bool:
    """The guidance centre (or a system administrator): reviews and publishes any course, keeps the credit
    bank (rules, recognition of learning done elsewhere), reads the audit log."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=CENTRE_STAFF).exists()
