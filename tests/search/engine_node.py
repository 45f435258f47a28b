"""A real OpenSearch node for the tests (tools/opensearch-node, built by `make test` from Maven Central
artifacts): started on a free loopback port, ready when the cluster health is yellow, stopped at the end.

The session's node serves every engine test (`search_server_url` in conftest.py); the fault tests start a
throwaway one of their own, so stopping it disturbs nobody."""

import json
import os
import subprocess
import tempfile
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.processes import free_port, stop_process, wait_for

LAUNCHER = Path(__file__).resolve().parents[2] / "tools" / "opensearch-node"
CLASSPATH = f"{LAUNCHER / 'target' / 'classes'}{os.pathsep}{LAUNCHER / 'target' / 'lib' / '*'}"
# A small heap is plenty for test indices; C1 only and one GC thread start the JVM faster on a busy machine.
JAVA_OPTIONS = ["-Xms512m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss1m"]
START_TIMEOUT = 180  # seconds: a cold JVM on two shared cores loads a lot of classes


def cluster_health(url: str, timeout: float = 1.0) -> str:
    """green/yellow/red, or "" when nothing answers."""
    try:
        with urllib.request.urlopen(f"{url}/_cluster/health", timeout=timeout) as response:
            return json.load(response)["status"]
    except (OSError, ValueError, KeyError):
        return ""


@dataclass
class SearchNode:
    home: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="search-node-")))
    port: int = field(default_factory=free_port)
    java_options: list[str] = field(default_factory=lambda: list(JAVA_OPTIONS))
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.home / "node.log"

    def start(self) -> "SearchNode":
        if not (LAUNCHER / "target" / "lib").is_dir():
            raise AssertionError(
                "the OpenSearch node for the search tests is not built: run `make opensearch-node` (Maven)"
            )
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    "java",
                    *self.java_options,
                    "-cp",
                    CLASSPATH,
                    "jizhou.searchnode.SearchNode",
                    str(self.port),
                    str(self.home),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        wait_for(self._ready, START_TIMEOUT, f"the OpenSearch node on port {self.port}", self.log)
        return self

    def _ready(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise AssertionError(
                f"the OpenSearch node exited ({self.process.returncode}):\n{self.log.read_text()[-3000:]}"
            )
        return cluster_health(self.url) in ("yellow", "green")

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, timeout=30)
            self.process = None
