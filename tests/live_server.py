"""The live server answers one request at a time when it shares the test's in-memory SQLite connection.

pytest-django hands the server thread the test's own connection when the database is SQLite in memory (a
second connection would see an empty database). Django's live server is threaded, and Chromium sends
requests side by side: the Wagtail editor pings and releases its editing session while the form it belongs
to is submitted. Two requests on one connection share one transaction state, so one request's commit could
end the other's savepoint. A real deployment gives every request its own connection; the tests get the
nearest safe thing, one request at a time on the shared connection.
PostgreSQL is not shared, so its live server stays fully threaded.
"""

import threading

from django.core.servers.basehttp import ThreadedWSGIServer


class SharedConnectionWSGIServer(ThreadedWSGIServer):
    def set_app(self, application):
        if self.connections_override:
            application = _one_at_a_time(application)
        super().set_app(application)


def _one_at_a_time(application):
    lock = threading.Lock()

    def serialised(environ, start_response):
        with lock:
            response = application(environ, start_response)
            try:
                # Streamed bodies may still read the database, so they are read inside the lock too.
                return list(response)
            finally:
                if hasattr(response, "close"):
                    response.close()

    return serialised
