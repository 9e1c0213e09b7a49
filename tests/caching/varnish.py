"""A real Varnish (Debian's ``varnishd`` with varnish-modules' xkey) running deploy/varnish.vcl.

Used by tests/caching/test_varnish.py and bench/workday.py. Each instance has its own working
directory (``-n``) and a free loopback port, so several can run at once (pytest-xdist); it
runs in the foreground of its own process group and is stopped by it. Only the backend's
address is changed in the shipped VCL: its ACL, its rules and its headers are what is tested,
under the run-time parameters of deploy/varnish.params.
"""

from __future__ import annotations

import glob
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VCL = REPO / "deploy" / "varnish.vcl"
PARAMS = REPO / "deploy" / "varnish.params"
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
INSTALL_HINT = "install it with `bash .ci/install-varnish` (Debian: varnish varnish-modules)"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def varnish_available() -> bool:
    """varnishd and the xkey vmod (varnish-modules) are both installed."""
    return os.access(VARNISHD, os.X_OK) and bool(
        glob.glob("/usr/lib/*/varnish/vmods/libvmod_xkey.so")
    )


def varnishd_params() -> list[str]:
    """deploy/varnish.params as ``varnishd`` arguments: ``["-p", "name=value", …]``."""
    args: list[str] = []
    for line in PARAMS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            args += ["-p", line]
    return args


def vcl_for(backend_host: str, backend_port: int) -> str:
    """deploy/varnish.vcl with its backend pointed at ``backend_host:backend_port``."""
    text = VCL.read_text()
    text, hosts = re.subn(r'(\.host\s*=\s*)"[^"]*"', rf'\1"{backend_host}"', text, count=1)
    text, ports = re.subn(r'(\.port\s*=\s*)"[^"]*"', rf'\1"{backend_port}"', text, count=1)
    assert hosts == ports == 1, "deploy/varnish.vcl no longer has one backend .host/.port"
    return text


class Varnish:
    """One ``varnishd`` in front of one backend, on a free port of 127.0.0.1."""

    def __init__(self, workdir: Path, backend_port: int, backend_host: str = "127.0.0.1"):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.vcl_path = self.workdir / "varnish.vcl"
        self.vcl_path.write_text(vcl_for(backend_host, backend_port))
        self.log_path = self.workdir / "varnishd.log"
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, memory: str = "64m", params: bool = True) -> Varnish:
        """``params=False`` runs varnishd with its defaults instead of deploy/varnish.params
        (bench/varnish_fetch.py's "before")."""
        for _attempt in range(3):  # a free port can be taken before varnishd binds it
            self.port = free_port()
            self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
            self.process = subprocess.Popen(
                [
                    VARNISHD,
                    "-F",  # foreground: the process group is ours to stop
                    "-j",
                    "none",  # no privilege switch: the working dir is a test's temp dir
                    "-n",
                    str(self.workdir / "instance"),
                    "-a",
                    f"127.0.0.1:{self.port}",
                    "-T",
                    "none",
                    "-f",
                    str(self.vcl_path),
                    "-s",
                    f"malloc,{memory}",
                    *(varnishd_params() if params else []),
                ],
                stdout=self.log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            if self._wait_ready():
                return self
            self.stop()
        raise AssertionError(f"varnishd did not start:\n{self.log_tail()}")

    def _wait_ready(self, seconds: float = 30) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                # A PURGE of a tag nothing carries: answered by the VCL once it is loaded.
                if self.purge(["varnish-ready-probe"]).status == 200:
                    return True
            except OSError:
                time.sleep(0.1)
        return False

    def request(
        self,
        method: str,
        path: str,
        headers: dict[str, str] | None = None,
        source_address: str | None = None,
    ) -> http.client.HTTPResponse:
        """One request on its own connection; ``source_address`` picks the client's IP
        (any 127.0.0.0/8 address is this machine's loopback)."""
        connection = http.client.HTTPConnection(
            "127.0.0.1",
            self.port,
            timeout=30,
            source_address=(source_address, 0) if source_address else None,
        )
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            response.text = response.read().decode("utf-8", "replace")
            return response
        finally:
            connection.close()

    def get(self, path: str) -> http.client.HTTPResponse:
        return self.request("GET", path)

    def purge(self, tags, source_address: str | None = None) -> http.client.HTTPResponse:
        return self.request(
            "PURGE", "/", {"xkey-purge": " ".join(tags)}, source_address=source_address
        )

    def stats(self) -> dict[str, int]:
        """varnishstat's counters (``MAIN.fetch_failed``, ``SMA.s0.c_fail``…)."""
        out = subprocess.run(
            [
                shutil.which("varnishstat") or "varnishstat",
                "-1",
                "-n",
                str(self.workdir / "instance"),
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout
        return {
            parts[0]: int(parts[1])
            for parts in (line.split() for line in out.splitlines())
            if len(parts) >= 2 and parts[1].isdigit()
        }

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        if getattr(self, "log", None):
            self.log.close()
