package dev.infer.server.http;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A request the server refuses, with what OpenAI's error object says about it. */
public final class ApiException extends RuntimeException {
    private final HttpResponseStatus status;
    private final String type;
    private final String param;
    private final String code;

    public ApiException(HttpResponseStatus status, String type, String message, String param, String code) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    public static ApiException badRequest(String message, String param) {
        return new ApiException(HttpResponseStatus.BAD_REQUEST, "invalid_request_error", message, param, null);
    }

    public static ApiException notFound(String message, String code) {
        return new ApiException(HttpResponseStatus.NOT_FOUND, "invalid_request_error", message, null, code);
    }

    public HttpResponseStatus status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }
}
