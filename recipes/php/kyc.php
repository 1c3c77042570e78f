<?php
// kyc.php: the three jobs' shared parts, PHP 8.1+ with its bundled extensions only
// (json, openssl for https). exchange.php, follow-feed.php and verify-webhook.php
// require it (docs/servers.md).
declare(strict_types=1);

const KYC_TIMEOUT_SECONDS = 30;
const KYC_TOLERANCE_SECONDS = 5 * 60;

/** A call that failed: the Worker's error code, or one found here. */
final class KycError extends Exception
{
    public function __construct(
        public readonly string $errorCode,
        string $message,
        public readonly ?int $status = null,
        public readonly ?string $requestId = null,
        public readonly ?int $retryAfter = null,
    ) {
        parent::__construct($message);
    }
}

/** A setting is missing or unsafe: nothing was sent. */
final class CannotRun extends Exception {}

/** PAYPAY_KYC_ENDPOINT: https, or http only to this machine (wrangler dev). */
function kyc_endpoint(): string
{
    $value = rtrim(trim((string) getenv('PAYPAY_KYC_ENDPOINT')), '/');
    $url = parse_url($value);
    $scheme = $url['scheme'] ?? '';
    if (!in_array($scheme, ['https', 'http'], true) || empty($url['host'])) {
        throw new CannotRun("PAYPAY_KYC_ENDPOINT must be the Worker's URL, e.g. https://kyc.example.com");
    }
    if (isset($url['user']) || isset($url['pass']) || isset($url['query']) || isset($url['fragment'])) {
        throw new CannotRun('PAYPAY_KYC_ENDPOINT takes no credentials, query or fragment');
    }
    $host = trim($url['host'], '[]');
    $loopback = $host === 'localhost' || $host === '::1' || preg_match('/^127\.\d+\.\d+\.\d+$/', $host) === 1;
    if ($scheme === 'http' && !$loopback) {
        // Every call carries the bearer, which plain http shows to anyone on the way.
        throw new CannotRun("PAYPAY_KYC_ENDPOINT is plain http to $host: use https");
    }
    return $value;
}

/** MERCHANT_API_TOKEN, from the environment only: never an argument, never printed. */
function kyc_token(): string
{
    $token = trim((string) getenv('MERCHANT_API_TOKEN'));
    if ($token === '') {
        throw new CannotRun('MERCHANT_API_TOKEN is not set');
    }
    return $token;
}

/** One bearer call to the Worker: its JSON answer (objects as stdClass), or a KycError. */
function kyc_call(string $method, string $path, ?array $body = null, int $expected = 200): object
{
    $headers = ['Authorization: Bearer ' . kyc_token(), 'Accept: application/json', 'Connection: close'];
    if ($body !== null) {
        $headers[] = 'Content-Type: application/json';
    }
    $context = stream_context_create(['http' => [
        'method' => $method,
        'header' => implode("\r\n", $headers),
        'content' => $body === null ? '' : json_encode($body),
        'protocol_version' => 1.1,
        'timeout' => KYC_TIMEOUT_SECONDS,
        'ignore_errors' => true, // a 4xx's body is the Worker's error: read it
        'follow_location' => 0, // a bearer never follows a redirect
    ]]);
    $where = $method . ' ' . strtok($path, '?');
    $text = @file_get_contents(kyc_endpoint() . $path, false, $context);
    $head = function_exists('http_get_last_response_headers')
        ? (http_get_last_response_headers() ?? [])
        : ($http_response_header ?? []);
    if ($text === false || $head === []) {
        $timedOut = str_contains((string) (error_get_last()['message'] ?? ''), 'timed out');
        throw new KycError($timedOut ? 'TIMEOUT' : 'NETWORK_ERROR', "$where: the Worker could not be reached");
    }
    preg_match('/^HTTP\/\S+ (\d{3})/', $head[0], $m);
    $status = (int) ($m[1] ?? 0);
    $requestId = null;
    $retryAfter = null;
    foreach ($head as $line) {
        if (preg_match('/^X-Request-Id:\s*(\S+)/i', $line, $m)) {
            $requestId = $m[1];
        } elseif (preg_match('/^Retry-After:\s*(\d+)\s*$/i', $line, $m)) {
            $retryAfter = (int) $m[1];
        }
    }
    $json = json_decode($text);
    if ($status === $expected && $json instanceof stdClass) {
        return $json;
    }
    $error = $json instanceof stdClass && ($json->error ?? null) instanceof stdClass ? $json->error : null;
    if ($status >= 400 && is_string($error->code ?? null)) {
        $message = is_string($error->message ?? null) ? $error->message : '';
        $id = is_string($error->requestId ?? null) ? $error->requestId : $requestId;
        throw new KycError($error->code, "$where: $status {$error->code}: $message", $status, $id, $retryAfter);
    }
    throw new KycError('INVALID_RESPONSE', "$where: answered $status with something not our JSON", $status, $requestId, $retryAfter);
}

