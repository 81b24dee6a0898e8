package dev.elixr.tasks.serve;

import java.util.Map;

/**
 * A refusal with its HTTP status, a stable machine-readable code and a message written for the client: never an
 * exception's own message, a stack trace or a file path.
 */
final class HttpError extends RuntimeException {
    final int status;
    final String code;
    final Map<String, String> headers;

    HttpError(int status, String code, String message) { this(status, code, message, Map.of()); }

    HttpError(int status, String code, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.headers = headers;
    }

    static HttpError badRequest(String message) { return new HttpError(400, "bad_request", message); }
}
