// Exchange.java: trade a resultToken for the verified claims, once.
//   javac -d out *.java
//   PAYPAY_KYC_ENDPOINT=https://kyc.example.com MERCHANT_API_TOKEN=... java -cp out Exchange rt1.…
// Prints the exchange's JSON answer (claims, kyc, userAuthorizationId, receipt) on stdout.
// Exit status: 0 released, 1 the Worker refused (code on stderr), 2 could not run.
import java.util.Map;

public final class Exchange {
    // What each documented refusal means for the merchant (docs/api.md, the exchange).
    private static final Map<String, String> MEANING = Map.of(
            "RESULT_ALREADY_EXCHANGED", "this token was exchanged before: the claims are released once",
            "RESULT_EXPIRED", "the token is older than RESULT_TTL_SECONDS (or the user was forgotten): verify again",
            "RESULT_NOT_FOUND", "no verification has this token",
            "UNAUTHORIZED", "MERCHANT_API_TOKEN is not this Worker's");

    static Map<String, Object> exchange(String resultToken) throws Kyc.KycError, Kyc.CannotRun, InterruptedException {
        // RECEIPT_UNAVAILABLE released nothing and the same token works again: retry twice.
        for (int attempt = 0; ; attempt++) {
            try {
                return Kyc.call("POST", "/v1/results/exchange", Map.of("resultToken", resultToken));
            } catch (Kyc.KycError error) {
                if (!error.code.equals("RECEIPT_UNAVAILABLE") || attempt == 2) throw error;
                Thread.sleep(Math.min(error.retryAfter == null ? 1 : error.retryAfter, 30) * 1000);
            }
        }
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1 || !args[0].startsWith("rt1.")) {
            System.err.println("usage: java -cp out Exchange <resultToken>");
            System.exit(2);
        }
        try {
            Kyc.printJson(exchange(args[0]));
        } catch (Kyc.CannotRun error) {
            System.err.println("exchange: " + error.getMessage());
            System.exit(2);
        } catch (Kyc.KycError error) {
            String hint = MEANING.containsKey(error.code) ? " (" + MEANING.get(error.code) + ")" : "";
            String request = error.requestId == null ? "" : " request " + error.requestId;
            System.err.println("exchange: " + error.getMessage() + hint + request);
            // A Worker's answer (its code) is 1; no usable answer (network, timeout, not our JSON) is 2.
            System.exit(error.status == null || error.code.equals("INVALID_RESPONSE") ? 2 : 1);
        }
    }
}
