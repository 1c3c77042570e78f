// Kyc.java: the three jobs' shared parts, Java 17+ standard library only.
// Exchange, FollowFeed and VerifyWebhook use it (docs/servers.md).
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

final class Kyc {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** A call that failed: the Worker's error code, or one found here. */
    static final class KycError extends Exception {
        final String code;
        final Integer status;
        final String requestId;
        final Long retryAfter;

        KycError(String code, String message, Integer status, String requestId, Long retryAfter) {
            super(message);
            this.code = code;
            this.status = status;
            this.requestId = requestId;
            this.retryAfter = retryAfter;
        }
    }

    /** A setting is missing or unsafe: nothing was sent. */
    static final class CannotRun extends Exception {
        CannotRun(String message) {
            super(message);
        }
    }

    /** PAYPAY_KYC_ENDPOINT: https, or http only to this machine (wrangler dev). */
    static String endpoint() throws CannotRun {
        String value = env("PAYPAY_KYC_ENDPOINT").replaceAll("/+$", "");
        URI url;
        try {
            url = new URI(value);
        } catch (Exception e) {
            url = null;
        }
        if (url == null || url.getHost() == null || !List.of("https", "http").contains(url.getScheme()))
            throw new CannotRun("PAYPAY_KYC_ENDPOINT must be the Worker's URL, e.g. https://kyc.example.com");
        if (url.getUserInfo() != null || url.getQuery() != null || url.getFragment() != null)
            throw new CannotRun("PAYPAY_KYC_ENDPOINT takes no credentials, query or fragment");
        String host = url.getHost().replaceAll("^\\[|\\]$", "");
        boolean loopback = host.equals("localhost") || host.equals("::1") || host.matches("127\\.\\d+\\.\\d+\\.\\d+");
        // Every call carries the bearer, which plain http shows to anyone on the way.
        if (url.getScheme().equals("http") && !loopback)
            throw new CannotRun("PAYPAY_KYC_ENDPOINT is plain http to " + host + ": use https");
        return value;
    }

    /** MERCHANT_API_TOKEN, from the environment only: never an argument, never printed. */
    static String token() throws CannotRun {
        String token = env("MERCHANT_API_TOKEN");
        if (token.isEmpty()) throw new CannotRun("MERCHANT_API_TOKEN is not set");
        return token;
    }

    static String env(String name) {
        String value = System.getenv(name);
        return value == null ? "" : value.trim();
    }

    // A bearer never follows a redirect: a 3xx comes back as an answer.
    private static final HttpClient HTTP =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(TIMEOUT).build();

    /** One bearer call to the Worker: its JSON object, or a KycError. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> call(String method, String path, Object body) throws KycError, CannotRun {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint() + path))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token())
                .header("Accept", "application/json");
        if (body == null) request.method(method, HttpRequest.BodyPublishers.noBody());
        else request.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)));
        String where = method + " " + path.replaceAll("\\?.*", "");
        HttpResponse<String> answer;
        try {
            answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new KycError("TIMEOUT", where + ": no answer within 30 s", null, null, null);
        } catch (IOException e) {
            throw new KycError("NETWORK_ERROR", where + ": the Worker could not be reached", null, null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KycError("NETWORK_ERROR", where + ": interrupted", null, null, null);
        }
        int status = answer.statusCode();
        String requestId = answer.headers().firstValue("X-Request-Id").orElse(null);
        String retry = answer.headers().firstValue("Retry-After").orElse("").trim();
        Long retryAfter = retry.matches("\\d{1,6}") ? Long.valueOf(retry) : null;
        Object json;
        try {
            json = Json.parse(answer.body());
        } catch (IllegalArgumentException e) {
            json = null;
        }
        if (status / 100 == 2 && json instanceof Map) return (Map<String, Object>) json;
        Object error = json instanceof Map<?, ?> map ? map.get("error") : null;
        if (status >= 400 && error instanceof Map<?, ?> e && e.get("code") instanceof String code) {
            String message = e.get("message") instanceof String m ? m : "";
            String id = e.get("requestId") instanceof String r ? r : requestId;
            throw new KycError(code, where + ": " + status + " " + code + ": " + message, status, id, retryAfter);
        }
        throw new KycError("INVALID_RESPONSE", where + ": answered " + status + " with something not our JSON",
                status, requestId, retryAfter);
    }

    /** One JSON document on one line of stdout, flushed (a pipe sees it at once). */
    static void printJson(Object value) {
        OUT.println(Json.write(value));
    }

    // UTF-8 whatever the locale: a kana name must not turn into question marks.
    private static final PrintStream OUT =
            new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
}
