# exchange.py: trade a resultToken for the verified claims, once.
#   PAYPAY_KYC_ENDPOINT=https://kyc.example.com MERCHANT_API_TOKEN=... python3 exchange.py rt1.…
# Prints the exchange's JSON answer (claims, kyc, userAuthorizationId, receipt) on stdout.
# Exit status: 0 released, 1 the Worker refused (code on stderr), 2 could not run.
import sys
import time

from kyc import CannotRun, KycError, call, print_json

# What each documented refusal means for the merchant (docs/api.md, the exchange).
MEANING = {
    "RESULT_ALREADY_EXCHANGED": "this token was exchanged before: the claims are released once",
    "RESULT_EXPIRED": "the token is older than RESULT_TTL_SECONDS (or the user was forgotten): verify again",
    "RESULT_NOT_FOUND": "no verification has this token",
    "UNAUTHORIZED": "MERCHANT_API_TOKEN is not this Worker's",
}


def exchange(result_token):
    # RECEIPT_UNAVAILABLE released nothing and the same token works again: retry twice.
    for attempt in range(3):
        try:
            return call("POST", "/v1/results/exchange", {"resultToken": result_token})
        except KycError as error:
            if error.code != "RECEIPT_UNAVAILABLE" or attempt == 2:
                raise
            time.sleep(min(error.retry_after or 1, 30))


def main(argv):
    if len(argv) != 2 or not argv[1].startswith("rt1."):
        print("usage: python3 exchange.py <resultToken>", file=sys.stderr)
        return 2
    try:
        print_json(exchange(argv[1]))
        return 0
    except CannotRun as error:
        print(f"exchange: {error}", file=sys.stderr)
        return 2
    except KycError as error:
        hint = MEANING.get(error.code, "")
        print(f"exchange: {error}{' (' + hint + ')' if hint else ''}"
              f"{' request ' + error.request_id if error.request_id else ''}", file=sys.stderr)
        # A Worker's answer (its code) is 1; no usable answer (network, timeout, not our JSON) is 2.
        return 2 if error.status is None or error.code == "INVALID_RESPONSE" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
