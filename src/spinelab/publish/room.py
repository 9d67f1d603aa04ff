"""The room's live votes (issue 27): an HTTP API on the class store, the instructor's view and the students' vote.

What can be voted on, and how votes are graded and tallied, is :mod:`spinelab.publish.room_votes`
(:class:`~spinelab.publish.room_votes.Room`). The same routes (:func:`room_handlers`, all under
``/spinelab/room/``) run inside the class server
(:mod:`spinelab.publish.server`, when ``spinelab class`` gives it a store) and as a small tornado app of their own
(``python -m spinelab.publish.room``: tests, the benchmark, a JupyterHub service).

Two secrets, each random and at least :data:`~spinelab.publish.serving.MIN_TOKEN_CHARS` characters:

- the **class secret** lets a page read the open vote and vote. The class server gives it to every page it serves
  in an HttpOnly, SameSite=Strict cookie scoped to ``/spinelab/room/``; the vote page
  (``/spinelab/room/vote?room=<secret>``, for a phone or a page without the notebook) sets the same cookie and
  drops the secret from its address; scripts send it in an ``X-Spinelab-Room`` header.
- the **instructor token** opens the instructor's view (``/spinelab/room/instructor?token=<token>``, which sets
  its own cookie and drops the token from the address) and the instructor's API: open, close, reveal, results,
  overview, CSV export. Students never see it.

A write must be a JSON body (``Content-Type: application/json``), which a form on another site cannot send
without the browser asking first; with SameSite=Strict cookies that is the cross-site check. Students' ids are
their browser's random id (``localStorage``): the API holds no names unless the class has a roster.
"""

from __future__ import annotations

import argparse
import hmac
import json
import logging
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import tornado.ioloop
import tornado.web

from spinelab.course.class_store import ClassStore, ClassStoreError, VoteRefusedError, check_student_id, session_path
from spinelab.publish.room_votes import Room

PREFIX = "/spinelab/room"
ROOM_COOKIE = "spinelab-room"
INSTRUCTOR_COOKIE = "spinelab-instructor"
ROOM_HEADER = "X-Spinelab-Room"
#: The static files of the view and the vote (``spinelab/templates/spinelab_room/``).
ASSETS = {"instructor.js": "application/javascript", "student.js": "application/javascript",
          "room.css": "text/css"}
PAGES = {"instructor": "instructor.html", "vote": "vote.html"}


def asset(name: str) -> bytes:
    """One of the room's static files (``spinelab/templates/spinelab_room/``)."""
    return resources.files("spinelab").joinpath("templates", "spinelab_room", name).read_bytes()


def _matches(given: str | None, secret: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), secret.encode())


