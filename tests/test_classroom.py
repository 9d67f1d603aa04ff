"""The class server's plan, memory check, token, URL, QR code and Voilà configuration (publish.classroom, .serving,
.present)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import ipywidgets as widgets
import pytest
from traitlets.config import Configurable
from voila.voila_kernel_manager import voila_kernel_manager_factory

from spinelab.course import frame_cache, widget_internals
from spinelab.publish import class_kernels, classroom, cli, outputs, present, serving

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def _meminfo(tmp_path: Path, available_kb: int) -> Path:
    path = tmp_path / "meminfo"
    path.write_text(f"MemTotal:       24684084 kB\nMemFree:        20000000 kB\nMemAvailable:   {available_kb} kB\n")
    return path


@pytest.mark.parametrize(("students", "pool"), [(1, 3), (10, 12), (20, 22), (21, 24), (40, 44), (300, 330)])
def test_pool_is_one_kernel_per_student_plus_ten_percent_spare_at_least_two(students, pool):
    assert classroom.plan_class(NOTEBOOKS / "00_start_here.ipynb", students).pool_size == pool


@pytest.mark.parametrize("students", [0, -3, 301, 2.5, True, "40"])
def test_a_class_must_be_1_to_300_students(students):
    with pytest.raises(classroom.ClassroomError, match=r"students must be a whole number from 1 to 300"):
        classroom.spares(students)


def test_plan_counts_the_spares_twice_in_the_peak_memory():
    plan = classroom.plan_class(NOTEBOOKS / "02_protective_guarding.ipynb", 40, kernel_mb=150)
    assert (plan.spares, plan.pool_size, plan.peak_kernels) == (4, 44, 48)
    assert plan.memory_mb == 48 * 150 + classroom.SERVER_MB
    assert "44 kernels preheated, 4 kept warm afterwards, up to 48 running" in plan.summary()


def test_plan_rejects_a_kernel_size_that_is_not_positive():
    with pytest.raises(classroom.ClassroomError, match="kernel_mb must be a positive number of MB, not 0"):
        classroom.plan_class(NOTEBOOKS / "02_protective_guarding.ipynb", 10, kernel_mb=0)


def test_notebook_is_found_with_or_without_its_suffix_and_a_wrong_name_lists_the_notebooks():
    stem = sorted(NOTEBOOKS.glob("*.ipynb"))[0].stem
    assert classroom.find_notebook(stem, NOTEBOOKS) == NOTEBOOKS / f"{stem}.ipynb"
    assert classroom.find_notebook(f"{stem}.ipynb", NOTEBOOKS) == NOTEBOOKS / f"{stem}.ipynb"
    assert classroom.find_notebook(f"notebooks/{stem}.ipynb", NOTEBOOKS) == NOTEBOOKS / f"{stem}.ipynb"
    with pytest.raises(classroom.ClassroomError, match=rf"'07_nothing' is not in .*choose one of: .*{stem}"):
        classroom.find_notebook("07_nothing", NOTEBOOKS)


def test_mem_available_is_read_from_meminfo_in_mb(tmp_path):
    assert classroom.mem_available_mb(_meminfo(tmp_path, 8 * 1024 * 1024)) == 8192
    assert classroom.mem_available_mb(tmp_path / "missing") is None


def test_largest_class_is_the_last_size_whose_peak_fits():
    fits = classroom.largest_class(8192, kernel_mb=160)
    plan_fits = classroom.plan_class(NOTEBOOKS / "00_start_here.ipynb", fits, kernel_mb=160)
    plan_over = classroom.plan_class(NOTEBOOKS / "00_start_here.ipynb", fits + 1, kernel_mb=160)
    assert plan_fits.memory_mb <= 8192 < plan_over.memory_mb
    assert classroom.largest_class(classroom.SERVER_MB, kernel_mb=160) == 0


def test_memory_refusal_gives_both_numbers_and_the_largest_class_that_fits():
    plan = classroom.plan_class(NOTEBOOKS / "02_protective_guarding.ipynb", 40, kernel_mb=160)
    with pytest.raises(classroom.ClassroomError) as refused:
        classroom.check_memory(plan, 8000)
    message = str(refused.value)
    assert "A class of 40 needs about 8180 MB (48 kernels x 160 MB + 500 MB for the server)" in message
    assert "this machine has 8000 MB available" in message
    assert f"The largest class that fits is {classroom.largest_class(8000)} students" in message
    assert classroom.check_memory(plan, 8180) == "Memory: 8180 MB needed, 8180 MB available."
    assert classroom.check_memory(plan, None).startswith("Memory not checked")


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.0.0.2", True),
    ("0.0.0.0", False), ("::", False), ("192.168.1.20", False), ("", False), ("classroom.example", False),
])
def test_only_loopback_addresses_serve_without_a_token(host, loopback):
    assert serving.is_loopback(host) is loopback


def test_tokens_are_22_url_safe_characters_and_different_each_time():
    tokens = {serving.make_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(token) == 22 and token.replace("-", "").replace("_", "").isalnum() for token in tokens)


@pytest.mark.parametrize("token", ["abc", "x" * 15])
def test_a_short_token_is_refused_with_the_minimum(token):
    with pytest.raises(classroom.ClassroomError, match=f"at least 16 characters, not {len(token)}"):
        serving.check_token(token)


def test_a_token_a_url_would_change_is_refused_and_none_gives_a_new_one():
    with pytest.raises(classroom.ClassroomError, match="letters, digits"):
        serving.check_token("sixteen chars &&&")
    assert serving.check_token("a-token-of-16-ch") == "a-token-of-16-ch"
    assert len(serving.check_token(None)) == 22 and len(serving.check_token("")) == 22


def test_spinelab_present_refuses_a_short_token_and_exits_2(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "spinelab.publish.cli", "present", "--course", str(ROOT), "--token", "abc",
         "--folder", str(tmp_path / "present")],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "spinelab present: the token must have at least 16 characters, not 3" in result.stderr
    assert not (tmp_path / "present").exists()


def test_https_needs_both_files_and_they_must_exist(tmp_path):
    with pytest.raises(classroom.ClassroomError, match="both a certificate and its key"):
        serving.listen_on("0.0.0.0", 8866, None, certfile=tmp_path / "c.pem")
    with pytest.raises(classroom.ClassroomError, match=r"certificate file .*c\.pem' does not exist"):
        serving.listen_on("0.0.0.0", 8866, None, tmp_path / "c.pem", tmp_path / "k.pem")
    (tmp_path / "c.pem").write_text("cert")
    (tmp_path / "k.pem").write_text("key")
    listen = serving.listen_on("127.0.0.1", 8866, None, tmp_path / "c.pem", tmp_path / "k.pem")
    assert listen.url().startswith("https://127.0.0.1:8866/?token=") and listen.tls


def test_url_carries_the_token_and_names_a_reachable_host_for_every_interface(monkeypatch):
    monkeypatch.setattr(serving, "lan_address", lambda: "192.168.1.20")
    assert serving.class_url("0.0.0.0", 8866, "Ab3-x_9QzK1m") == "http://192.168.1.20:8866/?token=Ab3-x_9QzK1m"
    assert serving.class_url("127.0.0.1", 8866, None, "voila/render/00_start_here.ipynb") == (
        "http://127.0.0.1:8866/voila/render/00_start_here.ipynb")
    assert serving.class_url("::1", 9000, "t") == "http://[::1]:9000/?token=t"


def test_qr_code_is_drawn_with_block_characters_and_encodes_the_url():
    import segno

    url = "http://192.168.1.20:8866/?token=Ab3-x_9QzK1m"
    drawing = serving.qr_code(url)
    rows = drawing.splitlines()
    assert set(drawing) <= {"█", "▀", "▄", " ", "\n"}
    # compact: two modules per character row, plus a quiet zone of 4 modules on each side
    size = segno.make(url, error="m").symbol_size(border=4)
    assert (len(rows[0]), len(rows)) == (size[0], (size[1] + 1) // 2)


def test_without_segno_the_url_is_printed_alone(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "segno", None)  # the class extra is not installed
    assert serving.qr_code("http://192.168.1.20:8866/?token=t") == ""
    serving.announce("http://192.168.1.20:8866/?token=t", ["plan"], "Students open", "0.0.0.0")
    assert capsys.readouterr().out == "plan\n\nStudents open:  http://192.168.1.20:8866/?token=t\n\n"


def test_no_qr_code_for_a_server_only_this_machine_reaches(capsys):
    serving.announce("http://127.0.0.1:8866/voila/render/00_start_here.ipynb", [], "Course map", "127.0.0.1")
    assert "█" not in capsys.readouterr().out


def test_voila_config_preheats_that_notebook_on_ipc_sockets_and_culls_idle_kernels(tmp_path):
    plan = classroom.plan_class(NOTEBOOKS / "02_protective_guarding.ipynb", 40)
    listen = serving.listen_on("0.0.0.0", 8870, "a-token-of-16-ch")
    env = classroom.prepare(plan, tmp_path / "classroom", listen=listen)
    config = json.loads((tmp_path / "classroom" / "voila.json").read_text())
    assert (tmp_path / "classroom" / "voila.json").stat().st_mode & 0o077 == 0  # it holds the token
    assert config["Voila"] == {"ip": "0.0.0.0", "port": 8870, "port_retries": 0, "token": "a-token-of-16-ch",
                               "open_browser": False}
    assert config["ClassServer"] == {"certfile": "", "keyfile": ""}
    assert config["VoilaConfiguration"]["preheat_kernel"] is True
    assert config["VoilaConfiguration"]["default_pool_size"] == 44
    assert config["VoilaConfiguration"]["template"] == "spinelab_class"
    assert config["VoilaConfiguration"]["multi_kernel_manager_class"] == (
        "spinelab.publish.class_kernels.ClassKernelManager")
    assert config["ClassKernelManager"] == {"warm_spares": 4, "ready_file": "", "max_kernels": 48, "kernel_mb": 160,
                                            "warm_up": [str((NOTEBOOKS / "02_protective_guarding.ipynb").resolve())]}
    assert config["KernelManager"]["transport"] == ("ipc" if os.name == "posix" else "tcp")
    assert config["MappingKernelManager"] == {"cull_idle_timeout": 1200, "cull_interval": 60, "cull_connected": False}
    template = tmp_path / "classroom" / "share" / "voila" / "templates" / "spinelab_class"
    assert json.loads((template / "conf.json").read_text())["base_template"] == "lab"
    assert "Reload this page" in (template / "index.html.j2").read_text()
    assert env["JUPYTER_PATH"].split(os.pathsep)[0] == str((tmp_path / "classroom" / "share").resolve())
    assert env["IPYTHONDIR"] == str((tmp_path / "classroom" / "ipython").resolve())


def test_voilas_executor_waits_for_a_cells_late_output_in_a_class_and_in_present(tmp_path):
    from nbclient import NotebookClient
    from nbformat.v4 import new_notebook
    from traitlets.config import Config
    from voila.execute import VoilaExecutor

    plan = classroom.plan_class(NOTEBOOKS / "02_protective_guarding.ipynb", 40)
    classroom.prepare(plan, tmp_path / "classroom")
    present.prepare_present(tmp_path / "present", serving.listen_on("127.0.0.1", 8870, "a-token-of-16-ch"), NOTEBOOKS)
    for folder in ("classroom", "present"):
        config = Config(json.loads((tmp_path / folder / "voila.json").read_text()))
        executor = VoilaExecutor(new_notebook(), config=config)
        assert executor.iopub_timeout >= 60 > NotebookClient(new_notebook()).iopub_timeout, folder
        assert executor.raise_on_iopub_timeout is False  # a late output is waited for, not turned into an error


def test_each_kernel_keeps_its_self_checks_in_its_own_file_named_by_a_random_id_never_the_pid(tmp_path, monkeypatch):
    plan = classroom.plan_class(NOTEBOOKS / "02_protective_guarding.ipynb", 2)
    env = classroom.prepare(plan, tmp_path / "classroom")
    startup = Path(env["IPYTHONDIR"]) / "profile_default" / "startup" / "00-spinelab-class.py"
    for name in ("SPINELAB_PROGRESS", "SPINELAB_CLASS_PROGRESS"):  # restored after the test
        monkeypatch.setenv(name, "")
    # ipywidgets' control handler, restored after the test (the start-up file replaces it).
    monkeypatch.setattr(widgets.Widget, "_handle_control_comm_msg", widgets.Widget.__dict__["_handle_control_comm_msg"])
    monkeypatch.setattr(widget_internals, "_original_handler", None)
    files = []
    for _ in range(2):  # two kernels in one process: a reused PID must not give the same file
        exec(compile(startup.read_text(), str(startup), "exec"), {})
        files.append(Path(os.environ["SPINELAB_PROGRESS"]))
    assert files[0] != files[1]
    folder = (tmp_path / "classroom" / "progress").resolve()
    assert Path(os.environ["SPINELAB_CLASS_PROGRESS"]) == folder  # each student's file, by id, once known
    for own_file in files:
        assert own_file.parent == folder
        assert re.fullmatch(r"kernel-[0-9a-f]{32}\.json", own_file.name)
        assert str(os.getpid()) not in own_file.name
    # And the kernel answers its page's request for every widget's state with spinelab's reply.
    assert widgets.Widget._handle_control_comm_msg.__func__ is widget_internals._handle_control


@pytest.mark.parametrize("tool", ["class", "present"])
def test_a_course_server_s_kernel_keeps_no_history_database_that_dozens_of_kernels_would_lock(tmp_path, tool):
    from jupyter_client.manager import start_new_kernel

    if tool == "class":
        plan = classroom.plan_class(NOTEBOOKS / "02_protective_guarding.ipynb", 2)
        env = {**os.environ, **classroom.prepare(plan, tmp_path / "classroom")}
    else:
        env = present.prepare_present(tmp_path / "present", serving.listen_on("127.0.0.1", 8899, None), NOTEBOOKS)
    said: list[str] = []

    def hear(message: dict) -> None:
        if message["msg_type"] == "stream":
            said.append(message["content"]["text"])

    manager, client = start_new_kernel(kernel_name="python3", env=env)
    try:
        reply = client.execute_interactive("print(get_ipython().history_manager.enabled)", timeout=60,
                                           output_hook=hear)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "ok"
    assert said == ["False\n"]
    assert not list(Path(env["IPYTHONDIR"]).rglob("history.sqlite*"))


def test_class_kernels_get_one_numerical_thread_unless_the_environment_says_otherwise(tmp_path):
    plan = classroom.plan_class(NOTEBOOKS / "00_start_here.ipynb", 1)
    env = classroom.class_environment(plan, tmp_path / "a", {"PATH": "/usr/bin", "OMP_NUM_THREADS": "4"},
                                      frames=tmp_path / "frames")
    assert (env["OMP_NUM_THREADS"], env["OPENBLAS_NUM_THREADS"], env["MKL_NUM_THREADS"]) == ("4", "1", "1")
    assert env["JUPYTER_WIDGETS_ECHO"] == "0"  # one page per kernel: no echo of each value the page sends
    echoing = classroom.class_environment(plan, tmp_path / "a", {"JUPYTER_WIDGETS_ECHO": "1"}, frames=tmp_path / "f")
    assert echoing["JUPYTER_WIDGETS_ECHO"] == "1"
    assert env["PATH"] == "/usr/bin"
    assert env["IPYTHONDIR"] == str((tmp_path / "a" / "ipython").resolve())


# A slider in a kernel with the given environment receives a value from its page; prints the methods it sends back.
SLIDER_MOVE = """
import ipywidgets as widgets

