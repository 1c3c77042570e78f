<?php
// follow-feed.php: the event feed, one JSON line per event, resumable across restarts.
//   PAYPAY_KYC_ENDPOINT=https://kyc.example.com MERCHANT_API_TOKEN=... \
//     php follow-feed.php feed-state.json [--once] [--interval 5]
// The state file keeps the cursor and the ids already printed from the page being read,
// so a restart prints nothing twice. --once stops when caught up (a cron job's run).
// Exit status: 0 caught up (--once) or stopped, 2 could not run.
declare(strict_types=1);
require __DIR__ . '/kyc.php';

const PAGE_LIMIT = 100;

function load_state(string $path): array
{
    if (!file_exists($path)) {
        return ['after' => '', 'done' => []];
    }
    $state = json_decode((string) file_get_contents($path), true);
    if (!is_array($state) || !is_string($state['after'] ?? null) || !is_array($state['done'] ?? null)) {
        throw new RuntimeException('not a state file of this program');
    }
    return $state;
}

function save_state(string $path, array $state): void
{
    // Written beside, then renamed over: a crash leaves the old state or the new, never half.
    $temporary = "$path.tmp";
    if (file_put_contents($temporary, json_encode($state, JSON_UNESCAPED_SLASHES), LOCK_EX) === false
        || !rename($temporary, $path)) {
        throw new RuntimeException('cannot write it');
    }
}

/** One page after `$after`; an outage (no answer, 429, 5xx) is waited out, with back-off. */
function next_page(string $after): object
{
    $query = http_build_query(['limit' => PAGE_LIMIT] + ($after === '' ? [] : ['after' => $after]));
    for ($pause = 1; ; $pause = min($pause * 2, 30)) {
        try {
            $page = kyc_call('GET', "/v1/events?$query");
        } catch (KycError $error) {
            $passing = $error->status === null || $error->status === 429 || $error->status >= 500;
            if (!$passing || $error->errorCode === 'INVALID_RESPONSE') {
                throw $error;
            }
            $wait = min($error->retryAfter ?? $pause, 60);
            fwrite(STDERR, "follow-feed: {$error->getMessage()}; trying again in $wait s\n");
            sleep($wait);
            continue;
        }
        if (!is_array($page->events ?? null) || !is_string($page->cursor ?? null)) {
            throw new KycError('INVALID_RESPONSE', 'GET /v1/events: not a feed page');
        }
        if ($page->events !== [] && $page->cursor === $after) {
            throw new KycError('INVALID_RESPONSE', 'GET /v1/events: a page of events did not move the cursor');
        }
        return $page;
    }
}

// SIGTERM and Ctrl-C stop at once, but never between printing an event and saving that
// it was (with the pcntl extension; without it a stop there prints that event again).
$busy = false;
$asked = false;
if (function_exists('pcntl_async_signals')) {
    pcntl_async_signals(true);
    $stop = function (): void {
        global $busy, $asked;
        $busy ? $asked = true : exit(0);
    };
    pcntl_signal(SIGTERM, $stop);
    pcntl_signal(SIGINT, $stop);
}

function follow(string $path, bool $once, int $interval): void
{
    global $busy, $asked;
    $state = load_state($path);
    for (;;) {
        $page = next_page($state['after']);
        foreach ($page->events as $event) {
            if (in_array($event->id, $state['done'], true)) {
                continue; // printed before a restart
            }
            $busy = true;
            kyc_print_json($event);
            $state['done'][] = $event->id;
            save_state($path, $state);
            $busy = false;
            if ($asked) {
                exit(0);
            }
        }
        if ($page->events !== [] || $page->cursor !== $state['after']) {
            $state = ['after' => $page->cursor, 'done' => []];
            save_state($path, $state);
        }
        if ($page->events === []) {
            if ($once) {
                return;
            }
            sleep($interval);
        }
    }
}

$args = array_slice($argv, 1);
$once = in_array('--once', $args, true);
$args = array_values(array_filter($args, fn ($a) => $a !== '--once'));
$interval = 5;
if (($at = array_search('--interval', $args, true)) !== false) {
    $interval = ctype_digit($args[$at + 1] ?? '') ? (int) $args[$at + 1] : 0;
    array_splice($args, $at, 2);
}
if (count($args) !== 1 || $interval < 1 || $interval > 3600) {
    fwrite(STDERR, "usage: php follow-feed.php <state file> [--once] [--interval 1-3600]\n");
    exit(2);
}
try {
    follow($args[0], $once, $interval);
    exit(0);
} catch (CannotRun | KycError $error) {
    $request = $error instanceof KycError && $error->requestId !== null ? " request {$error->requestId}" : '';
    fwrite(STDERR, "follow-feed: {$error->getMessage()}$request\n");
    exit(2);
} catch (RuntimeException $error) {
    fwrite(STDERR, "follow-feed: cannot use the state file {$args[0]}: {$error->getMessage()}\n");
    exit(2);
}
