"""The room as a JupyterHub service, for real (issue 27): one instructor and three students, each a Hub user.

JupyterHub (from PyPI) with configurable-http-proxy (``npm install -g configurable-http-proxy``), the dummy
authenticator and the simple local-process spawner, on loopback ports, everything in a temporary folder. Opt-in
(about 20 s): ``SPINELAB_TEST_HUB=1 pytest -m hub tests/test_room_hub.py``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

requests = pytest.importorskip("requests")
pytest.importorskip("jupyterhub")

pytestmark = [
    pytest.mark.hub,
    pytest.mark.skipif(os.environ.get("SPINELAB_TEST_HUB") != "1", reason="opt-in: set SPINELAB_TEST_HUB=1"),
    pytest.mark.skipif(shutil.which("configurable-http-proxy") is None,
                       reason="needs npm's configurable-http-proxy"),
]

SERVICE = "spinelab-room"
PASSWORD = "class-password-0123"
STUDENTS = ("student-a", "student-b", "student-c")
ROOM = f"/services/{SERVICE}/spinelab/room"
QUESTION = "map-order"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


CONFIG = """
import sys
c = get_config()  # noqa: F821
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.JupyterHub.db_url = "sqlite:///{folder}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{folder}/cookie_secret"
c.JupyterHub.pid_file = "{folder}/jupyterhub.pid"
c.ConfigurableHTTPProxy.pid_file = "{folder}/proxy.pid"
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = "{password}"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.Spawner.args = ["--allow-root"]
c.JupyterHub.load_groups = {{"instructors": {{"users": ["teacher"]}}}}
c.JupyterHub.load_roles = [{{"name": "user", "scopes": ["self", "access:services!service={service}"]}}]
c.JupyterHub.services = [{{
    "name": "{service}", "url": "http://127.0.0.1:{service_port}", "oauth_no_confirm": True,
    "command": [sys.executable, "-m", "spinelab.publish.room_hub"],
    "environment": {{"SPINELAB_CLASS_STORE": "{folder}/votes.sqlite", "PYTHONPATH": "{pythonpath}"}},
}}]
"""


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("hub")
    port = _free_port()
    config = folder / "jupyterhub_config.py"
    config.write_text(CONFIG.format(port=port, hub_port=_free_port(), proxy_api_port=_free_port(),
                                    service_port=_free_port(), folder=folder, password=PASSWORD, service=SERVICE,
                                    pythonpath=os.environ.get("PYTHONPATH", "")))
    log = (folder / "hub.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=folder,
                               stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, (folder / "hub.log").read_text()[-3000:]
            try:
                if requests.get(f"{base}{ROOM}/static/room.css", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, (folder / "hub.log").read_text()[-3000:]
            time.sleep(0.3)  # polling a condition (the Hub and its service answering), not a fixed wait
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a Hub still stopping its users' servers: the test is over
            process.kill()
            process.wait(timeout=10)
        log.close()


def _login(base: str, name: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/hub/login", timeout=30).text
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page)
    session.post(f"{base}/hub/login", data={"username": name, "password": PASSWORD,
                                            **({"_xsrf": xsrf.group(1)} if xsrf else {})}, timeout=30)
    vote_page = session.get(f"{base}{ROOM}/vote", timeout=30)  # through the Hub's OAuth to the service
    assert vote_page.status_code == 200 and "Class vote" in vote_page.text, vote_page.text[:500]
    return session


def _post(session: requests.Session, url: str, body: dict) -> requests.Response:
    return session.post(url, data=json.dumps(body), headers={"Content-Type": "application/json"}, timeout=30)


def test_votes_reach_the_instructor_and_no_student_reads_anothers(hub: str) -> None:
    teacher = _login(hub, "teacher")
    assert teacher.get(f"{hub}{ROOM}/instructor", timeout=30).status_code == 200
    opened = _post(teacher, f"{hub}{ROOM}/api/instructor/open", {"question": QUESTION})
    assert opened.status_code == 200, opened.text
    poll = opened.json()["poll"]
    students = {name: _login(hub, name) for name in STUDENTS}
    for name, choice in zip(STUDENTS, ["True", "False", "True"], strict=True):
        # The id a page sends is ignored: the Hub user is the student.
        reply = _post(students[name], f"{hub}{ROOM}/api/vote", {"poll": poll, "student": "student-a-forged",
                                                                  "choice": choice})
        assert reply.status_code == 200, reply.text
    results = teacher.get(f"{hub}{ROOM}/api/instructor/results?question={QUESTION}", timeout=30).json()
    assert results["rounds"][0]["counts"] == [2, 1] and results["rounds"][0]["total"] == 3

    # Each student sees their own vote only, whatever id they ask for; the instructor's API is closed to them.
    mine = students["student-b"].get(f"{hub}{ROOM}/api/mine", params={"student": "anyone-else-000"}, timeout=30)
    assert [row["choice"] for row in mine.json()["votes"]] == ["False"]
    ids = {students[name].get(f"{hub}{ROOM}/api/mine", timeout=30).json()["student"] for name in STUDENTS}
    assert len(ids) == 3 and all(re.fullmatch(r"hub-[0-9a-f]{32}", student) for student in ids)
    for session in students.values():
        assert session.get(f"{hub}{ROOM}/api/instructor/results?question={QUESTION}", timeout=30).status_code == 403
        assert session.get(f"{hub}{ROOM}/api/instructor/export.csv", timeout=30).status_code == 403
        assert session.get(f"{hub}{ROOM}/instructor", timeout=30).status_code == 403
    export = teacher.get(f"{hub}{ROOM}/api/instructor/export.csv", timeout=30).text
    assert "student-a" not in export and len(export.strip().splitlines()) == 4  # pseudonymous, header + 3

    # Without a Hub login nothing is served but the static files.
    anonymous = requests.get(f"{hub}{ROOM}/api/poll", timeout=30, allow_redirects=False)
    assert anonymous.status_code == 403
