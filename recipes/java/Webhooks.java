// Webhooks.java: the check of a forwarded event, per Standard Webhooks. With the
// official library (com.standardwebhooks) on the classpath it does the HMAC check;
// without it, the standard-library fallback below does the same.
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

final class Webhooks {
    static final long TOLERANCE_SECONDS = 5 * 60;
    private static final Class<?> OFFICIAL = official();
    static final String VERIFIER = OFFICIAL != null ? "com.standardwebhooks (official)" : "standard-library fallback";

    /** A forwarded event not to trust: `status` 400 (malformed) or 401 (not ours). */
    static final class Refused extends Exception {
        final int status;
        final String code;

        Refused(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    private static Class<?> official() {
        try {
            return Class.forName("com.standardwebhooks.Webhook");
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /** MERCHANT_WEBHOOK_SECRET, `whsec_` + base64, as the HMAC key's bytes. */
    static byte[] secretBytes(String secret) throws Kyc.CannotRun {
        String text = secret == null ? "" : secret.trim();
        if (text.startsWith("whsec_")) text = text.substring(6);
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            key = new byte[0];
        }
        if (key.length == 0) throw new Kyc.CannotRun("MERCHANT_WEBHOOK_SECRET must be whsec_ followed by base64");
        return key;
    }

    /** The feed event a forwarded request carries, or Refused. `body` is the raw body. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> verifyEvent(byte[] body, Map<String, List<String>> headers, byte[] key, long now)
            throws Refused {
        String id = first(headers, "webhook-id");
        String stamp = first(headers, "webhook-timestamp");
        List<String> signatures = new ArrayList<>();
        for (String line : all(headers, "webhook-signature"))
            for (String entry : line.trim().split("\\s+"))
                // A repeated header may arrive joined with ", ": the comma is not part of the base64.
                if (entry.replaceAll(",$", "").contains(",")) signatures.add(entry.replaceAll(",$", ""));
        if (id.isEmpty() || stamp.isEmpty() || signatures.isEmpty())
            throw new Refused(400, "MISSING_HEADERS", "webhook-id, webhook-timestamp and webhook-signature are required");
        if (!stamp.matches("\\d{1,15}"))
            throw new Refused(400, "INVALID_TIMESTAMP", "webhook-timestamp is not Unix seconds");
        long sentAt = Long.parseLong(stamp);
        if (sentAt < now - TOLERANCE_SECONDS)
            throw new Refused(401, "TIMESTAMP_TOO_OLD", "webhook-timestamp is more than 5 minutes old");
        if (sentAt > now + TOLERANCE_SECONDS)
            throw new Refused(401, "TIMESTAMP_TOO_NEW", "webhook-timestamp is more than 5 minutes ahead");
        boolean matched = OFFICIAL != null
                ? officialMatches(key, id, stamp, body, String.join(" ", signatures))
                : signatureMatches(key, id, stamp, body, signatures);
        if (!matched) throw new Refused(401, "INVALID_SIGNATURE", "No v1 signature matches this body and secret");
        try {
            Object parsed = Json.parse(new String(body, StandardCharsets.UTF_8));
            Object event = parsed instanceof Map<?, ?> map ? map.get("data") : null;
            if (event instanceof Map<?, ?> e && e.get("id") instanceof String && e.get("type") instanceof String)
                return (Map<String, Object>) event;
        } catch (IllegalArgumentException e) {
            // not JSON: refused below
        }
        throw new Refused(400, "INVALID_PAYLOAD", "The signed body is not a forwarded event");
    }

    /** The fallback: HMAC-SHA256 over "<id>.<timestamp>.<body>", any v1 entry, constant time. */
    static boolean signatureMatches(byte[] key, String id, String stamp, byte[] body, List<String> signatures) {
        byte[] expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + stamp + ".").getBytes(StandardCharsets.UTF_8));
            expected = mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this Java", e);
        }
        boolean matched = false;
        for (String entry : signatures) {
            String[] parts = entry.split(",", 2);
            byte[] candidate;
            try {
                candidate = Base64.getDecoder().decode(parts[1]);
            } catch (IllegalArgumentException e) {
                continue;
            }
            // Every entry is compared, each in constant time (MessageDigest.isEqual): no early exit to time.
            if (parts[0].equals("v1") && MessageDigest.isEqual(candidate, expected)) matched = true;
        }
        return matched;
    }

    /**
     * The official library, looked up at run time so that this file compiles without
     * it: `verify(String, Map)` in recent versions, `verify(String, HttpHeaders)` before.
     */
    private static boolean officialMatches(byte[] key, String id, String stamp, byte[] body, String signatures) {
        Map<String, List<String>> map = Map.of("webhook-id", List.of(id), "webhook-timestamp", List.of(stamp),
                "webhook-signature", List.of(signatures));
        String payload = new String(body, StandardCharsets.UTF_8);
        // A method handle through the public class: verify is declared in a package-private base.
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        try {
            Object webhook = lookup.findConstructor(OFFICIAL, MethodType.methodType(void.class, byte[].class))
                    .invoke(key);
            try {
                lookup.findVirtual(OFFICIAL, "verify", MethodType.methodType(void.class, String.class, Map.class))
                        .invoke(webhook, payload, map);
            } catch (NoSuchMethodException e) {
                lookup.findVirtual(OFFICIAL, "verify",
                                MethodType.methodType(void.class, String.class, HttpHeaders.class))
                        .invoke(webhook, payload, HttpHeaders.of(map, (a, b) -> true));
            }
            return true;
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalStateException("com.standardwebhooks.Webhook is not the expected library", e);
        } catch (Exception e) {
            return false; // WebhookVerificationException: no signature matched
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> all(Map<String, List<String>> headers, String name) {
        List<String> values = new ArrayList<>();
        headers.forEach((k, v) -> {
            if (k != null && k.equalsIgnoreCase(name) && v != null) values.addAll(v);
        });
        return values;
    }

    /** The header's one value; empty when absent or repeated. */
    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = all(headers, name);
        return values.size() == 1 ? values.get(0).trim() : "";
    }
}
