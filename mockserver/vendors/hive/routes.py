"""Hive's route table: the Moderation Dashboard and Models APIs on one port.

Paths: `/api/v1/task/sync|async`, `/api/v2/task/sync|async` (Dashboard, or the Models API by
Host, see `http.py`), `POST /api/v1/report` (Dashboard), `GET /api/v1/task` (Models), and the
same task paths under `/models` for clients that cannot set a Host header. The handlers live in
`routes_dashboard.py` and `routes_models.py`.
"""

from __future__ import annotations

from aiohttp import web

from mockserver.vendor import Handler, Route

from . import routes_dashboard, routes_models
from .http import MODELS_PATH_PREFIX, is_models_request


def _task_handler(version: str, is_async: bool, *, models_only: bool = False) -> Handler:
    """One task path serves both products: the Host (or the /models prefix) decides."""

    async def handle(request: web.Request) -> web.StreamResponse:
        if models_only or is_models_request(request):
            return await routes_models.submit_task(request, version, is_async)
        return await routes_dashboard.submit_task(request, version, is_async)

    return handle


def routes() -> list[Route]:
    out: list[Route] = []
    for version in ("v1", "v2"):
        for mode in ("sync", "async"):
            is_async = mode == "async"
            path = f"/api/{version}/task/{mode}"
            out.append(Route("POST", path, _task_handler(version, is_async)))
            out.append(
                Route(
                    "POST",
                    MODELS_PATH_PREFIX + path,
                    _task_handler(version, is_async, models_only=True),
                )
            )
    out += [
        Route("POST", "/api/v1/report", routes_dashboard.report),
        Route("GET", "/api/v1/task", routes_models.get_task),
        Route("GET", MODELS_PATH_PREFIX + "/api/v1/task", routes_models.get_task),
    ]
    return out
