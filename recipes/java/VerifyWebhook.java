// VerifyWebhook.java: MERCHANT_WEBHOOK_URL's receiver, on com.sun.net.httpserver.
//   MERCHANT_WEBHOOK_SECRET=whsec_... java -cp out VerifyWebhook [port]   (default 8080)
// 204 for an event the Worker signed (printed as one JSON line on stdout), 400 for a
// malformed request, 401 for a wrong signature or a timestamp more than 5 minutes off.
// Listens on 127.0.0.1: put your TLS proxy in front. A redelivery is a new message
// with a new timestamp: de-duplicate on the event's id.
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

public final class VerifyWebhook {
    static final int MAX_BODY = 64 * 1024;

    public static void main(String[] args) throws IOException {
        byte[] key;
        try {
            key = Webhooks.secretBytes(System.getenv("MERCHANT_WEBHOOK_SECRET")); // refuse to start without one
        } catch (Kyc.CannotRun error) {
            System.err.println("verify-webhook: " + error.getMessage());
            System.exit(2);
            return;
        }
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", exchange -> handle(exchange, key));
        server.start();
        System.err.println("verify-webhook: listening on 127.0.0.1:" + server.getAddress().getPort()
                + " (" + Webhooks.VERIFIER + ")");
    }

    static void handle(HttpExchange exchange, byte[] key) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.getResponseHeaders().set("Allow", "POST");
                answer(exchange, 405, "METHOD_NOT_ALLOWED", "POST only");
                return;
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(MAX_BODY + 1);
            }
            if (body.length > MAX_BODY) {
                answer(exchange, 400, "INVALID_PAYLOAD", "A body of at most 64 KiB");
                return;
            }
            Map<String, Object> event;
            try {
                long now = System.currentTimeMillis() / 1000;
                event = Webhooks.verifyEvent(body, exchange.getRequestHeaders(), key, now);
            } catch (Webhooks.Refused refused) {
                answer(exchange, refused.status, refused.code, refused.getMessage());
                return;
            }
            Kyc.printJson(event); // your handling goes here: de-duplicate on event.get("id")
            exchange.sendResponseHeaders(204, -1);
        }
    }

    static void answer(HttpExchange exchange, int status, String code, String message) throws IOException {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        byte[] body = Json.write(Map.of("error", error))
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }
}
