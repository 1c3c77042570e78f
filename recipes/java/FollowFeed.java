// FollowFeed.java: the event feed, one JSON line per event, resumable across restarts.
//   PAYPAY_KYC_ENDPOINT=https://kyc.example.com MERCHANT_API_TOKEN=... \
//     java -cp out FollowFeed feed-state.json [--once] [--interval 5]
// The state file keeps the cursor and the ids already printed from the page being read,
// so a restart prints nothing twice. --once stops when caught up (a cron job's run).
// Exit status: 0 caught up (--once), 2 could not run; stopped, the JVM's 130 or 143.
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

public final class FollowFeed {
    static final int PAGE_LIMIT = 100;

    /** The cursor to read from, and the ids already printed from that page. */
    static Map<String, Object> load(Path path) throws IOException {
        Map<String, Object> state = new LinkedHashMap<>();
        if (!Files.exists(path)) {
            state.put("after", "");
            state.put("done", new ArrayList<>());
            return state;
        }
        Object read = Json.parse(Files.readString(path));
        if (!(read instanceof Map<?, ?> map) || !(map.get("after") instanceof String after)
                || !(map.get("done") instanceof List<?> done))
            throw new IOException("not a state file of this program");
        state.put("after", after);
        state.put("done", new ArrayList<>(done));
        return state;
    }

    static void save(Path path, Map<String, Object> state) throws IOException {
        // Written beside, then renamed over: a crash leaves the old state or the new, never half.
        Path temporary = path.resolveSibling(path.getFileName() + ".tmp");
        Files.writeString(temporary, Json.write(state));
        Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** One page after `after`; an outage (no answer, 429, 5xx) is waited out, with back-off. */
    static Map<String, Object> nextPage(String after) throws Exception {
        String query = "limit=" + PAGE_LIMIT + (after.isEmpty() ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
        for (long pause = 1; ; pause = Math.min(pause * 2, 30)) {
            Map<String, Object> page;
            try {
                page = Kyc.call("GET", "/v1/events?" + query, null);
            } catch (Kyc.KycError error) {
                boolean passing = error.status == null || error.status == 429 || error.status >= 500;
                if (!passing || error.code.equals("INVALID_RESPONSE")) throw error;
                long wait = Math.min(error.retryAfter == null ? pause : error.retryAfter, 60);
                System.err.println("follow-feed: " + error.getMessage() + "; trying again in " + wait + " s");
                Thread.sleep(wait * 1000);
                continue;
            }
            if (!(page.get("events") instanceof List<?> events) || !(page.get("cursor") instanceof String cursor))
                throw new Kyc.KycError("INVALID_RESPONSE", "GET /v1/events: not a feed page", 200, null, null);
            if (!events.isEmpty() && cursor.equals(after))
                throw new Kyc.KycError("INVALID_RESPONSE", "GET /v1/events: a page of events did not move the cursor",
                        200, null, null);
            return page;
        }
    }

    /**
     * Held from printing an event to saving that it was. SIGTERM and Ctrl-C run the
     * shutdown hook, which takes it and keeps it: the JVM stops after a whole event.
     */
    static final ReentrantLock WRITING = new ReentrantLock();

    @SuppressWarnings("unchecked")
    static void follow(Path path, boolean once, int interval) throws Exception {
        Map<String, Object> state = load(path);
        for (;;) {
            Map<String, Object> page = nextPage((String) state.get("after"));
            List<Map<String, Object>> events = (List<Map<String, Object>>) page.get("events");
            List<Object> done = (List<Object>) state.get("done");
            for (Map<String, Object> event : events) {
                if (done.contains(event.get("id"))) continue; // printed before a restart
                WRITING.lock();
                try {
                    Kyc.printJson(event);
                    done.add(event.get("id"));
                    save(path, state);
                } finally {
                    WRITING.unlock();
                }
            }
            if (!events.isEmpty() || !page.get("cursor").equals(state.get("after"))) {
                state.put("after", page.get("cursor"));
                state.put("done", new ArrayList<>());
                save(path, state);
            }
            if (events.isEmpty()) {
                if (once) return;
                Thread.sleep(interval * 1000L);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(List.of(args));
        boolean once = rest.remove("--once");
        int interval = 5;
        int at = rest.indexOf("--interval");
        if (at >= 0) {
            interval = at + 1 < rest.size() && rest.get(at + 1).matches("\\d{1,4}") ? Integer.parseInt(rest.get(at + 1)) : 0;
            rest.subList(at, Math.min(at + 2, rest.size())).clear();
        }
        if (rest.size() != 1 || interval < 1 || interval > 3600) {
            System.err.println("usage: java -cp out FollowFeed <state file> [--once] [--interval 1-3600]");
            System.exit(2);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(WRITING::lock));
        try {
            follow(Path.of(rest.get(0)), once, interval);
        } catch (Kyc.CannotRun | Kyc.KycError error) {
            String request = error instanceof Kyc.KycError k && k.requestId != null ? " request " + k.requestId : "";
            System.err.println("follow-feed: " + error.getMessage() + request);
            System.exit(2);
        } catch (IOException | IllegalArgumentException error) {
            System.err.println("follow-feed: cannot use the state file " + rest.get(0) + ": " + error.getMessage());
            System.exit(2);
        }
    }
}
