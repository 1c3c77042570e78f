# follow_feed.py: the event feed, one JSON line per event, resumable across restarts.
#   PAYPAY_KYC_ENDPOINT=https://kyc.example.com MERCHANT_API_TOKEN=... \
#     python3 follow_feed.py feed-state.json [--once] [--interval 5]
# The state file keeps the cursor and the ids already printed from the page being read,
# so a restart prints nothing twice. --once stops when caught up (a cron job's run).
# Exit status: 0 caught up (--once) or stopped, 2 could not run.
import json
import os
import signal
import sys
import time
import urllib.parse

from kyc import CannotRun, KycError, call, print_json

PAGE_LIMIT = 100


def load(path):
    if not os.path.exists(path):
        return {"after": "", "done": []}
    with open(path, encoding="utf-8") as file:
        state = json.load(file)
    if not isinstance(state.get("after"), str) or not isinstance(state.get("done"), list):
        raise ValueError("not a state file of this program")
    return state


def save(path, state):
    # Written beside, then renamed over: a crash leaves the old state or the new, never half.
    temporary = f"{path}.tmp"
    with open(temporary, "w", encoding="utf-8") as file:
        json.dump(state, file)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)


def next_page(after):
    """One page after `after`; an outage (no answer, 429, 5xx) is waited out, with back-off."""
    query = urllib.parse.urlencode({"limit": PAGE_LIMIT, **({"after": after} if after else {})})
    pause = 1
    while True:
        try:
            page = call("GET", f"/v1/events?{query}")
        except KycError as error:
            passing = error.status is None or error.status == 429 or error.status >= 500
            if not passing or error.code == "INVALID_RESPONSE":
                raise
            wait = min(error.retry_after or pause, 60)
            print(f"follow_feed: {error}; trying again in {wait} s", file=sys.stderr)
            time.sleep(wait)
            pause = min(pause * 2, 30)
            continue
        if not isinstance(page.get("events"), list) or not isinstance(page.get("cursor"), str):
            raise KycError("INVALID_RESPONSE", "GET /v1/events: not a feed page")
        if page["events"] and page["cursor"] == after:
            raise KycError("INVALID_RESPONSE", "GET /v1/events: a page of events did not move the cursor")
        return page


class Stop:
    """SIGTERM and Ctrl-C stop at once, but never between printing an event and saving that it was."""

    busy = False
    asked = False

    def __call__(self, *_):
        if not self.busy:
            raise SystemExit(0)
        self.asked = True


stop = Stop()


def follow(path, once, interval):
    state = load(path)
    while True:
        page = next_page(state["after"])
        for event in page["events"]:
            if event["id"] in state["done"]:
                continue  # printed before a restart
            stop.busy = True
            print_json(event)
            state["done"].append(event["id"])
            save(path, state)
            stop.busy = False
            if stop.asked:
                raise SystemExit(0)
        if page["events"] or page["cursor"] != state["after"]:
            state = {"after": page["cursor"], "done": []}
            save(path, state)
        if not page["events"]:
            if once:
                return
            time.sleep(interval)


def main(argv):
    args = argv[1:]
    once = "--once" in args
    args = [a for a in args if a != "--once"]
    interval = 5
    if "--interval" in args:
        at = args.index("--interval")
        interval = int(args[at + 1]) if at + 1 < len(args) and args[at + 1].isdigit() else 0
        del args[at:at + 2]
    if len(args) != 1 or not 1 <= interval <= 3600:
        print("usage: python3 follow_feed.py <state file> [--once] [--interval 1-3600]", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        follow(args[0], once, interval)
        return 0
    except (CannotRun, KycError) as error:
        request = f" request {error.request_id}" if getattr(error, "request_id", None) else ""
        print(f"follow_feed: {error}{request}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as error:
        print(f"follow_feed: cannot use the state file {args[0]}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