class RoomHandler(tornado.web.RequestHandler):
    """Shared by the room's routes: the room, JSON in and out, errors as JSON with a message."""

    def initialize(self, room: Room) -> None:
        """Keep the room."""
        self.room = room

    def set_default_headers(self) -> None:
        """Nothing is cached or framed by another site; no referrer leaves."""
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")

    def check_xsrf_cookie(self) -> None:
        """Writes need a JSON body (see the module's description) instead of Tornado's ``_xsrf``."""

    def is_student(self) -> bool:
        """Whether the request carries the class secret (cookie or header) or the instructor's."""
        return (_matches(self.get_cookie(ROOM_COOKIE), self.room.secret)
                or _matches(self.request.headers.get(ROOM_HEADER), self.room.secret) or self.is_instructor())

    def is_instructor(self) -> bool:
        """Whether the request carries the instructor token (cookie or ``Authorization: token ...``)."""
        header = self.request.headers.get("Authorization", "")
        return (_matches(self.get_cookie(INSTRUCTOR_COOKIE), self.room.instructor_token)
                or (header.startswith("token ") and _matches(header[6:].strip(), self.room.instructor_token)))

    def student_id(self, given: object) -> Any:
        """The student a request speaks for: the id the page sends (its browser's random id)."""
        return given

    def body(self) -> dict[str, Any]:
        """The request's JSON object; 415 without a JSON content type, 400 if it is not an object."""
        if self.request.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            raise tornado.web.HTTPError(415, "the body must be JSON (Content-Type: application/json)")
        try:
            data = json.loads(self.request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise tornado.web.HTTPError(400, "the body is not valid JSON") from None
        if not isinstance(data, dict):
            raise tornado.web.HTTPError(400, "the body must be a JSON object")
        return data

    def reply(self, data: object, status: int = 200) -> None:
        """Send ``data`` as JSON."""
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(data))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Errors as ``{"error": message}``, never a traceback."""
        error = kwargs.get("exc_info", (None, None))[1]
        message = error.log_message % error.args if isinstance(error, tornado.web.HTTPError) and error.log_message \
            else self._reason
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"error": message}))

    def guarded(self, action: Any) -> None:
        """Run ``action`` and reply; a refused vote is 409 (closed) or 400, a store failure 503 with its message."""
        try:
            self.reply(action())
        except VoteRefusedError as error:
            self.reply({"error": str(error)}, 409 if "closed" in str(error) else 400)
        except ClassStoreError as error:
            self.reply({"error": str(error)}, 503)


class StudentHandler(RoomHandler):
    """Routes a student's page calls: ``poll`` (GET), ``vote`` and ``join`` (POST)."""

    def prepare(self) -> None:
        """Refuse (403) a request without the class secret."""
        if not self.is_student():
            raise tornado.web.HTTPError(403, "this needs the class's secret")

    def get(self, action: str) -> None:
        """``poll``: the latest vote as the student sees it; ``mine``: the student's own votes, to hand in."""
        student = self.student_id(self.get_query_argument("student", None))
        if action == "poll":
            self.guarded(lambda: self.room.student_view(check_student_id(student) if student else None))
        elif action == "mine":
            self.guarded(lambda: self.room.my_votes(student))
        else:
            raise tornado.web.HTTPError(404)

    def post(self, action: str) -> None:
        """``vote``: ``{poll, student, choice}``; ``join``: ``{student, name}`` with a roster."""
        data = self.body()
        student = self.student_id(data.get("student"))
        if action == "vote":
            self.guarded(lambda: (self.room.vote(data.get("poll"), student, data.get("choice")),
                                  {"recorded": True})[1])
        elif action == "join":
            name = data.get("name")
            if not isinstance(name, str) or not name.strip():
                self.reply({"error": "name must be your name as it is on the class's roster"}, 400)
                return
            self.guarded(lambda: (self.room.store.join(student, name), {"joined": True})[1])
        else:
            raise tornado.web.HTTPError(404)


class InstructorHandler(RoomHandler):
    """The instructor's API: ``questions``, ``results``, ``overview``, ``export.csv`` (GET); ``open``, ``close``,
    ``reveal`` (POST)."""

    def prepare(self) -> None:
        """Refuse (403) a request without the instructor token."""
        if not self.is_instructor():
            raise tornado.web.HTTPError(403, "this needs the instructor's token")

    def get(self, action: str) -> None:
        """Read the room."""
        if action == "questions":
            self.reply(self.room.catalogue())
        elif action == "results":
            self.guarded(lambda: self.room.results(self.get_query_argument("question", None)))
        elif action == "overview":
            self.guarded(self.room.overview)
        elif action == "current":
            self.guarded(lambda: {"poll": (poll := self.room.store.current_poll()) and
                                  {"poll": poll.id, "question": poll.question, "round": poll.round,
                                   "open": poll.is_open, "revealed": poll.revealed}})
        elif action == "export.csv":
            self.set_header("Content-Type", "text/csv; charset=utf-8")
            self.set_header("Content-Disposition", 'attachment; filename="class-results.csv"')
            self.finish(self.room.export_csv())
        else:
            raise tornado.web.HTTPError(404)

    def post(self, action: str) -> None:
        """Change the vote."""
        data = self.body()
        if action == "open":
            round_number = data.get("round", 1)
            self.guarded(lambda: _poll_json(self.room.store.open_poll(self.room.question(data.get("question")).id,
                                                                      round_number)))
        elif action == "close":
            self.guarded(lambda: _poll_json(self.room.store.close_poll()))
        elif action == "reveal":
            self.guarded(lambda: _poll_json(self.room.store.reveal()))
        else:
            raise tornado.web.HTTPError(404)


def _poll_json(poll: Any) -> dict[str, Any]:
    if poll is None:
        return {"poll": None}
    return {"poll": poll.id, "question": poll.question, "round": poll.round, "open": poll.is_open,
            "revealed": poll.revealed}


