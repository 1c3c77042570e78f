# verify_webhook.py: MERCHANT_WEBHOOK_URL's receiver, on http.server.
#   MERCHANT_WEBHOOK_SECRET=whsec_... python3 verify_webhook.py [port]   (default 8080)
# 204 for an event the Worker signed (printed as one JSON line on stdout), 400 for a
# malformed request, 401 for a wrong signature or a timestamp more than 5 minutes off.
# Listens on 127.0.0.1: put your TLS proxy in front. A redelivery is a new message
# with a new timestamp: de-duplicate on the event's id.
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from kyc import VERIFIER, CannotRun, Refused, print_json, secret_bytes, verify_event

MAX_BODY = 64 * 1024


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        length = self.headers.get("Content-Length", "")
        if not length.isdigit() or int(length) > MAX_BODY:
            return self.answer(400, "INVALID_PAYLOAD", "A body of at most 64 KiB, with its length")
        body = self.rfile.read(int(length))
        # Repeated webhook-signature lines are all kept: any of them may match.
        headers = {name: ", ".join(self.headers.get_all(name) or []) for name in
                   ("webhook-id", "webhook-timestamp", "webhook-signature")}
        try:
            event = verify_event(body, headers, os.environ["MERCHANT_WEBHOOK_SECRET"])
        except Refused as refused:
            return self.answer(refused.status, refused.code, str(refused))
        print_json(event)  # your handling goes here: de-duplicate on event["id"]
        self.send_response(204)
        self.end_headers()

    def do_GET(self):
        self.answer(405, "METHOD_NOT_ALLOWED", "POST only")

    def answer(self, status, code, message):
        body = json.dumps({"error": {"code": code, "message": message}}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass  # stdout carries the events; nothing of a request is logged


def main(argv):
    try:
        secret_bytes(os.environ.get("MERCHANT_WEBHOOK_SECRET"))  # refuse to start without one
    except CannotRun as error:
        print(f"verify_webhook: {error}", file=sys.stderr)
        return 2
    port = int(argv[1]) if len(argv) > 1 else 8080
    server = ThreadingHTTPServer(("127.0.0.1", port), Receiver)
    print(f"verify_webhook: listening on 127.0.0.1:{server.server_port} ({VERIFIER})", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