class Comm:
    kernel, comm_id = "a kernel", "c0"
    def send(self, data=None, buffers=None, **kw):
        print(data["method"])
    def on_msg(self, callback):
        pass
    def on_close(self, callback):
        pass

slider = widgets.IntSlider(comm=Comm())
slider.set_state({"value": 3})
assert slider.value == 3
"""


@pytest.mark.parametrize(("class_setting", "sent"), [(True, []), (False, ["echo_update"])])
def test_a_class_kernel_sends_no_echo_of_a_slider_move_back_to_its_page(tmp_path, class_setting, sent):
    plan = classroom.plan_class(NOTEBOOKS / "00_start_here.ipynb", 1)
    base = {key: value for key, value in os.environ.items() if key != "JUPYTER_WIDGETS_ECHO"}
    env = classroom.class_environment(plan, tmp_path / "a", base, frames=tmp_path / "frames")
    if not class_setting:  # ipywidgets' default, for comparison
        del env["JUPYTER_WIDGETS_ECHO"]
    result = subprocess.run([sys.executable, "-c", SLIDER_MOVE], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == sent


def test_class_kernels_share_a_frame_cache_the_class_owns_and_keeps_between_classes(tmp_path):
    plan = classroom.plan_class(NOTEBOOKS / "00_start_here.ipynb", 1)
    frames = tmp_path / "frames"
    env = classroom.class_environment(plan, tmp_path / "a", {"PATH": "/usr/bin"}, frames=frames)
    assert env[frame_cache.CACHE_ENV] == str(frames.resolve()) and outputs.owner(frames) == "frames"
    (frames / "ab").mkdir()
    (frames / "ab" / "kept.frame").write_bytes(b"x")
    again = classroom.class_environment(plan, tmp_path / "a", {"PATH": "/usr/bin"}, frames=frames)
    assert again[frame_cache.CACHE_ENV] == env[frame_cache.CACHE_ENV] and (frames / "ab" / "kept.frame").exists()
    # A folder the class tool does not own is refused; a cache the environment names wins.
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("mine")
    with pytest.raises(classroom.ClassroomError, match="not written by spinelab"):
        classroom.class_environment(plan, tmp_path / "a", {"PATH": "/usr/bin"}, frames=tmp_path / "mine")
    named = classroom.class_environment(plan, tmp_path / "a", {frame_cache.CACHE_ENV: "off"}, frames=frames)
    assert named[frame_cache.CACHE_ENV] == "off"


def test_the_url_and_qr_code_are_kept_for_the_ready_moment_readable_by_the_owner_only(tmp_path):
    plan = classroom.plan_class(NOTEBOOKS / "00_start_here.ipynb", 1)
    text = serving.announcement("http://192.168.1.20:8866/?token=t", [], "Class ready. Students open", "0.0.0.0")
    classroom.prepare(plan, tmp_path / "c", text)
    ready = tmp_path / "c" / "ready.txt"
    assert ready.read_text() == text and text.startswith("\nClass ready. Students open:  http://192.168.1.20")
    assert "█" in text
    assert ready.stat().st_mode & 0o077 == 0
    config = json.loads((tmp_path / "c" / "voila.json").read_text())
    assert config["ClassKernelManager"]["ready_file"] == str(ready.resolve())


def test_prepare_empties_the_folder_it_wrote_before(tmp_path):
    folder = tmp_path / "classroom"
    plan = classroom.plan_class(NOTEBOOKS / "00_start_here.ipynb", 1)
    classroom.prepare(plan, folder)
    (folder / "progress" / "kernel-1.json").write_text("{}")
    classroom.prepare(plan, folder)
    assert list((folder / "progress").iterdir()) == []


def test_class_refuses_a_folder_it_did_not_write_and_deletes_nothing(tmp_path):
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    (home / "Documents" / "thesis.docx").write_text("years of work")
    (home / ".bashrc").write_text("alias ll='ls -l'")
    result = subprocess.run(
        [sys.executable, "-m", "spinelab.publish.cli", "class", "--notebook", "00_start_here", "--students", "1",
         "--notebooks", str(NOTEBOOKS), "--folder", str(home)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "spinelab class: folder" in result.stderr and "was not written by spinelab" in result.stderr
    assert (home / "Documents" / "thesis.docx").read_text() == "years of work"
    assert sorted(path.name for path in home.iterdir()) == [".bashrc", "Documents"]


def test_server_command_carries_no_token_only_the_owner_only_config(tmp_path):
    listen = serving.listen_on("0.0.0.0", 8866, "a-token-of-16-ch")
    classroom.prepare(classroom.plan_class(NOTEBOOKS / "00_start_here.ipynb", 1), tmp_path / "c", listen=listen)
    command = classroom.voila_command(NOTEBOOKS / "02_protective_guarding.ipynb", tmp_path / "c")
    assert command == [sys.executable, "-m", "spinelab.publish.server", str(NOTEBOOKS / "02_protective_guarding.ipynb"),
                       f"--Voila.config_file_paths={(tmp_path / 'c').resolve()}"]
    assert not any("a-token-of-16-ch" in arg for arg in command)


def test_present_has_a_token_on_loopback_too_culls_and_caps_its_kernels(tmp_path, monkeypatch):
    monkeypatch.setenv(serving.TOKEN_ENV, "must-not-reach-kernels")
    env = present.prepare_present(tmp_path / "p", serving.listen_on("127.0.0.1", 8866, None), NOTEBOOKS)
    config = json.loads((tmp_path / "p" / "voila.json").read_text())
    assert len(config["Voila"]["token"]) == 22
    assert (tmp_path / "p" / "voila.json").stat().st_mode & 0o077 == 0
    assert config["MappingKernelManager"]["cull_idle_timeout"] == classroom.CULL_IDLE_SECONDS
    assert config["VoilaConfiguration"]["multi_kernel_manager_class"].endswith("GuardedKernelManager")
    assert config["GuardedKernelManager"]["max_kernels"] == present.PRESENT_MAX_KERNELS
    # Every notebook's frames are drawn from the start, in course order, in the kernels' presenter style.
    warmed = [Path(notebook) for notebook in config["GuardedKernelManager"]["warm_up"]]
    assert [notebook.name for notebook in warmed][:3] == [
        "00_start_here.ipynb", "01_muscle_layers.ipynb", "02_protective_guarding.ipynb"]
    assert set(warmed) == {notebook.resolve() for notebook in NOTEBOOKS.glob("*.ipynb")}
    assert env["SPINELAB_PRESENTER"] == "1" and serving.TOKEN_ENV not in env


def test_class_command_refuses_a_class_the_machine_cannot_hold_before_starting_anything(tmp_path):
    meminfo = _meminfo(tmp_path, 2 * 1024 * 1024)
    with pytest.raises(classroom.ClassroomError, match="A class of 40 needs about 8180 MB"):
        classroom.serve_class("02_protective_guarding", 40, notebooks=NOTEBOOKS, folder=tmp_path / "c",
                              meminfo=meminfo)
    assert not (tmp_path / "c").exists()


def test_spinelab_class_prints_the_refusal_and_exits_2():
    result = subprocess.run(
        [sys.executable, "-m", "spinelab.publish.cli", "class", "--notebook", "02_protective_guarding",
         "--students", "301"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "spinelab class: students must be a whole number from 1 to 300, not 301" in result.stderr


def test_lab_settings_become_overrides_keyed_by_plugin(tmp_path):
    target = cli.install_lab_settings(ROOT, tmp_path / "overrides.d" / "spinelab.json")
    overrides = json.loads(target.read_text())
    settings = ROOT / ".jupyter/lab/user-settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings"
    assert overrides["@jupyterlab/apputils-extension:notification"] == json.loads(settings.read_text())


def test_spinelab_outside_the_course_folder_says_where_to_run_it(tmp_path, capsys):
    assert cli.main(["lab", "--course", str(tmp_path)]) == 2
    assert "is not the course folder (no notebooks/00_start_here.ipynb in it)" in capsys.readouterr().err


def test_lab_command_opens_the_start_notebook_and_passes_unknown_options_on(tmp_path):
    command = cli.lab_command(ROOT, "127.0.0.1", 8899, False, ["--allow-root"])
    assert command[:3] == [sys.executable, "-m", "jupyterlab"]
    assert {f"--ServerApp.root_dir={ROOT}", "--ServerApp.port=8899", "--ServerApp.open_browser=False",
            "--LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb"} <= set(command)
    assert command[-1] == "--allow-root"


class _VoilaApp(Configurable):
    """What Voilà's pool manager reads from its parent, the Voilà application."""

    def __init__(self, notebook: Path) -> None:
        super().__init__()
        self.root_dir, self.notebook_path = str(notebook.parent), str(notebook)
        self.base_url = self.server_url = "/"
        self.port = 8866