class PageHandler(RoomHandler):
    """The instructor's view and the vote page: a secret in the address becomes a cookie and leaves the address."""

    def get(self, page: str) -> None:
        """Serve the page (403 without its secret)."""
        cookie, secret, argument = ((INSTRUCTOR_COOKIE, self.room.instructor_token, "token") if page == "instructor"
                                    else (ROOM_COOKIE, self.room.secret, "room"))
        given = self.get_query_argument(argument, None)
        if given is not None:
            if not _matches(given, secret):
                raise tornado.web.HTTPError(403, "wrong secret")
            self.set_room_cookie(cookie, secret)
            self.redirect(self.request.path)
            return
        allowed = self.is_instructor() if page == "instructor" else self.is_student()
        if not allowed:
            raise tornado.web.HTTPError(403, "open the address printed by spinelab class")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(asset(PAGES[page]))

    def set_room_cookie(self, name: str, value: str) -> None:
        """An HttpOnly, SameSite=Strict cookie for the room's paths."""
        secure = "; Secure" if self.request.protocol == "https" else ""
        self.add_header("Set-Cookie", f"{name}={value}; Path={PREFIX}/; HttpOnly; SameSite=Strict{secure}")


class AssetHandler(RoomHandler):
    """The view's script and style (no CDN)."""

    def get(self, name: str) -> None:
        """Serve one of :data:`ASSETS`."""
        if name not in ASSETS:
            raise tornado.web.HTTPError(404)
        self.set_header("Content-Type", f"{ASSETS[name]}; charset=utf-8")
        self.finish(asset(name))


def room_cookie_header(room: Room, https: bool = False) -> str:
    """The ``Set-Cookie`` value giving a page the class secret (the class server adds it to every page)."""
    return f"{ROOM_COOKIE}={room.secret}; Path={PREFIX}/; HttpOnly; SameSite=Strict{'; Secure' if https else ''}"


def room_script(base_url: str = "/") -> str:
    """What the class server adds before ``</body>`` of every page: the student's vote panel."""
    static = base_url.rstrip("/") + PREFIX + "/static"
    return f'<link rel="stylesheet" href="{static}/room.css"><script src="{static}/student.js" defer></script>'


def room_handlers(room: Room, base_url: str = "/") -> list[tuple[str, type, dict[str, Any]]]:
    """The room's routes under ``base_url``."""
    prefix = base_url.rstrip("/") + PREFIX
    kwargs = {"room": room}
    return [
        (prefix + r"/api/(poll|mine|vote|join)", StudentHandler, kwargs),
        (prefix + r"/api/instructor/([a-z.]+)", InstructorHandler, kwargs),
        (prefix + r"/(instructor|vote)", PageHandler, kwargs),
        (prefix + r"/static/([a-z.]+)", AssetHandler, kwargs),
    ]


def make_app(room: Room) -> tornado.web.Application:
    """The room on its own (a Host allow-list as in the class server)."""
    from spinelab.publish.server import GuardedApplication, local_names

    return GuardedApplication(room_handlers(room), allowed_hosts=local_names())


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m spinelab.publish.room``: the room alone on a port; prints the two addresses."""
    parser = argparse.ArgumentParser(prog="spinelab room", description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None, help="the class database (default: a new session file)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8870)
    parser.add_argument("--secrets-file", type=Path, default=None,
                        help="write the class secret and instructor token here as JSON (owner-only), not to stdout")
    args = parser.parse_args(argv)
    from spinelab.publish.server import LOG_NAMES, scrub_logs
    from spinelab.publish.serving import write_private

    try:
        room = Room(ClassStore(args.store or session_path("room")))
    except ClassStoreError as error:
        print(f"spinelab room: {error}", file=sys.stderr)
        return 2
    scrub_logs(room.secret, [logging.getLogger(name) for name in LOG_NAMES])
    scrub_logs(room.instructor_token, [logging.getLogger(name) for name in LOG_NAMES])
    app = make_app(room)
    app.listen(args.port, args.host)
    base = f"http://{args.host}:{args.port}{PREFIX}"
    if args.secrets_file:
        write_private(args.secrets_file, json.dumps({"secret": room.secret, "instructor": room.instructor_token,
                                                     "store": str(room.store.path)}))
    print(f"Room ready. Store: {room.store.path}", flush=True)
    if not args.secrets_file:
        print(f"Students vote:  {base}/vote?room={room.secret}\nInstructor:     {base}/instructor?token="
              f"{room.instructor_token}", flush=True)
    tornado.ioloop.IOLoop.current().start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
