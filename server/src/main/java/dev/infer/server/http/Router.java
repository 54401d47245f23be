package dev.infer.server.http;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.LinkedHashMap;
import java.util.Map;

/** Path and method to endpoint; 404 for an unknown path, 405 for a known path with the wrong method. */
final class Router {
    private record Route(HttpMethod method, Endpoint endpoint) {
    }

    private final Map<String, Route> routes = new LinkedHashMap<>();

    static Router standard(ServingContext context) {
        InfoEndpoints info = new InfoEndpoints(context);
        GenerationRunner runner = new GenerationRunner(context);
        TokenizeEndpoints tokenize = new TokenizeEndpoints(context);
        return new Router()
                .add(HttpMethod.POST, "/v1/completions", new CompletionsEndpoint(context, runner))
                .add(HttpMethod.POST, "/v1/chat/completions", new ChatCompletionsEndpoint(context, runner))
                .add(HttpMethod.POST, "/tokenize", tokenize::tokenize)
                .add(HttpMethod.POST, "/detokenize", tokenize::detokenize)
                .add(HttpMethod.GET, "/metrics", new MetricsEndpoint(context))
                .add(HttpMethod.GET, "/v1/models", info::models)
                .add(HttpMethod.GET, "/health", info::health)
                .add(HttpMethod.GET, "/ready", info::ready);
    }

    Router add(HttpMethod method, String path, Endpoint endpoint) {
        routes.put(path, new Route(method, endpoint));
        return this;
    }

    /** The endpoint for this request, or an {@link ApiException} (404 / 405). */
    Endpoint route(HttpMethod method, String uri) {
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        Route r = routes.get(path);
        if (r == null) {
            throw ApiException.notFound("no route for " + path, "not_found");
        }
        if (!r.method().equals(method)) {
            throw new ApiException(HttpResponseStatus.METHOD_NOT_ALLOWED, "invalid_request_error",
                    path + " accepts " + r.method() + ", not " + method, null, null);
        }
        return r.endpoint();
    }

    /** Whether the path needs the API key (the OpenAI API does; health and readiness probes do not). */
    static boolean isProtected(String uri) {
        return uri.startsWith("/v1/");
    }
}
