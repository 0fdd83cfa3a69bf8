#!/usr/bin/env python3
"""Evaluates every panel query of ops/grafana/*.json against a running Prometheus.

    python3 ops/grafana/check_queries.py http://127.0.0.1:9090 [DASHBOARD.json ...]

Dashboard variables are replaced first: $node / ${node} by `.*`, $__rate_interval by 1m,
$__interval by 30s, $__range by 5m. Each expression goes to /api/v1/query (instant query, now);
one line per query: `data N` (N series), `empty` (accepted, no series) or `error MESSAGE`
(Prometheus refused it: parse error, bad function, ...). Exit status 1 if any query errs, 0 otherwise
(empty results are reported, not failed: some series exist only after e.g. a first snapshot).
docs/monitoring.md.
"""
import glob
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

SUBST = [("${node}", ".*"), ("$node", ".*"), ("$__rate_interval", "1m"), ("${__rate_interval}", "1m"),
         ("$__interval", "30s"), ("${__interval}", "30s"), ("$__range", "5m"), ("${__range}", "5m")]


def substitute(expr):
    for var, value in SUBST:
        expr = expr.replace(var, value)
    return expr


def panels(dashboard):
    for p in dashboard.get("panels", []):
        yield p
        for inner in p.get("panels", []):  # collapsed rows hold their panels
            yield inner


def query(base, expr):
    url = base.rstrip("/") + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            body = json.load(r)
    except urllib.error.HTTPError as e:  # 400/422: the query was refused
        try:
            body = json.load(e)
        except ValueError:
            return "error", "HTTP %d" % e.code
    except (urllib.error.URLError, OSError) as e:
        sys.exit("cannot reach Prometheus at %s: %s" % (base, e))
    if body.get("status") != "success":
        return "error", "%s: %s" % (body.get("errorType"), body.get("error"))
    result = body["data"]["result"]
    n = len(result) if isinstance(result, list) else 1
    return ("data", n) if n else ("empty", 0)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    base = argv[1]
    files = argv[2:] or sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), "*.json")))
    counts = {"data": 0, "empty": 0, "error": 0}
    for f in files:
        with open(f) as fh:
            dashboard = json.load(fh)
        name = os.path.basename(f)
        for p in panels(dashboard):
            for t in p.get("targets", []):
                if not t.get("expr"):
                    continue
                expr = substitute(t["expr"])
                kind, detail = query(base, expr)
                counts[kind] += 1
                label = "%s | %s [%s]" % (name, p.get("title", "?"), t.get("refId", "?"))
                if kind == "data":
                    print("data %d\t%s\t%s" % (detail, label, expr))
                elif kind == "empty":
                    print("empty\t%s\t%s" % (label, expr))
                else:
                    print("error %s\t%s\t%s" % (detail, label, expr))
    print("total %d data %d empty %d error %d" % (sum(counts.values()), counts["data"], counts["empty"],
                                                  counts["error"]))
    return 1 if counts["error"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
