"""How settings read the environment: django-environ's `Env`, with two rules of this project.

- A variable set to the empty string counts as unset (`DJANGO_HTTPS=` in a compose file means "the default"),
  as every variable was read before django-environ.
- A value is taken as it is. django-environ would look a value starting with `$` up as the name of another
  variable ("proxied values"); a generated SECRET_KEY or a password may start with `$`.
"""

import os

import environ


class Env(environ.Env):
    def __init__(self, environ_: dict[str, str] | None = None, **scheme):
        super().__init__(**scheme)
        source = os.environ if environ_ is None else environ_
        self.ENVIRON = {name: value for name, value in source.items() if value != ""}

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        value = self.ENVIRON.get(f"{self.prefix}{var}")
        if isinstance(value, str) and value.startswith("$"):
            return self.parse_value(value, cast)
        return super().get_value(var, cast=cast, default=default, parse_default=parse_default)

    def names(self, var: str, default: str = "") -> list[str]:
        """A comma-separated list (host names, origins): spaces around items and empty items dropped."""
        return [item.strip() for item in self.str(var, default=default).split(",") if item.strip()]
