"""Hive's route table: the Moderation Dashboard and Models APIs on one port, and each on its
host's own port (`--host-port`).

Paths: `/api/v1/task/sync|async`, `/api/v2/task/sync|async` (Dashboard, or the Models API by
host, see `http.py`), `POST /api/v1/report` (Dashboard only), `GET /api/v1/task` (Models only),
and on the main port the same task paths under `/models` for clients that cannot set a Host
header. The handlers live in `routes_dashboard.py` and `routes_models.py`.
"""

from __future__ import annotations

from aiohttp import web

from mockserver.kit.vendor import Handler, Route

from . import routes_dashboard, routes_models
from .http import DASHBOARD_HOST, MODELS_HOST, MODELS_PATH_PREFIX, is_models_request


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
                    hosts=(),  # a sandbox alias: no real host has it
                )
            )
    out += [
        Route("POST", "/api/v1/report", routes_dashboard.report, hosts=(DASHBOARD_HOST,)),
        Route("GET", "/api/v1/task", routes_models.get_task, hosts=(MODELS_HOST,)),
        Route("GET", MODELS_PATH_PREFIX + "/api/v1/task", routes_models.get_task, hosts=()),
    ]
    return out
