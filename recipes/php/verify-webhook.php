<?php
// verify-webhook.php: MERCHANT_WEBHOOK_URL's receiver, as a router script for PHP's server.
//   MERCHANT_WEBHOOK_SECRET=whsec_... php -S 127.0.0.1:8080 verify-webhook.php
// (or behind your web server: any PHP SAPI gives it the raw body and the headers).
// 204 for an event the Worker signed (its JSON line goes to the server's log, stderr),
// 400 for a malformed request, 401 for a wrong signature or a timestamp more than
// 5 minutes off. A redelivery is a new message with a new timestamp: de-duplicate
// on the event's id.
declare(strict_types=1);
require __DIR__ . '/kyc.php';

function answer(int $status, string $code, string $message): void
{
    http_response_code($status);
    header('Content-Type: application/json');
    echo json_encode(['error' => ['code' => $code, 'message' => $message]]);
}

if ($_SERVER['REQUEST_METHOD'] !== 'POST') {
    header('Allow: POST');
    answer(405, 'METHOD_NOT_ALLOWED', 'POST only');
    return;
}
try {
    $secret = (string) getenv('MERCHANT_WEBHOOK_SECRET');
    kyc_secret_bytes($secret); // a missing secret is the server's fault: 500, and says so
} catch (CannotRun $error) {
    http_response_code(500);
    error_log("verify-webhook: {$error->getMessage()}");
    return;
}
$headers = [];
foreach (['webhook-id', 'webhook-timestamp', 'webhook-signature'] as $name) {
    $headers[$name] = $_SERVER['HTTP_' . strtoupper(str_replace('-', '_', $name))] ?? '';
}
try {
    $event = kyc_verify_event((string) file_get_contents('php://input'), $headers, $secret);
} catch (Refused $refused) {
    answer($refused->getCode(), $refused->errorCode, $refused->getMessage());
    return;
}
// Your handling goes here: de-duplicate on $event->id.
file_put_contents('php://stderr', json_encode($event, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE) . "\n");
http_response_code(204);