def test_pool_is_filled_for_the_class_once_then_only_the_spares_are_refilled(capsys, tmp_path):
    notebook = NOTEBOOKS / "00_start_here.ipynb"

    class PoolWithoutKernels(voila_kernel_manager_factory(class_kernels.ClassKernelManager, True, 5)):
        async def _initialize(self, notebook_path: str, kernel_id: str | None = None, **kwargs: object) -> dict:
            rendering = asyncio.get_event_loop().create_future()
            rendering.set_result(([], None))
            return {"kernel_id": kernel_id, "task": rendering}  # Voilà's pool logic, without starting kernels

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        ready_file = tmp_path / "ready.txt"
        ready_file.write_text("Class ready. Students open:  http://192.168.1.20:8866/?token=t\n")
        manager = PoolWithoutKernels(parent=_VoilaApp(notebook), warm_spares=2, ready_file=str(ready_file))
        pool = manager._pools[notebook.name]
        assert len(pool) == 5  # the first fill: the whole class
        logged: list[str] = []
        manager.log.info = lambda message, *args: logged.append(message % args)
        loop.run_until_complete(asyncio.gather(*pool))  # the server's loop runs: the spares-only target applies
        assert manager.kernel_pools_config["default"]["pool_size"] == 2
        assert loop.run_until_complete(asyncio.gather(*manager.ready_watchers)) == [5]
        ready = [message for message in logged if message.startswith("Class ready")]
        assert len(ready) == 1 and ready[0].startswith(f"Class ready: 5 preheated kernels have run {notebook.name} in ")
        assert capsys.readouterr().out == ready_file.read_text()  # the URL again, once
        del pool[:3]  # three students took kernels; two are left warm, so none is started
        manager.fill_if_needed(delay=0, notebook_name=notebook.name)
        assert len(pool) == 2
        del pool[:1]  # a reload took one more: one is left, so one is started
        manager.fill_if_needed(delay=0, notebook_name=notebook.name)
        assert len(pool) == 2
        loop.run_until_complete(asyncio.gather(*pool))
    finally:
        asyncio.set_event_loop(None)
        loop.close()
