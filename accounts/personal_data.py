"""Personal data, wherever it is kept: the seam for 下载我的数据 (export) and 注销账号 (erasure).

accounts knows no app above it. Each app that keeps data about a person registers, from its AppConfig.ready(),
an exporter (`export(user) -> dict` of top-level keys for the export file; a dict under a key that is already
there, such as "account", is merged into it) and an eraser (`erase(user=user)`, run in the deletion's
transaction before the user row goes; it may return a callable to run once the deletion is committed, e.g.
to delete stored files). They run in registration order, which is INSTALLED_APPS order, top of the stack
first: enrolment (cancel open enrolments, free seats) before records (anonymise certificates, delete evidence
and statements). accounts.services.account_delete runs the erasers; `personal_data_export` the exporters.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from wagtail.models import APIToken

from accounts.models import User

Exporter = Callable[[User], dict]
Eraser = Callable[..., Callable[[], None] | None]


@dataclass(frozen=True)
class PersonalDataHandler:
    name: str
    export: Exporter | None = None
    erase: Eraser | None = None


_handlers: dict[str, PersonalDataHandler] = {}


def register(*, name: str, export: Exporter | None = None, erase: Eraser | None = None) -> None:
    """Register (or, under the same name, replace) an app's exporter and eraser."""
    _handlers[name] = PersonalDataHandler(name=name, export=export, erase=erase)


def unregister(*, name: str) -> None:
    _handlers.pop(name, None)


def handlers() -> list[PersonalDataHandler]:
    return list(_handlers.values())


def _iso(value):
    return value.isoformat() if value else None


def _merge(data: dict, part: dict, *, name: str) -> None:
    for key, value in part.items():
        if key not in data:
            data[key] = value
        elif isinstance(data[key], dict) and isinstance(value, dict):
            data[key].update(value)
        else:
            raise ValueError(f"personal data exporter {name!r} repeats the key {key!r}")


def personal_data_export(user: User) -> dict:
    """Everything the platform holds about `user`, as JSON-ready data (the 下载我的数据 file): the account and
    its API tokens, then what each registered app exports."""
    data = {
        "exported_at": _iso(timezone.now()),
        "account": {
            "phone": user.phone,
            "display_name": user.display_name,
            "email": user.email,
            "birth_year": user.birth_year,
            "home_town": user.home_town.name if user.home_town_id else None,
            "audiences": list(user.audiences.values_list("name", flat=True)),
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "roles": list(user.groups.values_list("name", flat=True)),
        },
        "api_tokens": [
            # Wagtail's APIToken calls it `created` (not created_at); the secret itself is never stored.
            {
                "name": t.name,
                "created_at": _iso(t.created),
                "last_used_at": _iso(t.last_used_at),
                "revoked_at": _iso(t.revoked_at),
            }
            for t in APIToken.objects.filter(user=user).order_by("pk")
        ],
    }
    for handler in handlers():
        if handler.export is not None:
            _merge(data, handler.export(user), name=handler.name)
    return data
