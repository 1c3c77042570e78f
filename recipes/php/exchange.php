<?php
// exchange.php: trade a resultToken for the verified claims, once.
//   PAYPAY_KYC_ENDPOINT=https://kyc.example.com MERCHANT_API_TOKEN=... php exchange.php rt1.…
// Prints the exchange's JSON answer (claims, kyc, userAuthorizationId, receipt) on stdout.
// Exit status: 0 released, 1 the Worker refused (code on stderr), 2 could not run.
declare(strict_types=1);
require __DIR__ . '/kyc.php';

// What each documented refusal means for the merchant (docs/api.md, the exchange).
const MEANING = [
    'RESULT_ALREADY_EXCHANGED' => 'this token was exchanged before: the claims are released once',
    'RESULT_EXPIRED' => 'the token is older than RESULT_TTL_SECONDS (or the user was forgotten): verify again',
    'RESULT_NOT_FOUND' => 'no verification has this token',
    'UNAUTHORIZED' => "MERCHANT_API_TOKEN is not this Worker's",
];

function exchange(string $resultToken): object
{
    // RECEIPT_UNAVAILABLE released nothing and the same token works again: retry twice.
    for ($attempt = 0; ; $attempt++) {
        try {
            return kyc_call('POST', '/v1/results/exchange', ['resultToken' => $resultToken]);
        } catch (KycError $error) {
            if ($error->errorCode !== 'RECEIPT_UNAVAILABLE' || $attempt === 2) {
                throw $error;
            }
            sleep(min($error->retryAfter ?? 1, 30));
        }
    }
}

if ($argc !== 2 || !str_starts_with($argv[1], 'rt1.')) {
    fwrite(STDERR, "usage: php exchange.php <resultToken>\n");
    exit(2);
}
try {
    kyc_print_json(exchange($argv[1]));
    exit(0);
} catch (CannotRun $error) {
    fwrite(STDERR, "exchange: {$error->getMessage()}\n");
    exit(2);
} catch (KycError $error) {
    $hint = isset(MEANING[$error->errorCode]) ? ' (' . MEANING[$error->errorCode] . ')' : '';
    $request = $error->requestId === null ? '' : " request {$error->requestId}";
    fwrite(STDERR, "exchange: {$error->getMessage()}$hint$request\n");
    // A Worker's answer (its code) is 1; no usable answer (network, timeout, not our JSON) is 2.
    exit($error->status === null || $error->errorCode === 'INVALID_RESPONSE' ? 2 : 1);
}
