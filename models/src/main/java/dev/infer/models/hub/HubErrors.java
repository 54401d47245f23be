package dev.infer.models.hub;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;

/**
 * Turns hub responses and network failures into messages that say what to do. The hub answers 401 both for
 * private repos and for repos that do not exist (so as not to reveal which), and 403 for gated ones whose terms
 * the token's account has not accepted; it adds {@code X-Error-Code} / {@code X-Error-Message} headers.
 */
final class HubErrors {
    private HubErrors() {
    }

    static HubException forStatus(HttpResponse<?> r, RepoId repo, String file, HubSettings settings) {
        int status = r.statusCode();
        String code = r.headers().firstValue("X-Error-Code").orElse("");
        String detail = r.headers().firstValue("X-Error-Message").map(m -> " (hub says: " + m + ")").orElse("");
        String what = file == null ? repo.toString() : file + " in " + repo;
        String page = settings.endpoint() + "/" + repo.id();
        return switch (status) {
            case 401 -> new HubException(what + ": 401 Unauthorized: the repository is private or gated, or does "
                    + "not exist" + detail + ". " + (settings.token() == null
                    ? "Set HF_TOKEN to a Hugging Face access token with read access to " + page + "."
                    : "HF_TOKEN is set but was not accepted: check the token is valid and can read " + page + "."));
            case 403 -> new HubException(what + ": 403 Forbidden: " + ("GatedRepo".equals(code)
                    ? "this is a gated model; accept its terms at " + page + " with the account whose token is in HF_TOKEN"
                    : "HF_TOKEN does not grant access to " + page) + detail + ".");
            case 404 -> new HubException(switch (code) {
                case "RevisionNotFound" -> "revision \"" + repo.revision() + "\" not found in " + repo.id();
                case "EntryNotFound" -> "file " + file + " not found in " + repo;
                default -> repo.id() + " not found on " + settings.endpoint()
                        + " (check the repo id and revision \"" + repo.revision() + "\")";
            } + detail);
            case 429 -> new HubException(what + ": rate limited by the hub (429)" + detail, null, true);
            default -> new HubException(what + ": the hub answered HTTP " + status + detail, null, status >= 500);
        };
    }

    /** A failure to talk to the hub at all (connect, DNS, timeout, dropped connection); worth retrying. */
    static HubException network(HubSettings settings, String what, IOException e) {
        String reason = switch (e) {
            case HttpConnectTimeoutException t -> "connection timed out after " + settings.requestTimeout().toSeconds() + " s";
            case HttpTimeoutException t -> "no response within " + settings.requestTimeout().toSeconds() + " s";
            case ConnectException c when c.getCause() instanceof UnresolvedAddressException -> "host not found";
            case ConnectException c -> "connection refused or unreachable";
            case UnknownHostException u -> "host not found";
            default -> e.toString();
        };
        return new HubException("cannot " + what + ": cannot reach " + settings.endpoint() + " (" + reason + "). "
                + "Check the network and HF_ENDPOINT, or set HF_HUB_OFFLINE=1 to use only models already in the cache ("
                + settings.hubCache() + ").", e, true);
    }
}
