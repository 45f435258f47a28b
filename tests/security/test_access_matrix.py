"""The access matrix: every URL pattern of the site is classified, and every class is exercised with concrete
requests as six people — anonymous, a resident, a teacher, staff of school A, staff of school B, centre staff.

- The patterns are walked from the URL configuration (Wagtail admin, snippets, choosers, the /api/v1/ routes,
  the site's own views). A pattern no rule classifies fails `test_every_url_pattern_is_classified` with its
  name, so a view added tomorrow cannot slip in untested.
- Each concrete request says who may do it. Allowed: 200 (or the given statuses), and for writes the database
  really changed. Refused: 403/404/405/401, or a redirect to a login page or to the admin home (Wagtail's
  "permission denied" redirect), and for every refused request — reads and writes — nothing changed.
  Requests run inside a savepoint that is rolled back, so one person's allowed write never changes what the
  next person sees.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.models import (
    APIToken,
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    PageViewRestriction,
    Revision,
    Site,
    TaskState,
    Workflow,
    WorkflowState,
)

from accounts.models import Audience, User
from activities.models import CalendarToken, EventPage, EventSignup
from courses.models import Category, CourseClass
from enrolment.models import Attendance, Enrolment, Meeting, PhoneReveal
from honours.models import HonourRound, Nomination, NominationEvidence
from media.models import LessonMedia, LessonProgress, LessonViewing, MediaRendition
from records.models import Certificate, Recognition
from tests.security.world import PERSONAS, World, build_world

ALL = frozenset(PERSONAS)
NOBODY = frozenset()
LOGGED_IN = ALL - {"anonymous"}
ADMIN = frozenset({"teacher", "staff_a", "staff_b", "centre"})
SCHOOL_A = frozenset({"staff_a", "centre"})
SCHOOL_B = frozenset({"staff_b", "centre"})
CENTRE = frozenset({"centre"})
CLASS_A = frozenset({"teacher", "staff_a", "centre"})
STAFF = frozenset({"staff_a", "staff_b", "centre"})


# --- 1. Classifying every URL pattern --------------------------------------------------------------------

# (regex on "namespace:name" — or on the route when a pattern has no name —, class). First match wins.
# Classes are policies; the concrete requests below exercise each one.
RULES: list[tuple[str, str]] = [
    # The public site and its helpers.
    (r"^wagtail_serve$", "public_page"),
    (r"^search:", "public"),
    (r"^(elder_mode|text_size|set_language)$", "public"),
    (r"^health$", "public"),
    (r"^accounts:(login|register|login_sms|password_reset|logout)$", "public"),
    (r"^accounts:(profile|security|token_revoke|end_sessions)$", "learner"),
    (r"^(wagtailcore_login|wagtailcore_authenticate_with_password|wagtaildocs_authenticate_with_password)$", "public"),
    (r"^wagtaildocs_serve$", "public_document"),
    (r"^route:\^media/", "public_static"),
    # The JSON API.
    (r"^api:(openapi-json|openapi-view|api-root|courses_search|class_detail|token_create)$", "api_public"),
    (r"^api:(my_enrolments|enrolment_create_view|token_list|token_revoke)$", "api_learner"),
    (r"^api:(enrolment_cancel_view|enrolment_complete_view)$", "api_class_staff"),
    # Learning records, certificates, the credit bank.
    (r"^records:(my_learning|transcript_pdf|my_statements|my_data|my_data_export|my_account_delete)$", "learner"),
    (r"^api:(my_record|my_statements)$", "api_learner"),
    # Online lessons: public reads of live lessons; opening a viewing and reporting progress as oneself.
    (r"^api:(course_lessons_list|lesson_detail)$", "api_public"),
    (r"^api:(viewing_create|progress_create)$", "api_learner"),
    (r"^records:(certificate_lookup|certificate_verify)$|^api:certificate_verify$", "public"),
    (r"^records:(certificate_revoke|certificate_pdf)$", "certificate_school"),
    (r"^records:(recognitions|recognition_decide|recognition_evidence)$", "credit_bank"),
    (r"^wagtailsnippets_records_(creditrule|creditconversion):", "snippets_centre"),
    # Stars and brands (honours/): public reads, nominations (own / own school's), the centre's review in the admin.
    (r"^api:(honours_rounds|honours_notice|honours_awards)$", "api_public"),
    (r"^honours:(nominate|mine|withdraw|consent|evidence)$", "honours_nominations"),
    (r"^honours_(review|decide|award)$", "honours_centre"),
    (r"^wagtailsnippets_honours_honourround:", "snippets_centre"),
    # Community schools, learning points and notices (community/): public reads; the home page's town chooser.
    (r"^community:choose_town$", "public"),
    (r"^api:(places_list|notices_list)$", "api_public"),
    # The learning city: public summary; dashboard, exports and figures API for the centre and district leaders.
    (r"^learningcity:summary$|^api:learning_city_summary$", "public"),
    (r"^learningcity:(dashboard|dashboard_export)$|^api:learning_city_figures$", "city_figures"),
    (r"^wagtailsnippets_learningcity_(townpopulation|ruraltrainingcategory):", "snippets_centre"),
    # Study circles (circles/): public list and pages, residents' own actions, the leader's tools, the admin.
    (r"^circles:(list|detail)$|^api:(circle_list_api|circle_detail_api)$", "circles_public"),
    (r"^circles:(start|mine|join|leave)$|^api:(membership_join_api|membership_leave_api)$", "circles_learner"),
    (r"^circles:(meeting_new|meeting_edit|meeting_delete|activity_new)$", "circles_leader"),
    (r"^circles_admin_", "circles_admin"),
    # Community events (activities/): public feeds and API reads, a token-keyed private feed, residents' own sign-ups,
    # the school's roster.
    (r"^events:(town_feed|school_feed)$|^api:(event_list_api|event_detail_api)$", "events_public"),
    (r"^events:my_feed$", "events_private_feed"),
    (r"^events:(signup|mine|cancel|reset_calendar)$", "events_learner"),
    (r"^api:(event_signup_api|event_signup_cancel_api|my_event_signups_api)$", "events_learner"),
    (r"^events:(teach_list|teach_roster)$", "events_school"),
    # Learners' own pages.
    (r"^enrolment:(enrol|mine|cancel|check_in)$", "learner"),
    # Teachers' and schools' class pages (rosters, exports, roll call).
    (r"^teach:classes$", "teach_list"),
    (r"^teach:", "teach_class"),
    # Wagtail admin: entry, account, and helpers any admin user has.
    (
        r"^wagtailadmin_(login|password_reset|password_reset_done|password_reset_confirm|password_reset_complete)$",
        "admin_public",
    ),
    (r"^wagtailadmin_(javascript_catalog|sprite)$", "admin_public"),
    (r"^wagtailadmin_(home|account|logout|dismissibles|block_preview)$", "admin_any"),
    (r"^wagtailadmin_editing_sessions:", "admin_any"),
    (r"^wagtailadmin_(tag_autocomplete|tag_model_autocomplete)$", "admin_any"),
    (r"^wagtailadmin_choose_page", "page_chooser"),
    (r"^wagtailembeds:", "admin_any"),
    (r"^wagtailadmin_(error_test)$|^route:admin/test404/$|^route:admin/\^\.\*/\$$", "admin_debug"),
    # Pages: listing, search, and the per-page views (edit, preview, revisions, compare, history, usage…).
    (r"^wagtailadmin_explore", "page_explorer"),
    (r"^wagtailadmin_pages:(search|search_results)$", "page_explorer"),
    (r"^wagtailadmin_api:pages:", "admin_api_pages"),
    (r"^wagtailadmin_pages:(add|preview_on_add|add_subpage|choose_parent)$", "page_add"),
    (r"^wagtailadmin_pages:(type_use|type_use_results)$", "page_type_usage"),
    (
        r"^wagtailadmin_pages:(edit|preview_on_edit|view_draft|usage|revisions_index|revisions_view|revisions_revert"
        r"|revisions_compare|history|history_results|workflow_history|workflow_history_detail"
        r"|confirm_workflow_cancellation|convert_alias|revisions_unschedule)$",
        "page_edit",
    ),
    (r"^wagtailadmin_pages:(unpublish|delete|lock|unlock|set_privacy|set_page_position)$", "page_publish"),
    (r"^wagtailadmin_pages:(move|move_confirm|copy)$", "page_move_copy"),
    (r"^wagtailadmin_pages:(workflow_action|collect_workflow_action_data|workflow_preview)$", "page_review"),
    (r"^wagtail_bulk_action$", "bulk_action"),
    # Images and documents, each school in its own collection.
    (r"^(wagtailimages|wagtailimages_chooser|wagtailadmin_api:images):", "images"),
    (r"^(wagtaildocs|wagtaildocs_chooser|wagtailadmin_api:documents):", "documents"),
    # Lesson video/audio (wagtailmedia's views, media's processing page and original download), the same way.
    (r"^wagtailmedia:|^lesson_media_(processing|retry|original|usage)$", "lesson_media"),
    # Snippets the centre curates, and their choosers (used inside page forms).
    (r"^wagtailsnippets:index$", "snippets_index"),
    (r"^wagtailsnippets_(courses_category|accounts_audience|places_town|places_venue):", "snippets_centre"),
    (r"^wagtailsnippetchoosers_", "snippet_chooser"),
    (r"^wagtailsnippets_course_search_", "snippets_superuser"),
    # Reports and the audit log.
    (r"^jizhou_audit_log", "audit_log"),
    (r"^wagtailadmin_reports:", "reports"),
    # Structure only a system administrator touches.
    (
        r"^(wagtailusers_users|wagtailusers_groups|wagtailsites|wagtailadmin_workflows|wagtailredirects|wagtailforms):",
        "superuser_only",
    ),
    (r"^wagtailadmin_collections:", "collections"),
]


def _url_patterns(patterns=None, prefix="", namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            ns = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else pattern.namespace or namespace
            )
            yield from _url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield (name or f"route:{route}"), route


def classify(key: str) -> str | None:
    for regex, cls in RULES:
        if re.search(regex, key):
            return cls
    return None


def test_every_url_pattern_is_classified():
    unclassified = sorted({key for key, _route in _url_patterns() if classify(key) is None})
    assert not unclassified, (
        "These URL patterns are in no access class; add a rule to RULES in tests/security/test_access_matrix.py "
        "(and a concrete request for a new class): " + ", ".join(unclassified)
    )


def test_every_class_is_exercised():
    used = {classify(key) for key, _route in _url_patterns()}
    exercised = {case.cls for case in CASES}
    assert used - exercised == set(), f"classes with no concrete request: {sorted(used - exercised)}"


# --- 2. Concrete requests ---------------------------------------------------------------------------------

# 409: the API refusing a state change (e.g. enrolled already); 429: a login limit (six wrong passwords in a row).
REFUSED = {401, 403, 404, 405, 409, 429}


@dataclass(frozen=True)
class Case:
    cls: str
    label: str
    url: Callable[[World], str]
    allowed: frozenset
    method: str = "get"
    data: Callable[[World], dict] | None = None
    write: bool = False  # allowed requests must change the database
    ok: tuple = (200,)
    secret: Callable[[World], str] | None = None  # text only `may_see` may find in a 200 response
    may_see: frozenset = field(default_factory=frozenset)
    kwargs: dict = field(default_factory=dict)
    changes_nothing: bool = False  # even when allowed, nothing in the snapshot may change (privilege fields)
    form_refusal: bool = False  # a refused write may answer 200 with the form's error (nothing changed)


def _resident_token(w):
    return APIToken.objects.get(user=w.users["resident"])


def _edit(w, page):
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


def _page_form(page, **overrides):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    classes = [
        {
            "id": c.pk,
            "label": c.label,
            "starts_on": c.starts_on.isoformat(),
            "ends_on": c.ends_on.isoformat(),
            "schedule": c.schedule,
            "venue": "",
            "capacity": c.capacity,
            "enrol_opens": "",
            "enrol_closes": "",
            "teacher": c.teacher_id or "",
        }
        for c in page.classes.all()
    ]
    data = {
        "title": page.title + "（改）",
        "slug": page.slug,
        "summary": page.summary,
        "category": page.category_id,
        "form": page.form,
        "hours": str(page.hours),
        "credits": str(page.credits),
        "fee": str(page.fee),
        "town": "",
        "min_age": "",
        "keywords": "",
        "body": rich_text("<p>改过的内容</p>"),
        "classes": inline_formset(classes, initial=len(classes)),
    }
    data.update(overrides)
    return nested_form_data(data)


def _revision(w, page, which=-1):
    return Revision.page_revisions.filter(object_id=str(page.pk)).order_by("pk")[which if which >= 0 else 0].pk


def _first_revision(w, page):
    return Revision.page_revisions.filter(object_id=str(page.pk)).order_by("pk").first().pk


def _last_revision(w, page):
    return Revision.page_revisions.filter(object_id=str(page.pk)).order_by("-pk").first().pk


CASES: list[Case] = [
    # Public site -------------------------------------------------------------------------------------------
    Case("public_page", "home", lambda w: w.home.url, ALL),
    Case("public_page", "catalogue", lambda w: w.catalogue.url, ALL),
    Case("public_page", "live course", lambda w: w.course_a.url, ALL),
    Case("public_page", "draft course is not served", lambda w: w.school_b.url + w.draft_b.slug + "/", NOBODY),
    Case("public", "search", lambda w: reverse("search:search") + "?q=梨树", ALL, secret=lambda w: "乙校保密草稿课程"),
    Case("public", "suggest", lambda w: reverse("search:suggest") + "?q=li", ALL, secret=lambda w: "乙校保密草稿课程"),
    Case(
        "public",
        "elder mode",
        lambda w: reverse("elder_mode"),
        ALL,
        method="post",
        data=lambda w: {"elder_mode": "1"},
        ok=(200, 302),
    ),
    Case("public", "login page", lambda w: reverse("accounts:login"), ALL, ok=(200, 302)),
    # Dependencies' state for monitors: anyone, read-only; 503 when a part is down (jizhou/health.py).
    Case("public", "health", lambda w: reverse("health"), ALL, ok=(200, 503)),
    Case("public", "health refuses writes", lambda w: reverse("health"), NOBODY, method="post", data=lambda w: {}),
    Case("public", "register page", lambda w: reverse("accounts:register"), ALL, ok=(200, 302)),
    Case("public", "frontend login redirect", lambda w: reverse("wagtailcore_login"), ALL, ok=(200, 302)),
    Case("public", "unknown view restriction", lambda w: "/documents/authenticate_with_password/999999/", NOBODY),
    Case("public_document", "school A document", lambda w: w.doc_a.url, ALL),
    Case("public_static", "missing media file", lambda w: "/media/original_images/none.png", NOBODY),
    # JSON API ----------------------------------------------------------------------------------------------
    Case("api_public", "openapi schema", lambda w: "/api/v1/openapi.json", ALL),
    Case("api_public", "course search", lambda w: "/api/v1/courses/?q=书法", ALL, secret=lambda w: "乙校保密草稿课程"),
    Case("api_public", "live class", lambda w: f"/api/v1/classes/{w.class_a.pk}", ALL),
    Case(
        "api_public",
        "token with wrong password",
        lambda w: "/api/v1/auth/token",
        NOBODY,
        method="post",
        data=lambda w: {"phone": w.users["resident"].phone, "password": "wrong-password"},
        kwargs={"content_type": "application/json"},
    ),
    Case(
        "api_public",
        "lessons of a live course",
        lambda w: f"/api/v1/courses/{w.course_a.pk}/lessons",
        ALL,
        secret=lambda w: "甲校草稿线上课",
    ),
    Case("api_public", "live lesson", lambda w: f"/api/v1/lessons/{w.lesson_a.pk}", ALL),
    Case("api_public", "community schools and learning points", lambda w: "/api/v1/places/?near=40.04,117.41", ALL),
    Case("api_public", "notices", lambda w: "/api/v1/notices/", ALL),
    Case("public", "choose a town", lambda w: reverse("community:choose_town") + "?town=", ALL, ok=(302,)),
    Case(
        "public",
        "choose a town refuses writes",
        lambda w: reverse("community:choose_town"),
        NOBODY,
        method="post",
        data=lambda w: {},
    ),
    Case("api_public", "draft lesson", lambda w: f"/api/v1/lessons/{w.lesson_draft_a.pk}", NOBODY),
    Case(
        "api_learner",
        "open a viewing of a live lesson",
        lambda w: f"/api/v1/lessons/{w.lesson_a.pk}/viewings",
        LOGGED_IN,
        method="post",
        write=True,
        ok=(201,),
    ),
    Case(
        "api_learner",
        "open a viewing of a draft lesson",
        lambda w: f"/api/v1/lessons/{w.lesson_draft_a.pk}/viewings",
        NOBODY,
        method="post",
    ),
    Case(
        "api_learner",
        "report progress on the resident's viewing",
        lambda w: f"/api/v1/lessons/{w.lesson_a.pk}/progress",
        frozenset({"resident"}),
        method="post",
        write=True,
        data=lambda w: {"viewing": str(w.viewing_a.pk), "segments": [[0, 5]], "position": 5},
        kwargs={"content_type": "application/json"},
    ),
    Case(
        "api_learner",
        "my enrolments",
        lambda w: "/api/v1/me/enrolments",
        LOGGED_IN,
        secret=lambda w: "甲校春季班",
        may_see=frozenset({"resident"}),
    ),
    Case(
        "api_learner",
        "enrol in a class",
        lambda w: f"/api/v1/classes/{w.class_b.pk}/enrolments",
        LOGGED_IN - {"resident"},  # the resident already completed this class: refused, 409
        method="post",
        write=True,
        ok=(201,),
    ),
    Case(
        "api_class_staff",
        "cancel the resident's enrolment",
        lambda w: f"/api/v1/enrolments/{w.enrolment.pk}",
        CLASS_A | {"resident"},
        method="delete",
        write=True,
    ),
    Case(
        "api_class_staff",
        "complete the resident's enrolment",
        lambda w: f"/api/v1/enrolments/{w.enrolment.pk}/complete",
        CLASS_A,
        method="post",
        write=True,
    ),
    # Learner pages -----------------------------------------------------------------------------------------
    Case(
        "learner",
        "my enrolments page",
        lambda w: reverse("enrolment:mine"),
        LOGGED_IN,
        secret=lambda w: "甲校春季班",
        may_see=frozenset({"resident"}),
    ),
    Case(
        "learner",
        "enrol",
        lambda w: reverse("enrolment:enrol", args=(w.class_b.pk,)),
        LOGGED_IN - {"resident"},  # already completed it: sent back with a message
        method="post",
        write=True,
        ok=(302,),
    ),
    Case(
        "learner",
        "cancel the resident's enrolment",
        lambda w: reverse("enrolment:cancel", args=(w.enrolment.pk,)),
        CLASS_A | {"resident"},
        method="post",
        write=True,
        ok=(302,),
    ),
    # My profile: people edit their own details, never their rights.
    Case("learner", "my profile", lambda w: reverse("accounts:profile"), LOGGED_IN),
    Case(
        "learner",
        "profile POST smuggling rights",
        lambda w: reverse("accounts:profile"),
        LOGGED_IN,
        method="post",
        ok=(302,),
        changes_nothing=True,
        data=lambda w: {
            "display_name": "改名",
            "birth_year": "",
            "home_town": "",
            "email": "",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [g.pk for g in Group.objects.all()],
            "user_permissions": [p.pk for p in Permission.objects.filter(codename="publish_page")],
            "phone": "13912345678",
        },
    ),
    # 登录与设备: a person's own API tokens and sessions, nobody else's.
    Case(
        "learner",
        "my tokens page",
        lambda w: reverse("accounts:security"),
        LOGGED_IN,
        secret=lambda w: "居民的平板",
        may_see=frozenset({"resident"}),
    ),  # fmt: skip
    Case(
        "learner",
        "revoke the resident's token",
        lambda w: reverse("accounts:token_revoke", args=(_resident_token(w).pk,)),
        frozenset({"resident"}),
        method="post",
        write=True,
        ok=(302,),
    ),
    Case(
        "learner",
        "log out everywhere",
        lambda w: reverse("accounts:end_sessions"),
        LOGGED_IN,
        method="post",
        write=True,
        ok=(302,),
    ),
    Case(
        "api_learner",
        "my tokens (API)",
        lambda w: "/api/v1/auth/tokens",
        LOGGED_IN,
        secret=lambda w: "居民的平板",
        may_see=frozenset({"resident"}),
    ),  # fmt: skip
    Case(
        "api_learner",
        "revoke the resident's token (API)",
        lambda w: f"/api/v1/auth/tokens/{_resident_token(w).pk}",
        frozenset({"resident"}),
        method="delete",
        write=True,
        ok=(204,),
    ),
    # Learning records, certificates, credit bank -------------------------------------------------------------
    Case(
        "learner",
        "my learning record",
        lambda w: reverse("records:my_learning"),
        LOGGED_IN,
        secret=lambda w: w.certificate_b.code,
        may_see=frozenset({"resident"}),
    ),
    Case("learner", "my transcript PDF", lambda w: reverse("records:transcript_pdf"), LOGGED_IN),
    Case(
        "learner",
        "my personal data export",
        lambda w: reverse("records:my_data_export"),
        LOGGED_IN,
        secret=lambda w: w.users["resident"].phone,
        may_see=frozenset({"resident"}),
    ),
    Case(
        "learner",
        "delete my account with a wrong password",
        lambda w: reverse("records:my_account_delete"),
        NOBODY,
        method="post",
        write=True,
        data=lambda w: {"password": "not-my-password"},
        form_refusal=True,
    ),
    Case("api_learner", "my record (API)", lambda w: "/api/v1/me/record", LOGGED_IN),
    Case(
        "public",
        "verify a certificate",
        lambda w: reverse("records:certificate_verify", args=(w.certificate_b.code,)),
        ALL,
    ),
    Case("public", "verify a certificate (API)", lambda w: f"/api/v1/certificates/{w.certificate_b.code}", ALL),
    Case(
        "certificate_school",
        "revoke school B's certificate",
        lambda w: reverse("records:certificate_revoke", args=(w.certificate_b.code,)),
        SCHOOL_B,
        method="post",
        write=True,
        ok=(302,),
        data=lambda w: {"reason": "重复颁发"},
    ),
    # The PDF is made after commit (never, inside this test's transaction): allowed people are sent back to
    # their records page; everyone else gets a 404.
    Case(
        "certificate_school",
        "certificate PDF",
        lambda w: reverse("records:certificate_pdf", args=(w.certificate_b.code,)),
        SCHOOL_B | {"resident"},
        ok=(200, 302),
    ),
    Case("credit_bank", "recognitions", lambda w: reverse("records:recognitions"), CENTRE),
    Case(
        "credit_bank",
        "approve a recognition",
        lambda w: reverse("records:recognition_decide", args=(w.recognition.pk,)),
        CENTRE,
        method="post",
        write=True,
        ok=(302,),
        data=lambda w: {"decision": "approve", "approve": "1", "note": "材料齐全"},
    ),
    Case(
        "credit_bank",
        "recognition evidence",
        lambda w: reverse("records:recognition_evidence", args=(w.recognition.pk,)),
        CENTRE | {"resident"},
    ),
    Case("snippets_centre", "credit rules", lambda w: reverse("wagtailsnippets_records_creditrule:list"), CENTRE),
    # Teachers and schools: rosters, exports, roll call -------------------------------------------------------
    Case(
        "teach_list",
        "my classes",
        lambda w: reverse("teach:classes"),
        LOGGED_IN,
        secret=lambda w: "甲校春季班",
        may_see=CLASS_A,
    ),
    Case("teach_class", "roster", lambda w: reverse("teach:roster", args=(w.class_a.pk,)), CLASS_A),
    Case("teach_class", "CSV export", lambda w: reverse("teach:export_csv", args=(w.class_a.pk,)), CLASS_A),
    Case("teach_class", "XLSX export", lambda w: reverse("teach:export_xlsx", args=(w.class_a.pk,)), CLASS_A),
    Case(
        "teach_class",
        "reveal a phone number",
        lambda w: reverse("teach:reveal_phone", args=(w.class_a.pk, w.enrolment.pk)),
        CLASS_A,
        method="post",
        write=True,
        ok=(200, 302),
    ),
    Case(
        "teach_class",
        "complete",
        lambda w: reverse("teach:complete", args=(w.class_a.pk, w.enrolment.pk)),
        CLASS_A,
        method="post",
        write=True,
        ok=(302,),
    ),
    Case("teach_class", "roll call", lambda w: reverse("teach:roll_call", args=(w.meeting_a.pk,)), CLASS_A),
    Case("teach_class", "check-in QR", lambda w: reverse("teach:qr", args=(w.meeting_a.pk,)), CLASS_A),
    # Wagtail admin: entry and helpers ------------------------------------------------------------------------
    Case("admin_public", "admin login page", lambda w: reverse("wagtailadmin_login"), ALL, ok=(200, 302)),
    Case("admin_public", "admin i18n catalogue", lambda w: reverse("wagtailadmin_javascript_catalog"), ALL),
    Case(
        "admin_any",
        "dashboard",
        lambda w: reverse("wagtailadmin_home"),
        ADMIN,
        secret=lambda w: "罗庄子镇成人文化技术学校",
        may_see=SCHOOL_A,
    ),
    Case("admin_any", "account", lambda w: reverse("wagtailadmin_account"), ADMIN),
    Case("admin_any", "tag autocomplete", lambda w: reverse("wagtailadmin_tag_autocomplete") + "?term=a", ADMIN),
    Case("admin_any", "embed chooser", lambda w: reverse("wagtailembeds:chooser"), ADMIN),
    # "Who else is editing" pings: only for people who may edit that page.
    Case(
        "admin_any",
        "editing-session ping on school B's draft",
        lambda w: reverse("wagtailadmin_editing_sessions:ping", args=("wagtailcore", "page", w.draft_b.pk, 0)),
        SCHOOL_B,
        method="post",
    ),
    Case("admin_debug", "admin 404", lambda w: "/admin/no-such-view/", NOBODY),
    # Pages ---------------------------------------------------------------------------------------------------
    Case(
        "page_explorer", "explore school A", lambda w: reverse("wagtailadmin_explore", args=(w.school_a.pk,)), SCHOOL_A
    ),
    Case(
        "page_explorer", "explore school B", lambda w: reverse("wagtailadmin_explore", args=(w.school_b.pk,)), SCHOOL_B
    ),
    Case(
        "page_explorer",
        "page search",
        lambda w: reverse("wagtailadmin_pages:search") + "?q=乙校",
        STAFF,
        secret=lambda w: "乙校保密草稿课程",
        may_see=SCHOOL_B,
    ),
    Case(
        "page_chooser",
        "page chooser at the catalogue",
        lambda w: reverse("wagtailadmin_choose_page_child", args=(w.school_b.pk,)),
        ADMIN,
        secret=lambda w: "乙校保密草稿课程",
        may_see=SCHOOL_B,
    ),
    Case(
        "page_chooser",
        "page chooser search",
        lambda w: reverse("wagtailadmin_choose_page_search") + "?q=乙校",
        ADMIN,
        secret=lambda w: "乙校保密草稿课程",
        may_see=SCHOOL_B,
    ),
    Case(
        "admin_api_pages",
        "admin API: another school's draft",
        lambda w: reverse("wagtailadmin_api:pages:detail", args=(w.draft_b.pk,)),
        SCHOOL_B,
    ),
    Case(
        "admin_api_pages",
        "admin API listing",
        lambda w: reverse("wagtailadmin_api:pages:listing") + "?search=乙校",
        ADMIN,
        secret=lambda w: "乙校保密草稿课程",
        may_see=SCHOOL_B,
    ),
    Case(
        "page_add",
        "add a course in school A",
        lambda w: reverse("wagtailadmin_pages:add", args=("courses", "coursepage", w.school_a.pk)),
        SCHOOL_A,
    ),
    Case(
        "page_add",
        "add a course in school B (POST)",
        lambda w: reverse("wagtailadmin_pages:add", args=("courses", "coursepage", w.school_b.pk)),
        SCHOOL_B,
        method="post",
        write=True,
        ok=(302,),
        data=lambda w: _page_form(w.draft_b, slug="new-course", title="新课程"),
    ),
    Case(
        "page_add",
        "add a school under the catalogue",
        lambda w: reverse("wagtailadmin_pages:add", args=("courses", "providerpage", w.catalogue.pk)),
        CENTRE,
    ),
    Case(
        "page_type_usage",
        "course type usage",
        lambda w: reverse("wagtailadmin_pages:type_use", args=("courses", "coursepage")),
        STAFF,
    ),
    Case("page_edit", "edit school B's draft", lambda w: _edit(w, w.draft_b), SCHOOL_B),
    Case(
        "page_edit",
        "save school A's course (POST)",
        lambda w: _edit(w, w.course_a),
        SCHOOL_A,
        method="post",
        write=True,
        ok=(302,),
        data=lambda w: _page_form(w.course_a),
    ),
    Case(
        "page_edit",
        "preview school B's draft",
        lambda w: reverse("wagtailadmin_pages:preview_on_edit", args=(w.draft_b.pk,)),
        SCHOOL_B,
    ),
    Case(
        "page_edit",
        "view school B's draft",
        lambda w: reverse("wagtailadmin_pages:view_draft", args=(w.draft_b.pk,)),
        SCHOOL_B,
    ),
    Case(
        "page_edit",
        "revisions of school A's course (redirects to its history)",
        lambda w: reverse("wagtailadmin_pages:revisions_index", args=(w.course_a.pk,)),
        SCHOOL_A,
        ok=(302,),
    ),
    Case(
        "page_edit",
        "history of school A's course",
        lambda w: reverse("wagtailadmin_pages:history", args=(w.course_a.pk,)),
        SCHOOL_A,
    ),
    Case(
        "page_edit",
        "view a revision of school A's course",
        lambda w: reverse("wagtailadmin_pages:revisions_view", args=(w.course_a.pk, _first_revision(w, w.course_a))),
        SCHOOL_A,
    ),
    Case(
        "page_edit",
        "compare revisions of school A's course",
        lambda w: reverse(
            "wagtailadmin_pages:revisions_compare",
            args=(w.course_a.pk, _first_revision(w, w.course_a), _last_revision(w, w.course_a)),
        ),
        SCHOOL_A,
    ),
    Case(
        "page_edit",
        "revert to an old revision (POST)",
        lambda w: reverse("wagtailadmin_pages:revisions_revert", args=(w.course_a.pk, _first_revision(w, w.course_a))),
        SCHOOL_A,
        method="post",
        write=True,
        ok=(302,),
        data=lambda w: _page_form(w.course_a),
    ),
    Case(
        "page_edit",
        "history of school B's draft",
        lambda w: reverse("wagtailadmin_pages:history", args=(w.draft_b.pk,)),
        SCHOOL_B,
    ),
    Case(
        "page_edit",
        "workflow history of school B's draft",
        lambda w: reverse("wagtailadmin_pages:workflow_history", args=(w.draft_b.pk,)),
        SCHOOL_B,
    ),
    Case(
        "page_edit",
        "usage of school A's course",
        lambda w: reverse("wagtailadmin_pages:usage", args=(w.course_a.pk,)),
        SCHOOL_A,
    ),
    Case(
        "page_publish",
        "unpublish school B's course (POST)",
        lambda w: reverse("wagtailadmin_pages:unpublish", args=(w.course_b.pk,)),
        CENTRE,
        method="post",
        write=True,
        ok=(302,),
    ),
    # Wagtail's rule: without publish rights, staff may delete their own school's unpublished drafts only.
    Case(
        "page_publish",
        "delete school A's draft (POST)",
        lambda w: reverse("wagtailadmin_pages:delete", args=(w.draft_a.pk,)),
        SCHOOL_A,
        method="post",
        write=True,
        ok=(302,),
    ),
    Case(
        "page_publish",
        "delete school B's live course (POST)",
        lambda w: reverse("wagtailadmin_pages:delete", args=(w.empty_b.pk,)),
        CENTRE,
        method="post",
        write=True,
        ok=(302,),
    ),
    # Nobody deletes a course people are enrolled in (it would drop their enrolments): take it down first.
    Case(
        "page_publish",
        "delete school A's course with learners (POST)",
        lambda w: reverse("wagtailadmin_pages:delete", args=(w.course_a.pk,)),
        NOBODY,
        method="post",
        write=True,
    ),
    Case(
        "page_publish",
        "lock school B's course (POST)",
        lambda w: reverse("wagtailadmin_pages:lock", args=(w.course_b.pk,)),
        CENTRE,
        method="post",
        write=True,
        ok=(302,),
    ),
    Case(
        "page_publish",
        "make school A's course private (GET)",
        lambda w: reverse("wagtailadmin_pages:set_privacy", args=(w.course_a.pk,)),
        CENTRE,
    ),
    Case(
        "page_move_copy",
        "move school A's course into school B (POST)",
        lambda w: reverse("wagtailadmin_pages:move_confirm", args=(w.course_a.pk, w.school_b.pk)),
        CENTRE,
        method="post",
        write=True,
        ok=(302,),
    ),
    Case(
        "page_move_copy",
        "move school B's course into school A (POST)",
        lambda w: reverse("wagtailadmin_pages:move_confirm", args=(w.course_b.pk, w.school_a.pk)),
        CENTRE,
        method="post",
        write=True,
        ok=(302,),
    ),
    Case(
        "page_move_copy",
        "copy school B's course into school A (POST)",
        lambda w: reverse("wagtailadmin_pages:copy", args=(w.course_b.pk,)),
        CENTRE,
        method="post",
        write=True,
        ok=(302,),
        data=lambda w: {"new_title": "复制的课程", "new_slug": "copied", "new_parent_page": w.school_a.pk},
        form_refusal=True,
    ),
    Case(
        "page_move_copy",
        "copy school A's course into school B (POST)",
        lambda w: reverse("wagtailadmin_pages:copy", args=(w.course_a.pk,)),
        CENTRE,
        method="post",
        write=True,
        ok=(302,),
        data=lambda w: {"new_title": "复制的课程", "new_slug": "copied", "new_parent_page": w.school_b.pk},
        form_refusal=True,
    ),
    Case(
        "page_move_copy",
        "copy school A's course within school A (POST)",
        lambda w: reverse("wagtailadmin_pages:copy", args=(w.course_a.pk,)),
        SCHOOL_A,
        method="post",
        write=True,
        ok=(302,),
        data=lambda w: {"new_title": "复制的课程", "new_slug": "copied", "new_parent_page": w.school_a.pk},
        form_refusal=True,
    ),
    Case(
        "page_review",
        "approve school B's submission (POST)",
        lambda w: reverse("wagtailadmin_pages:workflow_action", args=(w.draft_b.pk, "approve", w.task_state_b.pk)),
        CENTRE,
        method="post",
        write=True,
        data=lambda w: {"comment": "同意"},
        ok=(200, 302),
    ),
    Case(
        "page_review",
        "preview the submission under review",
        lambda w: reverse("wagtailadmin_pages:workflow_preview", args=(w.draft_b.pk, w.task_state_b.task_id)),
        CENTRE,
    ),
    Case(
        "bulk_action",
        "bulk-publish school B's draft (POST)",
        lambda w: reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish")) + f"?id={w.draft_b.pk}",
        CENTRE,
        method="post",
        write=True,
        ok=(302,),
    ),
    # Images and documents ------------------------------------------------------------------------------------
    Case(
        "images",
        "image index",
        lambda w: reverse("wagtailimages:index"),
        STAFF,
        secret=lambda w: "乙校图片",
        may_see=SCHOOL_B,
    ),
    Case("images", "edit school B's image", lambda w: reverse("wagtailimages:edit", args=(w.image_b.pk,)), SCHOOL_B),
    # Wagtail treats delete as change for images and documents: a school manages its own collection.
    Case(
        "images",
        "delete school B's image (POST)",
        lambda w: reverse("wagtailimages:delete", args=(w.image_b.pk,)),
        SCHOOL_B,
        method="post",
        write=True,
        ok=(302,),
    ),
    Case(
        "images",
        "preview school B's image",
        lambda w: reverse("wagtailimages:preview", args=(w.image_b.pk, "fill-100x100")),
        SCHOOL_B,
    ),
    Case(
        "images",
        "URL generator for school B's image (off: no dynamic image serve view is installed)",
        lambda w: reverse("wagtailimages:url_generator", args=(w.image_b.pk,)),
        NOBODY,
    ),
    Case(
        "images",
        "usage of school B's image",
        lambda w: reverse("wagtailimages:image_usage", args=(w.image_b.pk,)),
        SCHOOL_B,
    ),
    Case(
        "documents",
        "usage of school B's document",
        lambda w: reverse("wagtaildocs:document_usage", args=(w.doc_b.pk,)),
        SCHOOL_B,
    ),
    Case(
        "documents",
        "admin API document",
        lambda w: reverse("wagtailadmin_api:documents:detail", args=(w.doc_b.pk,)),
        SCHOOL_B,
    ),
    # Choosers and the admin API open for any admin user, listing only what the person may choose.
    Case(
        "images",
        "admin API image listing",
        lambda w: reverse("wagtailadmin_api:images:listing"),
        ADMIN,
        secret=lambda w: "乙校图片",
        may_see=SCHOOL_B,
    ),
    Case(
        "images",
        "image chooser",
        lambda w: reverse("wagtailimages_chooser:choose"),
        ADMIN,
        secret=lambda w: "乙校图片",
        may_see=SCHOOL_B,
    ),
    Case(
        "images",
        "choose school B's image",
        lambda w: reverse("wagtailimages_chooser:chosen", args=(w.image_b.pk,)),
        SCHOOL_B,
    ),
    Case(
        "images", "admin API image", lambda w: reverse("wagtailadmin_api:images:detail", args=(w.image_b.pk,)), SCHOOL_B
    ),
    Case(
        "documents",
        "document index",
        lambda w: reverse("wagtaildocs:index"),
        STAFF,
        secret=lambda w: "乙校文件",
        may_see=SCHOOL_B,
    ),
    Case("documents", "edit school B's document", lambda w: reverse("wagtaildocs:edit", args=(w.doc_b.pk,)), SCHOOL_B),
    Case(
        "documents",
        "document chooser",
        lambda w: reverse("wagtaildocs_chooser:choose"),
        ADMIN,
        secret=lambda w: "乙校文件",
        may_see=SCHOOL_B,
    ),
    Case(
        "documents",
        "choose school B's document",
        lambda w: reverse("wagtaildocs_chooser:chosen", args=(w.doc_b.pk,)),
        SCHOOL_B,
    ),
    # Lesson video/audio: a school's staff manage their own collection's (delete counts as change, as for images).
    Case(
        "lesson_media",
        "media index",
        lambda w: reverse("wagtailmedia:index"),
        STAFF,
        secret=lambda w: "乙校音视频",
        may_see=SCHOOL_B,
    ),
    Case("lesson_media", "add media form", lambda w: reverse("wagtailmedia:add", args=("video",)), STAFF),
    Case(
        "lesson_media", "edit school B's media", lambda w: reverse("wagtailmedia:edit", args=(w.media_b.pk,)), SCHOOL_B
    ),
    Case(
        "lesson_media",
        "delete school B's media (POST)",
        lambda w: reverse("wagtailmedia:delete", args=(w.media_b.pk,)),
        SCHOOL_B,
        method="post",
        write=True,
        ok=(302,),
    ),
    Case(
        "lesson_media",
        "usage of school B's media",
        lambda w: reverse("wagtailmedia:media_usage", args=(w.media_b.pk,)),
        SCHOOL_B,
    ),
    Case(
        "lesson_media",
        "media chooser",
        lambda w: reverse("wagtailmedia:chooser"),
        ADMIN,
        secret=lambda w: "乙校音视频",
        may_see=SCHOOL_B,
    ),
    Case(
        "lesson_media",
        "video chooser",
        lambda w: reverse("wagtailmedia:chooser_typed", args=("video",)),
        ADMIN,
        secret=lambda w: "乙校音视频",
        may_see=SCHOOL_B,
    ),
    Case(
        "lesson_media",
        "choose school B's media",
        lambda w: reverse("wagtailmedia:media_chosen", args=(w.media_b.pk,)),
        SCHOOL_B,
    ),
    Case(
        "lesson_media",
        "chooser upload with no file (POST)",
        lambda w: reverse("wagtailmedia:chooser_upload", args=("video",)),
        STAFF,
        method="post",
        data=lambda w: {"media-chooser-upload-title": "x"},
    ),
    Case(
        "lesson_media",
        "processing page",
        lambda w: reverse("lesson_media_processing"),
        STAFF,
        secret=lambda w: "乙校音视频",
        may_see=SCHOOL_B,
    ),
    Case(
        "lesson_media",
        "retry school B's failed rendition (POST)",
        lambda w: reverse("lesson_media_retry", args=(w.media_b.pk,)),
        SCHOOL_B,
        method="post",
        write=True,
        ok=(302,),
    ),
    Case(
        "lesson_media",
        "download school B's original",
        lambda w: reverse("lesson_media_original", args=(w.media_b.pk,)),
        SCHOOL_B,
    ),
    # Snippets --------------------------------------------------------------------------------------------------
    # The centre reaches its snippets through the 课程数据 menu; the bare index is for administrators.
    Case("snippets_index", "snippet index", lambda w: reverse("wagtailsnippets:index"), NOBODY),
    Case("snippets_centre", "category list", lambda w: reverse("wagtailsnippets_courses_category:list"), CENTRE),
    Case(
        "snippets_centre",
        "add a category (POST)",
        lambda w: reverse("wagtailsnippets_courses_category:add"),
        CENTRE,
        method="post",
        write=True,
        ok=(302,),
        data=lambda w: {"name": "新类别", "slug": "", "description": "", "sort_order": "1"},
    ),
    Case(
        "snippet_chooser",
        "category chooser",
        lambda w: reverse("wagtailsnippetchoosers_courses_category:choose"),
        ADMIN,
    ),
    Case(
        "snippets_superuser", "search synonyms", lambda w: reverse("wagtailsnippets_course_search_synonym:list"), NOBODY
    ),
    # The learning city ---------------------------------------------------------------------------------------
    Case("public", "learning-city summary", lambda w: reverse("learningcity:summary"), ALL),
    Case("public", "learning-city summary API", lambda w: "/api/v1/learning-city/summary", ALL),
    Case("city_figures", "dashboard", lambda w: reverse("learningcity:dashboard"), CENTRE),
    Case(
        "city_figures",
        "dashboard table as XLSX",
        lambda w: reverse("learningcity:dashboard_export", args=["towns"]),
        CENTRE,
    ),
    Case("city_figures", "figures API", lambda w: "/api/v1/learning-city/figures", CENTRE),
    Case(
        "snippets_centre",
        "population figures",
        lambda w: reverse("wagtailsnippets_learningcity_townpopulation:list"),
        CENTRE,
    ),
    Case(
        "snippets_centre",
        "add population figures (form)",
        lambda w: reverse("wagtailsnippets_learningcity_townpopulation:add"),
        CENTRE,
    ),
    Case(
        "snippets_centre",
        "三农 categories",
        lambda w: reverse("wagtailsnippets_learningcity_ruraltrainingcategory:list"),
        CENTRE,
    ),
    # Stars and brands ----------------------------------------------------------------------------------------------
    Case("public_page", "honours page", lambda w: w.honours["page"].url, ALL),
    Case(
        "public_page",
        "公示 masks the name",
        lambda w: w.honours["page"].url + "notice/",
        ALL,
        secret=lambda w: w.users["resident"].display_name,
    ),
    Case("public_page", "荣誉榜", lambda w: w.honours["page"].url + "honour-roll/", ALL),
    Case("api_public", "honour rounds API", lambda w: "/api/v1/honours/rounds", ALL),
    Case(
        "api_public",
        "公示 API masks the name",
        lambda w: "/api/v1/honours/notice",
        ALL,
        secret=lambda w: w.users["resident"].display_name,
    ),
    Case("api_public", "awards API", lambda w: "/api/v1/honours/awards", ALL),
    Case(
        "honours_nominations",
        "nomination form",
        lambda w: reverse("honours:nominate", args=(w.honours["open_round"].pk,)),
        LOGGED_IN,
    ),
    Case(
        "honours_nominations",
        "self-nomination (POST)",
        lambda w: reverse("honours:nominate", args=(w.honours["open_round"].pk,)) + "?self=1",
        LOGGED_IN,
        method="post",
        write=True,
        ok=(302,),
        data=lambda w: {"headline": "自学成才", "story": "坚持学习。"},
    ),
    Case(
        "honours_nominations",
        "my nominations",
        lambda w: reverse("honours:mine"),
        LOGGED_IN,
        secret=lambda w: "乙校推荐的保密事迹",
        may_see=SCHOOL_B,
    ),
    Case(
        "honours_nominations",
        "withdraw school B's nomination (POST)",
        lambda w: reverse("honours:withdraw", args=(w.honours["by_school_b"].pk,)),
        SCHOOL_B,
        method="post",
        write=True,
        ok=(302,),
    ),
    Case(
        "honours_nominations",
        "evidence of school B's nomination",
        lambda w: reverse("honours:evidence", args=(w.honours["by_school_b"].pk, w.honours["evidence_b"].pk)),
        SCHOOL_B,
    ),
    Case(
        "honours_nominations",
        "the nominee's name consent (POST)",
        lambda w: reverse("honours:consent", args=(w.honours["shortlisted"].pk,)),
        frozenset({"resident"}),
        method="post",
        write=True,
        ok=(302,),
        data=lambda w: {"consent": "yes"},
    ),
    Case("honours_centre", "review screen", lambda w: reverse("honours_review"), CENTRE),
    Case(
        "honours_centre",
        "shortlist school B's nomination (POST)",
        lambda w: reverse("honours_decide", args=(w.honours["by_school_b"].pk,)),
        CENTRE,
        method="post",
        write=True,
        ok=(302,),
        data=lambda w: {"decision": "approve"},
    ),
    Case(
        "honours_centre",
        "award during the 公示 (POST): nobody",
        lambda w: reverse("honours_award", args=(w.honours["notice_round"].pk,)),
        NOBODY,
        method="post",
        write=True,
    ),
    Case("snippets_centre", "honour rounds", lambda w: reverse("wagtailsnippets_honours_honourround:list"), CENTRE),
    Case(
        "snippets_centre",
        "edit an honour round (form)",
        lambda w: reverse("wagtailsnippets_honours_honourround:edit", args=(w.honours["open_round"].pk,)),
        CENTRE,
    ),
    # Reports and audit ------------------------------------------------------------------------------------------
    Case("audit_log", "audit log", lambda w: reverse("jizhou_audit_log"), CENTRE),
    Case("audit_log", "audit log CSV export", lambda w: reverse("jizhou_audit_log") + "?export=csv", CENTRE),
    Case(
        "reports",
        "site history",
        lambda w: reverse("wagtailadmin_reports:site_history"),
        ADMIN,
        secret=lambda w: "乙校保密草稿课程",
        may_see=SCHOOL_B,
    ),
    Case(
        "reports",
        "workflow report",
        lambda w: reverse("wagtailadmin_reports:workflow"),
        STAFF,
        secret=lambda w: "乙校保密草稿课程",
        may_see=SCHOOL_B,
    ),
    Case("reports", "locked pages", lambda w: reverse("wagtailadmin_reports:locked_pages"), CENTRE),
    # Structure --------------------------------------------------------------------------------------------------
    Case("superuser_only", "users", lambda w: reverse("wagtailusers_users:index"), NOBODY),
    Case("superuser_only", "groups", lambda w: reverse("wagtailusers_groups:index"), NOBODY),
    Case(
        "superuser_only",
        "edit school B's group (POST)",
        lambda w: reverse("wagtailusers_groups:edit", args=(w.users["staff_b"].groups.first().pk,)),
        NOBODY,
        method="post",
        write=True,
        data=lambda w: {"name": "x"},
    ),
    Case("superuser_only", "sites", lambda w: reverse("wagtailsites:index"), NOBODY),
    Case("superuser_only", "workflows", lambda w: reverse("wagtailadmin_workflows:index"), NOBODY),
    Case("superuser_only", "redirects", lambda w: reverse("wagtailredirects:index"), NOBODY),
    Case("collections", "collections", lambda w: reverse("wagtailadmin_collections:index"), CENTRE),
    Case(
        "collections",
        "privacy of school B's collection",
        lambda w: reverse("wagtailadmin_collections:set_privacy", args=(w.collection_b.pk,)),
        CENTRE,
    ),
    Case(
        "collections",
        "rename school B's collection (POST)",
        lambda w: reverse("wagtailadmin_collections:edit", args=(w.collection_b.pk,)),
        CENTRE,
        method="post",
        write=True,
        ok=(302,),
        data=lambda w: {"name": "改名的集合", "parent": w.collection_b.get_parent().pk},
    ),
    Case(
        "collections",
        "delete school B's collection (POST)",
        lambda w: reverse("wagtailadmin_collections:delete", args=(w.collection_b.pk,)),
        NOBODY,
        method="post",
        write=True,
    ),
    # Community events --------------------------------------------------------------------------------------
    Case("events_public", "town feed", lambda w: reverse("events:town_feed", args=(w.events["town"].pk,)), ALL),
    Case("events_public", "school feed", lambda w: reverse("events:school_feed", args=(w.school_a.pk,)), ALL),
    Case("events_public", "events API", lambda w: "/api/v1/events/", ALL, secret=lambda w: w.users["resident"].phone),
    Case("events_public", "event API", lambda w: f"/api/v1/events/{w.events['free'].pk}", ALL),
    Case(
        "events_private_feed",
        "the resident's feed by its token",
        lambda w: reverse("events:my_feed", args=(w.events["token"],)),
        ALL,  # the token is the key, whoever holds it
    ),
    Case("events_private_feed", "a forged token", lambda w: reverse("events:my_feed", args=("forged",)), NOBODY),
    Case(
        "events_learner",
        "sign up for an event",
        lambda w: reverse("events:signup", args=(w.events["free"].pk,)),
        LOGGED_IN,
        method="post",
        write=True,
        ok=(302,),
    ),
    Case("events_learner", "my events", lambda w: reverse("events:mine"), LOGGED_IN, ok=(200,)),
    Case(
        "events_learner",
        "cancel the resident's sign-up",
        lambda w: reverse("events:cancel", args=(w.events["place"].pk,)),
        SCHOOL_A | {"resident"},
        method="post",
        write=True,
        ok=(302,),
    ),
    Case(
        "events_learner",
        "reset my calendar link",
        lambda w: reverse("events:reset_calendar"),
        LOGGED_IN,
        method="post",
        write=True,
        ok=(302,),
    ),
    Case(
        "events_learner",
        "sign up (API)",
        lambda w: f"/api/v1/events/{w.events['free'].pk}/signups",
        LOGGED_IN,
        method="post",
        write=True,
        ok=(201,),
    ),
    Case(
        "events_learner",
        "cancel the resident's sign-up (API)",
        lambda w: f"/api/v1/events/signups/{w.events['place'].pk}",
        SCHOOL_A | {"resident"},
        method="delete",
        write=True,
    ),
    Case("events_learner", "my sign-ups (API)", lambda w: "/api/v1/me/event-signups", LOGGED_IN),
    Case("events_school", "my schools' events", lambda w: reverse("events:teach_list"), LOGGED_IN),
    Case(
        "events_school",
        "roster of school A's event",
        lambda w: reverse("events:teach_roster", args=(w.events["under_way"].pk,)),
        SCHOOL_A,
        secret=lambda w: w.users["resident"].phone,
    ),
    Case(
        "events_school",
        "mark attendance at school A's event",
        lambda w: reverse("events:teach_roster", args=(w.events["under_way"].pk,)),
        SCHOOL_A,
        method="post",
        write=True,
        ok=(302,),
        data=lambda w: {"present": [w.events["under_way"].signups.get().pk]},
    ),
    # Study circles -------------------------------------------------------------------------------------------
    Case("circles_public", "circle list", lambda w: reverse("circles:list"), ALL, secret=lambda w: "甲校挂靠合唱团"),
    Case("circles_public", "active circle", lambda w: reverse("circles:detail", args=(w.circles["other"].pk,)), ALL),
    Case(
        "circles_public",
        "proposed circle: its reviewers only",
        lambda w: reverse("circles:detail", args=(w.circles["proposed"].pk,)),
        SCHOOL_A,
    ),
    Case("circles_public", "circles API", lambda w: "/api/v1/circles", ALL, secret=lambda w: "甲校挂靠合唱团"),
    Case("circles_public", "circle API", lambda w: f"/api/v1/circles/{w.circles['other'].pk}", ALL),
    Case("circles_public", "proposed circle API", lambda w: f"/api/v1/circles/{w.circles['proposed'].pk}", NOBODY),
    Case("circles_learner", "start a circle (form)", lambda w: reverse("circles:start"), LOGGED_IN),
    Case(
        "circles_learner",
        "start a circle (POST)",
        lambda w: reverse("circles:start"),
        LOGGED_IN,
        method="post",
        write=True,
        ok=(302,),
        data=lambda w: {
            "name": "新的读书会",
            "kind": "reading",
            "town": w.circles["town"].pk,
            "meeting_pattern": "每周日上午",
            "description": "一起读书。",
        },
    ),
    Case("circles_learner", "my circles", lambda w: reverse("circles:mine"), LOGGED_IN),
    Case(
        "circles_learner",
        "join a circle",
        lambda w: reverse("circles:join", args=(w.circles["led"].pk,)),
        LOGGED_IN - {"resident"},  # the resident leads it already
        method="post",
        write=True,
        ok=(302,),
    ),
    Case(
        "circles_learner",
        "leave a circle",
        lambda w: reverse("circles:leave", args=(w.circles["other"].pk,)),
        frozenset({"resident"}),
        method="post",
        write=True,
        ok=(302,),
    ),
    Case(
        "circles_learner",
        "join a circle (API)",
        lambda w: f"/api/v1/circles/{w.circles['led'].pk}/membership",
        LOGGED_IN - {"resident"},
        method="post",
        write=True,
        ok=(201,),
    ),
    Case(
        "circles_learner",
        "leave a circle (API)",
        lambda w: f"/api/v1/circles/{w.circles['other'].pk}/membership",
        frozenset({"resident"}),
        method="delete",
        write=True,
    ),
    Case(
        "circles_leader",
        "record a meeting (form)",
        lambda w: reverse("circles:meeting_new", args=(w.circles["led"].pk,)),
        frozenset({"resident"}),
    ),
    Case(
        "circles_leader",
        "record a meeting (POST)",
        lambda w: reverse("circles:meeting_new", args=(w.circles["led"].pk,)),
        frozenset({"resident"}),
        method="post",
        write=True,
        ok=(302,),
        data=lambda w: {
            "held_on": w.circles["meeting"].held_on.isoformat(),
            "hours": "2",
            "topic": "篆书",
            "attendees": [str(w.users["resident"].pk)],
        },
    ),
    Case(
        "circles_leader",
        "edit a meeting",
        lambda w: reverse("circles:meeting_edit", args=(w.circles["led"].pk, w.circles["meeting"].pk)),
        frozenset({"resident"}),
        method="post",
        write=True,
        ok=(302,),
        data=lambda w: {
            "held_on": w.circles["meeting"].held_on.isoformat(),
            "hours": "3",
            "topic": "隶书",
            "attendees": [str(w.circles["member"].pk)],
        },
    ),
    Case(
        "circles_leader",
        "delete a meeting",
        lambda w: reverse("circles:meeting_delete", args=(w.circles["led"].pk, w.circles["meeting"].pk)),
        frozenset({"resident"}),
        method="post",
        write=True,
        ok=(302,),
    ),
    Case(
        "circles_leader",
        "record an outcome",
        lambda w: reverse("circles:activity_new", args=(w.circles["led"].pk,)),
        frozenset({"resident"}),
        method="post",
        write=True,
        ok=(302,),
        data=lambda w: {"kind": "work", "occurred_on": w.circles["meeting"].held_on.isoformat(), "title": "作品集"},
    ),
    Case("circles_admin", "circles in the admin", lambda w: reverse("circles_admin_index"), SCHOOL_A),
    Case(
        "circles_admin",
        "approve school A's circle",
        lambda w: reverse("circles_admin_approve", args=(w.circles["proposed"].pk,)),
        SCHOOL_A,
        method="post",
        write=True,
        ok=(302,),
    ),
    Case(
        "circles_admin",
        "dissolve a circle attached to no school",
        lambda w: reverse("circles_admin_dissolve", args=(w.circles["other"].pk,)),
        CENTRE,
        method="post",
        write=True,
        ok=(302,),
    ),
    Case(
        "circles_admin",
        "yearly assessment (form)",
        lambda w: reverse("circles_admin_assess", args=(w.circles["led"].pk,)),
        CENTRE,
    ),
    Case(
        "circles_admin",
        "yearly assessment (POST)",
        lambda w: reverse("circles_admin_assess", args=(w.circles["led"].pk,)),
        CENTRE,
        method="post",
        write=True,
        ok=(302,),
        data=lambda w: {"year": w.circles["meeting"].held_on.year, "rating": "good", "note": ""},
    ),
]


# --- 3. Running them -----------------------------------------------------------------------------------------


def snapshot() -> tuple:
    """Everything a request could wrongly change, in a comparable form (not sessions or log rows)."""
    return (
        list(
            Page.objects.order_by("pk").values_list(
                "pk", "title", "slug", "live", "path", "latest_revision_id", "locked", "has_unpublished_changes"
            )
        ),
        Revision.objects.count(),
        list(WorkflowState.objects.order_by("pk").values_list("pk", "status")),
        list(TaskState.objects.order_by("pk").values_list("pk", "status")),
        list(Workflow.objects.order_by("pk").values_list("pk", "active")),
        list(PageViewRestriction.objects.values_list("pk", "restriction_type")),
        list(Collection.objects.order_by("pk").values_list("pk", "name", "path")),
        GroupPagePermission.objects.count(),
        GroupCollectionPermission.objects.count(),
        list(
            User.objects.order_by("pk").values_list(
                "pk", "is_active", "is_staff", "is_superuser", "phone", "session_generation"
            )
        ),
        list(APIToken.objects.order_by("pk").values_list("pk", "revoked_at")),
        list(User.groups.through.objects.order_by("pk").values_list("user_id", "group_id")),
        list(User.user_permissions.through.objects.order_by("pk").values_list("user_id", "permission_id")),
        list(Category.objects.values_list("pk", "name")),
        list(Audience.objects.values_list("pk", "name")),
        list(CourseClass.objects.order_by("pk").values_list("pk", "capacity", "seats_taken", "teacher_id")),
        list(Enrolment.objects.order_by("pk").values_list("pk", "status")),
        list(Certificate.objects.order_by("pk").values_list("pk", "status")),
        list(Recognition.objects.order_by("pk").values_list("pk", "status")),
        list(Nomination.objects.order_by("pk").values_list("pk", "status", "name_consent")),
        _events(),
        list(HonourRound.objects.order_by("pk").values_list("pk", "awarded_at")),
        NominationEvidence.objects.count(),
        Meeting.objects.count(),
        Attendance.objects.count(),
        PhoneReveal.objects.count(),
        list(Site.objects.values_list("pk", "root_page_id")),
        _images_and_documents(),
    )


def _images_and_documents():
    from django.contrib.auth.models import Group
    from wagtail.documents.models import Document
    from wagtail.images.models import Image

    return (
        list(Image.objects.order_by("pk").values_list("pk", "title", "collection_id")),
        list(Document.objects.order_by("pk").values_list("pk", "title", "collection_id")),
        list(Group.objects.order_by("pk").values_list("pk", "name")),
        list(LessonMedia.objects.order_by("pk").values_list("pk", "title", "collection_id", "status")),
        list(LessonProgress.objects.order_by("pk").values_list("pk", "unique_seconds", "position")),
        list(LessonViewing.objects.order_by("pk").values_list("pk", "last_report_at")),
        list(MediaRendition.objects.order_by("pk").values_list("pk", "status")),
        _circles(),
    )


def _circles():
    from circles.models import ActivityRecord, Assessment, CircleAttendance, CircleMeeting, Membership, StudyCircle

    return (
        list(StudyCircle.objects.order_by("pk").values_list("pk", "status", "leader_id")),
        list(Membership.objects.order_by("pk").values_list("pk", "left_at")),
        list(CircleMeeting.objects.order_by("pk").values_list("pk", "held_on", "hours", "topic")),
        list(CircleAttendance.objects.order_by("pk").values_list("meeting_id", "member_id")),
        ActivityRecord.objects.count(),
        Assessment.objects.count(),
    )


def _is_refusal(response, case: Case) -> bool:
    """403/404/405/401, or a redirect (to a login page, to the admin home with Wagtail's "no permission"
    message, back to where the person came from with an error message): a redirect carries no content."""
    if response.status_code in REFUSED or response.status_code == 302:
        return True
    return case.write and case.form_refusal and response.status_code == 200


def _request(client, case: Case, world: World):
    url = case.url(world)
    data = case.data(world) if case.data else None
    method = getattr(client, case.method)
    if data is None:
        return method(url, **case.kwargs)
    if case.kwargs.get("content_type") == "application/json":
        import json

        return method(url, json.dumps(data), **case.kwargs)
    return method(url, data, **case.kwargs)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at the end; each test runs in a
    savepoint within it, and each request in a further savepoint (see _check)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def _check(case: Case, persona: str, world: World) -> str | None:
    client = world.client(persona)
    with transaction.atomic():
        before = snapshot()
        response = _request(client, case, world)
        changed = snapshot() != before
        transaction.set_rollback(True)
    where = f"{case.cls} · {case.label} · {persona}: {case.method.upper()} {case.url(world)} → {response.status_code}"
    if response.status_code == 302:
        where += f" ({response['Location']})"
    if persona in case.allowed:
        if case.changes_nothing and changed:
            return f"{where}: changed what it must not (groups, staff or superuser flags…)"
        if response.status_code not in case.ok:
            return f"{where}: should be allowed"
        if case.write and not changed:
            return f"{where}: allowed write changed nothing"
        if case.secret and persona not in case.may_see and response.status_code == 200:
            body = b"".join(response) if response.streaming else response.content
            if case.secret(world).encode() in body:
                return f"{where}: shows {case.secret(world)!r} it should not"
        return None
    if changed:
        return f"{where}: refused request changed the database"
    if not _is_refusal(response, case):
        return f"{where}: should be refused"
    return None


@pytest.mark.parametrize("case", CASES, ids=[f"{c.cls}:{c.label}" for c in CASES])
def test_access(case, world, db):
    failures = [message for persona in PERSONAS if (message := _check(case, persona, world))]
    assert not failures, "\n".join(failures)


def _events():
    return (
        list(EventPage.objects.order_by("pk").values_list("pk", "seats_taken", "arrivals")),
        list(EventSignup.objects.order_by("pk").values_list("pk", "status", "attended_at")),
        list(CalendarToken.objects.order_by("pk").values_list("pk", "token")),
    )
