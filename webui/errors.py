"""One error shape: `{"error": "...", "status": N}` under /api/, the HTML error page elsewhere; never a traceback."""
from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from indexer.search import IndexUnavailable

NO_INDEX = "Chưa có chỉ mục: chạy `make index`"
MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    404: "Không tìm thấy trang này.",
    405: "Phương thức này không được hỗ trợ.",
    500: "Đã có lỗi xảy ra ở máy chủ; vui lòng thử lại sau.",
    503: NO_INDEX,
}
TITLES = {400: "Yêu cầu không hợp lệ", 404: "Không tìm thấy", 405: "Không được hỗ trợ",
          500: "Lỗi máy chủ", 503: "Chưa có chỉ mục"}


def register(app: Flask) -> None:
    """Install the handlers: HTTP errors, a missing index, and anything unexpected."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(IndexUnavailable, _index_unavailable)
    app.register_error_handler(Exception, _unexpected)


def wants_json() -> bool:
    """True for the JSON API's paths, known or not."""
    return request.path == "/api" or request.path.startswith("/api/")


def error_response(message: str, status: int) -> Response:
    """The error as JSON for the API, as the HTML error page otherwise."""
    if wants_json():
        response = jsonify(error=message, status=status)
    else:
        response = current_app.make_response(render_template(
            "error.html", status=status, title=TITLES.get(status, "Lỗi"), message=message))
    response.status_code = status
    return response


def _http_error(err: HTTPException) -> Response:
    status = err.code or 500
    custom = err.description != type(err).description  # abort(404, description=...) carries our own words
    message = err.description if custom and err.description else MESSAGES.get(status, err.name)
    if isinstance(err, MethodNotAllowed):
        message = f"Phương thức {request.method} không được hỗ trợ ở đây."
    response = error_response(message, status)
    if isinstance(err, MethodNotAllowed) and err.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(err.valid_methods))
    return response


def _index_unavailable(err: IndexUnavailable) -> Response:
    current_app.logger.warning("index unavailable: %s", err)
    return error_response(NO_INDEX, 503)


def _unexpected(err: Exception) -> Response:
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(MESSAGES[500], 500)
