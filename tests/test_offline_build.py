"""The build needs no network.

A small copy of the book (the introduction and chapter 1, which has charts, quotes, glue and
a widget) is built with ``bash scripts/build.sh`` — setup, notebook execution on a kernel
over 127.0.0.1, strict HTML build, Chinese search index — with no network:

- preferably in a new network namespace that has only the loopback interface
  (``unshare -n``, needs root or CAP_SYS_ADMIN; ``lo`` is brought up for the kernel);
- otherwise with every Python process blocked from non-loopback sockets by a
  ``sitecustomize`` module on PYTHONPATH (covers Sphinx, Jupyter Book, the kernels).

The test prints which of the two ran (see ``-rA`` or the captured output);
``IHBOOK_OFFLINE_TEST=sitecustomize`` forces the second.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import reexecute  # noqa: E402

# Inside the sandbox: prove there is no route out before building.
NET_PROBE = """
import socket, sys
for host, port in (("1.1.1.1", 443), ("8.8.8.8", 53)):
    try:
        socket.create_connection((host, port), timeout=3).close()
    except OSError as exc:
        print(f"offline: connect {host}:{port} -> {type(exc).__name__}: {exc}")
    else:
        print(f"NETWORK REACHABLE: {host}:{port}"); sys.exit(3)
try:
    socket.getaddrinfo("pypi.org", 443)
except OSError as exc:
    print(f"offline: resolve pypi.org -> {type(exc).__name__}")
else:
    print("NAME RESOLUTION WORKS"); sys.exit(3)
"""

SITECUSTOMIZE = '''
"""Test-only: refuse every non-loopback connection (tests/test_offline_build.py)."""
import errno, ipaddress, socket

_connect, _connect_ex, _getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo


def _local(host):
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _check(sock, address):
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
        raise OSError(errno.ENETUNREACH, f"network blocked by the offline build test: {address[0]}")


def connect(self, address):
    _check(self, address)
    return _connect(self, address)


def connect_ex(self, address):
    _check(self, address)
    return _connect_ex(self, address)


def getaddrinfo(host, *args, **kwargs):
    if isinstance(host, bytes):
        host = host.decode()
    if not _local(host):
        raise socket.gaierror(socket.EAI_NONAME, f"name resolution blocked by the offline build test: {host}")
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo
'''


def _unshare_works() -> bool:
    if os.environ.get("IHBOOK_OFFLINE_TEST") == "sitecustomize":  # to exercise the fallback
        return False
    if not shutil.which("unshare") or not shutil.which("ip"):
        return False
    probe = subprocess.run(["unshare", "-n", "--", "sh", "-c", "ip link set lo up"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.build
def test_build_succeeds_without_network(tmp_path, record_property):
    copy = reexecute.snapshot(tmp_path / "repo")
    shutil.rmtree(copy / "_build", ignore_errors=True)
    # the whole book: chapters link each other through the glossary and the bibliography
    env = reexecute.kernel_env(copy)
    python = str(copy / ".venv" / "bin" / "python")

    if _unshare_works():
        method = "unshare -n (network namespace with only loopback)"
        script = (f"ip link set lo up && echo interfaces: $(ip -o link show | cut -d: -f2) && "
                  f"{python} -c \"$NET_PROBE\" && exec bash scripts/build.sh")
        cmd = ["unshare", "-n", "--", "sh", "-c", script]
        env["NET_PROBE"] = NET_PROBE
    else:
        method = "sitecustomize blocking non-loopback sockets (unshare -n not available here, or IHBOOK_OFFLINE_TEST set)"
        site = tmp_path / "offline-site"
        site.mkdir()
        (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
        env["PYTHONPATH"] = f"{site}:{env['PYTHONPATH']}"
        cmd = ["sh", "-c", f"{python} -c \"$NET_PROBE\" && exec bash scripts/build.sh"]
        env["NET_PROBE"] = NET_PROBE
    print(f"offline build via: {method}")
    record_property("network_isolation", method)

    proc = subprocess.run(cmd, cwd=copy, env=env, capture_output=True, text=True, timeout=900,
                          stdin=subprocess.DEVNULL)
    out = proc.stdout + proc.stderr
    print("\n".join(line for line in out.splitlines() if line.startswith(("interfaces:", "offline:"))))
    assert "NETWORK REACHABLE" not in out and "NAME RESOLUTION WORKS" not in out, f"sandbox not offline ({method})"
    assert proc.returncode == 0, f"offline build failed ({method}):\n{out[-6000:]}"
    assert "build succeeded" in (copy / "_build" / "build.log").read_text(encoding="utf-8")
    page = copy / "_build" / "html" / "book" / "01_pain_points.html"
    assert page.is_file(), "chapter 1 page missing"
    html = page.read_text(encoding="utf-8")
    assert "application/vnd.jupyter.widget-state+json" in html, "chapter 1 lost its widget state offline"
    assert "data:image/png;base64," in html, "chapter 1 lost its charts offline"
