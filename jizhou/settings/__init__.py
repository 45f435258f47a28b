"""Settings: `base` is the site's (embedded defaults, production with DJANGO_DEBUG=0 and its variables set),
`test` is base plus what every pytest run needs. `env` is how both read the environment.

`jizhou.settings` itself reads as the base settings, so DJANGO_SETTINGS_MODULE=jizhou.settings keeps working. It
loads the base only when a setting is asked for (PEP 562), not on import: importing `jizhou.settings.test` imports
this package first, and the test settings must set their defaults before the base reads the environment.
"""

from importlib import import_module


def __getattr__(name: str):
    return getattr(import_module("jizhou.settings.base"), name)


def __dir__() -> list[str]:
    return dir(import_module("jizhou.settings.base"))
