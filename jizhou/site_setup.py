"""A new site that is not the demo: the pages every site needs, on a freshly migrated database.

Migrations create the data a fresh install needs that is not a page (the role groups, credit rules, the
default synonyms); pages need Wagtail's tree API, which migrations cannot use, so `manage.py setup_site`
(migrate, then site_ensure) makes the home page and the course catalogue and points the default Site at
them. load_demo calls the same function, so the demo fills the site setup_site made, never a second home.
"""

from dataclasses import dataclass, field

from django.db import transaction
from wagtail.models import Page, Site

from community.models import HomePage
from courses.models import CourseIndexPage
from publishing.services import centre_rights_ensure, review_workflow_ensure

DEFAULT_SITE_NAME = "蓟州终身学习网"


@dataclass
class SiteSetup:
    home: HomePage
    catalogue: CourseIndexPage
    # What this call made, for the command's report. Page titles and texts are content (staff edit them),
    # written in the site's language like the demo's, not interface strings.
    created: list[str] = field(default_factory=list)


@transaction.atomic
def site_ensure(*, site_name: str = DEFAULT_SITE_NAME) -> SiteSetup:
    """The home page (root of the default Site) and the course catalogue under it; idempotent."""
    created: list[str] = []
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(
            instance=HomePage(
                title=site_name,
                slug="home-jizhou",
                intro="人人皆学、处处能学、时时可学——在家门口找到适合您的课程。",
            )
        )
        home.save_revision().publish()
        created.append("首页")
        site = Site.objects.filter(is_default_site=True).first()
        if site:
            old_root = site.root_page
            site.root_page = home
            site.site_name = site_name
            site.save()
            # Wagtail's initial migration leaves a plain "Welcome" page; it has no further use.
            if old_root.pk != home.pk and old_root.content_type.model_class() is Page and old_root.numchild == 0:
                old_root.delete()
        else:
            Site.objects.create(
                hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=site_name
            )
    catalogue = CourseIndexPage.objects.first()
    if catalogue is None:
        catalogue = home.add_child(
            instance=CourseIndexPage(
                title="课程", slug="courses", intro="全区成人、老年、职业、农业和社区课程，就近报名。"
            )
        )
        catalogue.save_revision().publish()  # publishing gives the centre its rights and the review workflow
        created.append("课程目录页")
    centre_rights_ensure(catalogue=catalogue)
    review_workflow_ensure(catalogue=catalogue)
    return SiteSetup(home=home, catalogue=catalogue, created=created)
