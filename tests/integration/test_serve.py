"""`kratomlog serve` as a person runs it: a real process, a real port, the printed link."""

import http.client
import os
import re
import socket
import subprocess
import time

import pytest

from tests.integration.test_first_use import KRATOMLOG, run


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.skipif(KRATOMLOG is None, reason="the kratomlog command is not installed")
def test_serve_prints_a_link_that_signs_in_once(tmp_path):
    home = tmp_path / "home"
    assert (
        run(home, "dose", "2g", "--at", "2026-01-05T09:00").returncode == 0
    )  # tables made by the CLI
    port = free_port()
    env = {**os.environ, "KRATOMLOG_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    server = subprocess.Popen(
        [KRATOMLOG, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        link, printed = None, []
        deadline = time.monotonic() + 30
        while link is None and time.monotonic() < deadline and server.poll() is None:
            printed.append(server.stdout.readline())
            found = re.search(rf"(http://127\.0\.0\.1:{port}/login/\S+)", printed[-1])
            link = found.group(1) if found else None
        assert link, (
            f"no sign-in link was printed: {''.join(printed)}{server.stdout.read() if server.poll() is not None else ''}"
        )
        path = link.split(str(port), 1)[1]
        for _ in range(50):  # until the port answers
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", path)
                break
            except ConnectionRefusedError:
                time.sleep(0.1)
        signed_in = connection.getresponse()
        signed_in.read()
        assert signed_in.status == 302 and signed_in.getheader("Location") == "/"
        cookie = signed_in.getheader("Set-Cookie")
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        connection.request("GET", "/", headers={"Cookie": cookie.split(";")[0]})
        today = connection.getresponse()
        assert today.status == 200 and b"Where you stand" in today.read()
        assert "script-src 'self'" in today.getheader("Content-Security-Policy")
        connection.request("GET", path)
        spent = connection.getresponse()
        assert spent.status == 403 and b"already been used" in spent.read()
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.skipif(KRATOMLOG is None, reason="the kratomlog command is not installed")
def test_serve_demo_uses_a_throwaway_journal_and_leaves_yours_alone(tmp_path):
    home = tmp_path / "mine"
    port = free_port()
    env = {**os.environ, "KRATOMLOG_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [KRATOMLOG, "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        first = server.stdout.readline()
        assert first.startswith("kratomlog is serving a demo journal"), first
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert not (home / "journal.sqlite3").exists()


def serve_env(home):
    env = {**os.environ, "KRATOMLOG_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


@pytest.mark.skipif(KRATOMLOG is None, reason="the kratomlog command is not installed")
def test_serve_on_a_port_in_use_says_so_in_one_line_and_prints_no_link(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [KRATOMLOG, "serve", "--port", str(port)],
            env=serve_env(tmp_path / "home"),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2 and "/login/" not in result.stdout
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: --port: cannot listen on 127.0.0.1:{port} (")
    assert "choose another --port" in line


@pytest.mark.skipif(KRATOMLOG is None, reason="the kratomlog command is not installed")
def test_the_link_works_on_any_loopback_address_serve_accepts(tmp_path):
    port = free_port()
    server = subprocess.Popen(
        [KRATOMLOG, "serve", "--host", "127.0.0.2", "--port", str(port)],
        env=serve_env(tmp_path / "home"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        link = None
        deadline = time.monotonic() + 30
        while link is None and time.monotonic() < deadline and server.poll() is None:
            found = re.search(r"(http://127\.0\.0\.2:\d+(/login/\S+))", server.stdout.readline())
            link = found.group(2) if found else None
        assert link, "no sign-in link was printed"
        for _ in range(50):  # until the port answers
            try:
                connection = http.client.HTTPConnection("127.0.0.2", port, timeout=5)
                connection.request("GET", link)
                break
            except ConnectionRefusedError:
                time.sleep(0.1)
        signed_in = connection.getresponse()
        assert signed_in.status == 302 and signed_in.getheader("Location") == "/"
    finally:
        server.terminate()
        server.wait(timeout=10)