/** One JSON document on one line of stdout. */
function kyc_print_json(mixed $value): void
{
    fwrite(STDOUT, json_encode($value, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION) . "\n");
}

// --- Standard Webhooks: the check of a forwarded event ---------------------------

// The official library (composer require standard-webhooks/standard-webhooks), when installed.
if (is_file(__DIR__ . '/vendor/autoload.php')) {
    require_once __DIR__ . '/vendor/autoload.php';
}
const KYC_OFFICIAL = 'StandardWebhooks\\Webhook';

function kyc_verifier(): string
{
    return class_exists(KYC_OFFICIAL) ? 'standard-webhooks/standard-webhooks (official)' : 'standard-library fallback';
}

/** A forwarded event not to trust: the code is 400 (malformed) or 401 (not ours). */
final class Refused extends Exception
{
    public function __construct(int $status, public readonly string $errorCode, string $message)
    {
        parent::__construct($message, $status);
    }
}

/** MERCHANT_WEBHOOK_SECRET, `whsec_` + base64, as the HMAC key's bytes. */
function kyc_secret_bytes(?string $secret): string
{
    $text = trim((string) $secret);
    $text = str_starts_with($text, 'whsec_') ? substr($text, 6) : $text;
    $key = base64_decode($text, true);
    if ($key === false || $key === '') {
        throw new CannotRun('MERCHANT_WEBHOOK_SECRET must be whsec_ followed by base64');
    }
    return $key;
}

/** The feed event a forwarded request carries, or Refused. `$body` is the raw body. */
function kyc_verify_event(string $body, array $headers, string $secret, ?int $now = null): object
{
    $headers = array_change_key_case($headers, CASE_LOWER);
    $id = trim((string) ($headers['webhook-id'] ?? ''));
    $stamp = trim((string) ($headers['webhook-timestamp'] ?? ''));
    // A repeated header arrives joined with ", ": the comma is not part of the base64.
    $signatures = array_map(fn ($s) => rtrim($s, ','), preg_split('/\s+/', trim((string) ($headers['webhook-signature'] ?? ''))));
    $signatures = array_values(array_filter($signatures, fn ($s) => str_contains($s, ',')));
    if ($id === '' || $stamp === '' || $signatures === []) {
        throw new Refused(400, 'MISSING_HEADERS', 'webhook-id, webhook-timestamp and webhook-signature are required');
    }
    if (preg_match('/^\d{1,15}$/', $stamp) !== 1) {
        throw new Refused(400, 'INVALID_TIMESTAMP', 'webhook-timestamp is not Unix seconds');
    }
    $now ??= time();
    if ((int) $stamp < $now - KYC_TOLERANCE_SECONDS) {
        throw new Refused(401, 'TIMESTAMP_TOO_OLD', 'webhook-timestamp is more than 5 minutes old');
    }
    if ((int) $stamp > $now + KYC_TOLERANCE_SECONDS) {
        throw new Refused(401, 'TIMESTAMP_TOO_NEW', 'webhook-timestamp is more than 5 minutes ahead');
    }
    $key = kyc_secret_bytes($secret);
    if (class_exists(KYC_OFFICIAL)) {
        try {
            $official = KYC_OFFICIAL;
            (new $official('whsec_' . base64_encode($key)))->verify($body, [
                'webhook-id' => $id, 'webhook-timestamp' => $stamp, 'webhook-signature' => implode(' ', $signatures),
            ]);
            $matched = true;
        } catch (Exception | TypeError) {
            $matched = false;
        }
    } else {
        $matched = kyc_signature_matches($key, $id, $stamp, $body, $signatures);
    }
    if (!$matched) {
        throw new Refused(401, 'INVALID_SIGNATURE', 'No v1 signature matches this body and secret');
    }
    $parsed = json_decode($body);
    $event = $parsed instanceof stdClass ? ($parsed->data ?? null) : null;
    if (!$event instanceof stdClass || !is_string($event->id ?? null) || !is_string($event->type ?? null)) {
        throw new Refused(400, 'INVALID_PAYLOAD', 'The signed body is not a forwarded event');
    }
    return $event;
}

/** The fallback: HMAC-SHA256 over "<id>.<timestamp>.<body>", any v1 entry, constant time. */
function kyc_signature_matches(string $key, string $id, string $stamp, string $body, array $signatures): bool
{
    $expected = hash_hmac('sha256', "$id.$stamp.$body", $key, true);
    $matched = false;
    foreach ($signatures as $entry) {
        [$version, $value] = explode(',', $entry, 2);
        $candidate = base64_decode($value, true);
        // Every entry is compared, each in constant time (hash_equals): no early exit to time.
        if ($version === 'v1' && $candidate !== false && hash_equals($expected, $candidate)) {
            $matched = true;
        }
    }
    return $matched;
}
