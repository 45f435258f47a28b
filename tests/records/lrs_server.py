"""Run ralph-malph's LRS for the tests, with the `fs` backend — the app `ralph runserver -b fs` starts — under
.venv-lrs's Python: `python lrs_server.py HOST PORT DATA_DIR` (credentials come from RALPH_AUTH_FILE).

Two differences from `ralph runserver`: no auto-reloader (one process, so the fixture can stop it), and one fix.
ralph 5.1.0's file-system LRS writes every POST with the backend's default operation, "create", which refuses
an existing file: the first POST works and every later one fails with HTTP 500 ("fs_lrs.jsonl already exists
and overwrite is not allowed"). Appending is what a file-backed store has to do, so the default becomes APPEND.
"""

import os
import sys


def main() -> None:
    host, port, data_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    # Read by ralph's settings when first imported: set before any ralph import.
    os.environ["RALPH_RUNSERVER_BACKEND"] = "fs"
    os.environ["RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH"] = data_dir

    import uvicorn
    from ralph.backends.data.base import BaseOperationType
    from ralph.backends.lrs.fs import FSLRSBackend

    FSLRSBackend.default_operation_type = BaseOperationType.APPEND
    uvicorn.run("ralph.api:app", host=host, port=port, log_level="warning")


if __name__ == "__main__":
    main()
