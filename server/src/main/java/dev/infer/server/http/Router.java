package dev.infer.server.http;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Path and method to endpoint; 404 for an unknown path, 405 for a known path with the wrong method. Paths are exact,
 * or a prefix and a suffix around one path parameter ({@code /v1/requests/{id}/end_thinking}).
 */
final class Router {
    private record Route(HttpMethod method, Endpoint endpoint) {
    }

    private record ParameterRoute(String prefix, String suffix, Route route) {
        boolean matches(String path) {
            return path.length() > prefix.length() + suffix.length() && path.startsWith(prefix)
                    && path.endsWith(suffix) && path.indexOf('/', prefix.length()) == path.length() - suffix.length();
        }
    }

    private final Map<String, Route> routes = new LinkedHashMap<>();
    private final List<ParameterRoute> parameterRoutes = new ArrayList<>();

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
                .add(HttpMethod.GET, "/ready", info::ready)
                .add(HttpMethod.POST, EndThinkingEndpoint.PREFIX, EndThinkingEndpoint.SUFFIX,
                        new EndThinkingEndpoint(context));
    }

    Router add(HttpMethod method, String path, Endpoint endpoint) {
        routes.put(path, new Route(method, endpoint));
        return this;
    }

    /** A route whose path is {@code prefix + one segment + suffix}; the endpoint reads the segment from the URI. */
    Router add(HttpMethod method, String prefix, String suffix, Endpoint endpoint) {
        parameterRoutes.add(new ParameterRoute(prefix, suffix, new Route(method, endpoint)));
        return this;
    }

    /** The request path: no query, no trailing slash. */
    static String path(String uri) {
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path;
    }

    /** The endpoint for this request, or an {@link ApiException} (404 / 405). */
    Endpoint route(HttpMethod method, String uri) {
        String path = path(uri);
        Route r = routes.get(path);
        for (int i = 0; r == null && i < parameterRoutes.size(); i++) {
            if (parameterRoutes.get(i).matches(path)) {
                r = parameterRoutes.get(i).route();
            }
        }
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
