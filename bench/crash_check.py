"""Sender and verifier for bench/crash-check.sh (loopback only, bounded by --seconds and --max-events).

  send:   POST PagerDuty events to /v2/enqueue at --rate a second, one at a time on one keep-alive connection, and
          append every event answered 202 ("KEY ACTION") to --book, line-buffered, until the server goes away.
  verify: page /api/v1/audit/events and check every event in --book has its timeline entry; exit 1 if any is lost.
"""
import argparse, collections, http.client, json, random, sys, time, uuid

ROUTING_KEYS = ["bench-checkout-key-000001", "bench-discord-key-0000001",
                "bench-datasync-key-000001", "bench-search-key-00000001"]
KINDS = {"alert.triggered", "alert.repeated", "alert.resolved"}


def send(a):
    book = open(a.book, "a", buffering=1)
    conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=10)
    open_keys, sent, start = [], 0, time.time()
    while time.time() - start < a.seconds and sent < a.max_events:
        roll = random.random()
        if roll < 0.60 or len(open_keys) < 10:
            key, action = (random.choice(ROUTING_KEYS), "crash-" + uuid.uuid4().hex), "trigger"
        else:
            key, action = random.choice(open_keys), "trigger" if roll < 0.85 else "resolve"
        body = {"routing_key": key[0], "event_action": action, "dedup_key": key[1],
                "payload": {"summary": "Disk 95% full on " + key[1], "source": "db-1", "severity": "critical",
                            "custom_details": {"mount": "/var", "note": "x" * 200}}}
        try:
            conn.request("POST", "/v2/enqueue", json.dumps(body), {"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as e:
            print(f"  sender stopped after {sent} events: {e}")
            return
        sent += 1
        if response.status == 202:
            book.write(f"{key[1]} {action}\n")
            if action == "trigger" and key not in open_keys:
                open_keys.append(key)
            elif action == "resolve":
                open_keys.remove(key)
        wait = start + sent / a.rate - time.time()
        if wait > 0:
            time.sleep(wait)
    print(f"  sender finished: {sent} events")


def verify(a):
    expected = collections.Counter(line.split()[0] for line in open(a.book))
    conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=30)
    found, after = collections.Counter(), 0
    while True:
        conn.request("GET", f"/api/v1/audit/events?after={after}&limit=1000",
                     headers={"Authorization": "Bearer " + a.admin_key})
        page = json.loads(conn.getresponse().read())
        if not page:
            break
        for entry in page:
            after = entry["seq"]
            data = entry.get("data") or {}
            if entry["kind"] in KINDS and str(data.get("dedup_key", "")).startswith("crash-"):
                found[data["dedup_key"]] += 1
    conn.request("GET", "/api/v1/audit/verify", headers={"Authorization": "Bearer " + a.admin_key})
    chain = json.loads(conn.getresponse().read())
    lost = {k: n - found[k] for k, n in expected.items() if found[k] < n}
    print(f"  events answered 202 before the kill   {sum(expected.values()):,} ({len(expected):,} keys)")
    print(f"  their timeline entries after restart  {sum(min(found[k], n) for k, n in expected.items()):,}")
    print(f"  lost                                  {sum(lost.values())}" + (f"  e.g. {list(lost)[:3]}" if lost else ""))
    print(f"  audit verify                          {'ok' if chain.get('ok') else chain}")
    return 1 if lost or not chain.get("ok") else 0


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["send", "verify"])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--book", required=True)
    p.add_argument("--rate", type=float, default=50)
    p.add_argument("--seconds", type=float, default=150)
    p.add_argument("--max-events", type=int, default=100_000)
    p.add_argument("--admin-key", default="")
    args = p.parse_args()
    sys.exit(send(args) if args.mode == "send" else verify(args))
