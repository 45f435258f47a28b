"""Settings: `base` is the site's (embedded defaults, production with DJANGO_DEBUG=0 and its variables set),
`test` is base plus what every pytest run needs. `env` is how both read the environment.

`jizhou.settings` itself is the base settings, so DJANGO_SETTINGS_MODULE=jizhou.settings keeps working.
"""

from jizhou.settings.base import *  # noqa: F403
