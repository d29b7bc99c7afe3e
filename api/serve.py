"""Serve the API with waitress, whose own answers to requests it cannot parse come in the API's error shape."""
from __future__ import annotations

import json

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.task import ErrorTask

from api.errors import HTTP_CODES


class JsonErrorTask(ErrorTask):
    """Waitress answers a malformed request (a control byte in a header, a bad chunk) itself, before Flask
    sees it; this writes that answer as {"error": {"code", "message", "details"}} instead of plain text."""

    def execute(self):
        e = self.request.error
        body = json.dumps({"error": {"code": HTTP_CODES.get(e.code, "http_error"), "message": f"{e.reason}: {e.body}",
                                     "details": {}}}).encode()
        self.status = f"{e.code} {e.reason}"
        self.response_headers.append(("Content-Type", "application/json"))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class JsonErrorChannel(HTTPChannel):
    error_task_class = JsonErrorTask


def make_server(app, host: str, port: int, threads: int):
    """A waitress server (not yet running) with JSON error answers on every listening socket."""
    sockets: dict = {}
    settings = app.config["SETTINGS"]
    # Waitress buffers a whole body (chunked ones too) before Flask sees its size; its own cap is 1 GB.
    biggest = max(settings.api_max_body_bytes, settings.api_max_import_bytes, settings.api_max_upload_bytes)
    server = create_server(app, map=sockets, host=host, port=port, threads=threads, max_request_body_size=biggest)
    for listener in sockets.values():
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = JsonErrorChannel
    return server


def serve(app, host: str, port: int, threads: int) -> None:
    """Like waitress.serve."""
    server = make_server(app, host, port, threads)
    server.print_listen("Serving on http://{}:{}")
    server.run()
