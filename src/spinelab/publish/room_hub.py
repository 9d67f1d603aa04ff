"""The room's votes as a JupyterHub service (issue 27): Hub OAuth for everyone, each student a Hub user.

JupyterHub starts it (``python -m spinelab.publish.room_hub``, see the README's Zero-to-JupyterHub snippet) with
``JUPYTERHUB_SERVICE_PREFIX`` and ``JUPYTERHUB_SERVICE_URL`` set. The routes are those of
:mod:`spinelab.publish.room` under the service's prefix, with the Hub in place of the two secrets:

- every request is a Hub user's (Hub OAuth; a page without a login is sent to the Hub's login page, an API call
  gets 403). A user needs the ``access:services!service=<name>`` scope, which a Hub role gives the class.
- the **instructors** are the Hub users named in ``SPINELAB_ROOM_INSTRUCTORS`` (commas) or in the Hub group
  ``SPINELAB_ROOM_INSTRUCTOR_GROUP`` (default ``instructors``); only they reach the instructor's view and API.
- a **student's id** is derived from their Hub name with a key kept in the class store (HMAC-SHA256), never the id
  a page sends: a student reads and changes only their own votes, and the export is pseudonymous.

The class store is ``SPINELAB_CLASS_STORE`` (a path), else a new session file (:func:`session_path`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sys
from typing import Any
from urllib.parse import urlparse

import tornado.ioloop
import tornado.web
from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated

from spinelab.course import settings
from spinelab.course.class_store import ClassStore, session_path
from spinelab.publish import room as room_module
from spinelab.publish.room import AssetHandler, InstructorHandler, PageHandler, Room, StudentHandler

INSTRUCTORS_ENV = "SPINELAB_ROOM_INSTRUCTORS"
INSTRUCTOR_GROUP_ENV = "SPINELAB_ROOM_INSTRUCTOR_GROUP"
KEY_META = "hub_id_key"


def pseudonym(key: str, hub_name: str) -> str:
    """A student's id in the store: ``hub-`` and 32 hex digits of HMAC-SHA256(key, Hub name)."""
    return "hub-" + hmac.new(key.encode(), hub_name.encode(), hashlib.sha256).hexdigest()[:32]


class HubRoom(Room):
    """A room whose people are Hub users: which of them teach, and the key turning names into ids."""

    def __init__(self, store: ClassStore, instructors: set[str], instructor_group: str) -> None:
        super().__init__(store)
        self.instructors = instructors
        self.instructor_group = instructor_group
        key = store.meta().get(KEY_META)
        if key is None:
            key = secrets.token_hex(32)
            store.set_meta(**{KEY_META: key})
        self.id_key = key


class HubMixin(HubOAuthenticated):
    """The room's handlers with the Hub user in place of the secrets and the page's id."""

    room: HubRoom

    def is_student(self) -> bool:
        """Any Hub user the service lets in (the Hub checks their scope)."""
        return self.current_user is not None

    def is_instructor(self) -> bool:
        """A Hub user named an instructor, or in the instructors' group."""
        user = self.current_user
        return bool(user) and (user["name"] in self.room.instructors
                               or self.room.instructor_group in user.get("groups", []))

    def student_id(self, given: object) -> Any:
        """The Hub user's pseudonym, whatever the page sent."""
        user = self.current_user
        return pseudonym(self.room.id_key, user["name"]) if user else None

    def check_xsrf_cookie(self) -> None:
        """Writes need a JSON body, as in :mod:`spinelab.publish.room`."""


class HubStudentHandler(HubMixin, StudentHandler):
    """Students' routes for Hub users."""


class HubInstructorHandler(HubMixin, InstructorHandler):
    """The instructor's API for the Hub's instructors."""


class HubPageHandler(HubMixin, PageHandler):
    """The pages: a visitor without a Hub login goes to the Hub's login page first."""

    @tornado.web.authenticated
    def get(self, page: str) -> None:
        """Serve the page to a Hub user allowed to see it (403 otherwise)."""
        if not (self.is_instructor() if page == "instructor" else self.is_student()):
            raise tornado.web.HTTPError(403, "this page is for the class's instructors")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(room_module.asset(room_module.PAGES[page]))


def hub_handlers(room: HubRoom, prefix: str) -> list[tuple[str, type, dict[str, Any]]]:
    """The room's routes under the service's prefix, with the Hub's OAuth callback."""
    swap = {StudentHandler: HubStudentHandler, InstructorHandler: HubInstructorHandler, PageHandler: HubPageHandler,
            AssetHandler: AssetHandler}
    routes = [(pattern, swap[handler], kwargs) for pattern, handler, kwargs in room_module.room_handlers(room, prefix)]
    return [(prefix.rstrip("/") + "/oauth_callback", HubOAuthCallbackHandler, {}), *routes]


def make_app(room: HubRoom, prefix: str) -> tornado.web.Application:
    """The service's tornado application."""
    return tornado.web.Application(hub_handlers(room, prefix), cookie_secret=os.urandom(32))


def main() -> int:
    """Run as a JupyterHub service (the Hub sets the environment)."""
    prefix = settings.text("JUPYTERHUB_SERVICE_PREFIX") or "/services/spinelab-room/"
    url = urlparse(settings.text("JUPYTERHUB_SERVICE_URL") or "http://127.0.0.1:10101")
    instructors = {name.strip() for name in settings.text(INSTRUCTORS_ENV).split(",") if name.strip()}
    store = ClassStore(session_path("hub"))
    room = HubRoom(store, instructors, settings.text(INSTRUCTOR_GROUP_ENV) or "instructors")
    make_app(room, prefix).listen(url.port or 80, url.hostname or "127.0.0.1")
    print(f"spinelab room service at {prefix} ({url.geturl()}); store {store.path}", flush=True)
    tornado.ioloop.IOLoop.current().start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
