#!/usr/bin/env python3
"""Writes the Grafana dashboards of ops/grafana/*.json (docs/monitoring.md).

Edit the panels here and run `python3 ops/grafana/build.py`; DashboardsTest (launcher) checks
that the JSON only queries names documented in docs/metrics.md. Grafana schemaVersion 39
(Grafana 10.4 / 11); the data source is the template variable DS_PROMETHEUS.
"""
import json
import os

DS = {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}
RI = "$__rate_interval"
NODE = 'node_id=~"$node"'


def ts(title, exprs, unit="short", w=12, h=8, stack=False, desc=None):
    return {"type": "timeseries", "title": title, "w": w, "h": h, "exprs": exprs, "unit": unit,
            "stack": stack, "description": desc}


def stat(title, expr, unit="short", w=6, h=4, thresholds=None, desc=None, legend=""):
    return {"type": "stat", "title": title, "w": w, "h": h, "exprs": [(expr, legend)], "unit": unit,
            "thresholds": thresholds, "description": desc}


def table(title, exprs, w=12, h=8, desc=None):
    return {"type": "table", "title": title, "w": w, "h": h, "exprs": exprs, "unit": "short", "description": desc}


def row(title):
    return {"type": "row", "title": title}


def panel_json(p, pid, x, y):
    if p["type"] == "row":
        return {"type": "row", "title": p["title"], "id": pid, "collapsed": False, "panels": [],
                "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}}
    targets = []
    for i, (expr, legend) in enumerate(p["exprs"]):
        t = {"refId": chr(ord("A") + i), "datasource": DS, "expr": expr, "legendFormat": legend or "__auto",
             "range": p["type"] != "table", "instant": p["type"] == "table"}
        if p["type"] == "table":
            t["format"] = "table"
        targets.append(t)
    out = {"type": p["type"], "title": p["title"], "id": pid, "datasource": DS,
           "gridPos": {"h": p["h"], "w": p["w"], "x": x, "y": y}, "targets": targets,
           "fieldConfig": {"defaults": {"unit": p["unit"]}, "overrides": []}}
    if p.get("description"):
        out["description"] = p["description"]
    if p["type"] == "timeseries":
        out["fieldConfig"]["defaults"]["custom"] = {
            "drawStyle": "line", "lineWidth": 1, "fillOpacity": 10 if not p["stack"] else 40,
            "stacking": {"mode": "normal" if p["stack"] else "none", "group": "A"}, "showPoints": "never"}
        out["options"] = {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
                          "tooltip": {"mode": "multi", "sort": "desc"}}
    elif p["type"] == "stat":
        steps = [{"color": "green", "value": None}]
        for value, color in (p.get("thresholds") or []):
            steps.append({"color": color, "value": value})
        out["fieldConfig"]["defaults"]["thresholds"] = {"mode": "absolute", "steps": steps}
        out["options"] = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                          "colorMode": "value", "graphMode": "area", "textMode": "auto", "orientation": "auto"}
    elif p["type"] == "table":
        out["options"] = {"showHeader": True}
        out["transformations"] = [{"id": "merge", "options": {}},
                                  {"id": "organize", "options": {"excludeByName": {"Time": True}}}]
    return out


def layout(panels):
    out, x, y, rowh, pid = [], 0, 0, 0, 1
    for p in panels:
        if p["type"] == "row":
            if x > 0:
                y += rowh
                x, rowh = 0, 0
            out.append(panel_json(p, pid, 0, y))
            y += 1
        else:
            if x + p["w"] > 24:
                y += rowh
                x, rowh = 0, 0
            out.append(panel_json(p, pid, x, y))
            x += p["w"]
            rowh = max(rowh, p["h"])
        pid += 1
    return out


def dashboard(uid, title, description, panels, node_query="label_values(moraine_node_up, node_id)"):
    return {
        "uid": uid, "title": title, "description": description, "tags": ["moraine"],
        "schemaVersion": 39, "version": 1, "editable": True, "graphTooltip": 1,
        "time": {"from": "now-1h", "to": "now"}, "refresh": "30s", "timezone": "browser",
        "links": [{"type": "dashboards", "tags": ["moraine"], "asDropdown": True, "title": "Moraine",
                   "includeVars": True, "keepTime": True}],
        "annotations": {"list": []},
        "templating": {"list": [
            {"name": "DS_PROMETHEUS", "label": "Data source", "type": "datasource", "query": "prometheus",
             "current": {}, "hide": 0, "refresh": 1, "regex": "", "options": []},
            {"name": "node", "label": "Node", "type": "query", "datasource": DS,
             "query": {"query": node_query, "refId": "node"}, "definition": node_query,
             "refresh": 2, "includeAll": True, "multi": True, "allValue": ".*",
             "current": {"text": "All", "value": "$__all"}, "sort": 1, "hide": 0, "options": [], "regex": ""},
        ]},
        "panels": layout(panels),
    }


q = lambda f: "histogram_quantile(%s, sum by (le) (rate(%s_bucket{%s}[%s])))" % (f[0], f[1], NODE, RI)

OVERVIEW = dashboard("moraine-overview", "Moraine / Cluster overview",
    "Health at a glance: nodes, S3 traffic and errors, capacity, redundancy, metadata leaders.", [
    row("Health"),
    stat("Components up", "sum(moraine_node_up)", desc="moraine_node_up summed over every process"),
    stat("Components down", "count(moraine_node_up == 0) or vector(0)", thresholds=[(1, "red")]),
    stat("Storage nodes seen down (repair)", "max(moraine_repair_down_nodes)", thresholds=[(1, "orange")]),
    stat("Shards missing (last repair pass)", "max(moraine_repair_shards_missing)",
         thresholds=[(1, "orange")], desc="redundancy: shards on down nodes; 0 = full redundancy"),
    row("S3"),
    ts("Requests/s by status class", [("sum by (status_class) (rate(moraine_s3_requests_total{%s}[%s]))" % (NODE, RI), "{{status_class}}")], "reqps", stack=True),
    ts("Error ratio (5xx, 4xx)", [
        ('sum(rate(moraine_s3_requests_total{%s,status_class="5xx"}[%s])) / sum(rate(moraine_s3_requests_total{%s}[%s]))' % (NODE, RI, NODE, RI), "5xx"),
        ('sum(rate(moraine_s3_requests_total{%s,status_class="4xx"}[%s])) / sum(rate(moraine_s3_requests_total{%s}[%s]))' % (NODE, RI, NODE, RI), "4xx")],
        "percentunit"),
    ts("Latency (all operations)", [(q(("0.5", "moraine_s3_request_duration_seconds")), "p50"),
                                    (q(("0.99", "moraine_s3_request_duration_seconds")), "p99"),
                                    (q(("0.99", "moraine_s3_first_byte_seconds")), "p99 first byte")], "s"),
    ts("Throughput", [("sum(rate(moraine_s3_received_bytes_total{%s}[%s]))" % (NODE, RI), "in"),
                      ("sum(rate(moraine_s3_sent_bytes_total{%s}[%s]))" % (NODE, RI), "out")], "Bps"),
    row("Capacity and metadata"),
    stat("Disk used", "sum(moraine_storage_disk_used_bytes) / sum(moraine_storage_disk_capacity_bytes)", "percentunit",
         thresholds=[(0.8, "orange"), (0.9, "red")]),
    stat("Bytes stored (shards)", "sum(moraine_storage_disk_used_bytes)", "bytes"),
    stat("Shards", "sum(moraine_storage_shards)"),
    stat("Objects (opted-in buckets)", "sum(moraine_bucket_objects)"),
    stat("Raft groups with a leader", "count(max by (group) (moraine_raft_leader) == 1) or vector(0)"),
    ts("Disk used by node", [("sum by (node_id) (moraine_storage_disk_used_bytes{%s})" % NODE, "{{node_id}}")], "bytes"),
    ts("JVM heap by process", [('sum by (instance) (jvm_memory_used_bytes{area="heap"})', "{{instance}}")], "bytes"),
])

S3 = dashboard("moraine-s3", "Moraine / S3 API",
    "Per operation: rates, status classes, latency histograms, errors by S3 code, bytes; opted-in buckets.", [
    row("Requests"),
    ts("Requests/s by operation", [("sum by (operation) (rate(moraine_s3_requests_total{%s}[%s]))" % (NODE, RI), "{{operation}}")], "reqps", stack=True),
    ts("Requests/s by status class", [("sum by (status_class) (rate(moraine_s3_requests_total{%s}[%s]))" % (NODE, RI), "{{status_class}}")], "reqps", stack=True),
    ts("Errors/s by S3 code", [("sum by (code) (rate(moraine_s3_errors_total{%s}[%s]))" % (NODE, RI), "{{code}}")], "reqps", stack=True),
    ts("In flight", [("sum by (node_id) (moraine_s3_requests_in_flight{%s})" % NODE, "{{node_id}}")]),
    row("Latency"),
    ts("p99 total by operation", [("histogram_quantile(0.99, sum by (operation, le) (rate(moraine_s3_request_duration_seconds_bucket{%s}[%s])))" % (NODE, RI), "{{operation}}")], "s"),
    ts("p99 first byte by operation", [("histogram_quantile(0.99, sum by (operation, le) (rate(moraine_s3_first_byte_seconds_bucket{%s}[%s])))" % (NODE, RI), "{{operation}}")], "s"),
    ts("p50 total by operation", [("histogram_quantile(0.5, sum by (operation, le) (rate(moraine_s3_request_duration_seconds_bucket{%s}[%s])))" % (NODE, RI), "{{operation}}")], "s"),
    ts("Mean total by operation", [("sum by (operation) (rate(moraine_s3_request_duration_seconds_sum{%s}[%s])) / sum by (operation) (rate(moraine_s3_request_duration_seconds_count{%s}[%s]))" % (NODE, RI, NODE, RI), "{{operation}}")], "s"),
    row("Bytes"),
    ts("Received by operation", [("sum by (operation) (rate(moraine_s3_received_bytes_total{%s}[%s]))" % (NODE, RI), "{{operation}}")], "Bps", stack=True),
    ts("Sent by operation", [("sum by (operation) (rate(moraine_s3_sent_bytes_total{%s}[%s]))" % (NODE, RI), "{{operation}}")], "Bps", stack=True),
    row("Buckets (metrics.buckets)"),
    ts("Stored bytes by bucket", [("sum by (bucket) (moraine_bucket_stored_bytes)", "{{bucket}}")], "bytes",
       desc="from metadata, recomputed by the repair leader every metrics.bucket.usage.interval.seconds"),
    ts("Objects by bucket and storage class", [("sum by (bucket, storage_class) (moraine_bucket_objects)", "{{bucket}} {{storage_class}}")]),
    ts("Requests/s by bucket", [("sum by (bucket) (rate(moraine_s3_bucket_requests_total{%s}[%s]))" % (NODE, RI), "{{bucket}}")], "reqps",
       desc="only buckets opted in by the gateways' metrics.buckets"),
    ts("Errors/s by bucket (4xx+5xx)", [('sum by (bucket) (rate(moraine_s3_bucket_requests_total{%s,status_class=~"4xx|5xx"}[%s]))' % (NODE, RI), "{{bucket}}")], "reqps"),
    ts("Received by bucket", [("sum by (bucket) (rate(moraine_s3_bucket_received_bytes_total{%s}[%s]))" % (NODE, RI), "{{bucket}}")], "Bps"),
    ts("Sent by bucket", [("sum by (bucket) (rate(moraine_s3_bucket_sent_bytes_total{%s}[%s]))" % (NODE, RI), "{{bucket}}")], "Bps"),
])

STORAGE = dashboard("moraine-storage", "Moraine / Storage and redundancy",
    "Storage nodes (disks, shard operations, fsync latency), erasure coding, redundancy backlog.", [
    row("Disks"),
    ts("Disk used by node", [("sum by (node_id) (moraine_storage_disk_used_bytes{%s})" % NODE, "{{node_id}}")], "bytes"),
    ts("Disk used ratio by disk", [("moraine_storage_disk_used_bytes{%s} / moraine_storage_disk_capacity_bytes{%s}" % (NODE, NODE), "{{node_id}} {{disk}}")], "percentunit"),
    ts("Shards by node", [("moraine_storage_shards{%s}" % NODE, "{{node_id}}")]),
    ts("Bytes written", [("sum by (node_id) (rate(moraine_storage_written_bytes_total{%s}[%s]))" % (NODE, RI), "{{node_id}}")], "Bps", stack=True),
    row("Shard operations"),
    ts("Shard ops/s by op", [("sum by (op) (rate(moraine_storage_shard_ops_total{%s}[%s]))" % (NODE, RI), "{{op}}")], "ops", stack=True),
    ts("Shard ops/s by node", [("sum by (node_id) (rate(moraine_storage_shard_ops_total{%s}[%s]))" % (NODE, RI), "{{node_id}}")], "ops", stack=True),
    ts("fsync p99 by node", [("histogram_quantile(0.99, sum by (node_id, le) (rate(moraine_storage_fsync_duration_seconds_bucket{%s}[%s])))" % (NODE, RI), "{{node_id}}")], "s"),
    ts("fsyncs/s by node", [("sum by (node_id) (rate(moraine_storage_fsync_duration_seconds_count{%s}[%s]))" % (NODE, RI), "{{node_id}}")], "ops"),
    row("Erasure coding (gateways)"),
    ts("Encode / decode", [("sum(rate(moraine_erasure_encoded_bytes_total{%s}[%s]))" % (NODE, RI), "encoded"),
                           ("sum(rate(moraine_erasure_parity_bytes_total{%s}[%s]))" % (NODE, RI), "parity"),
                           ("sum(rate(moraine_erasure_decoded_bytes_total{%s}[%s]))" % (NODE, RI), "decoded")], "Bps"),
    ts("Reads served from parity", [("sum(rate(moraine_erasure_reconstructed_stripes_total{%s}[%s]))" % (NODE, RI), "stripes reconstructed/s"),
                                    ("sum(rate(moraine_erasure_shard_read_failures_total{%s}[%s]))" % (NODE, RI), "shard read failures/s")], "ops"),
    row("Redundancy (repair leader)"),
    ts("Repair backlog", [("max(moraine_repair_shards_missing)", "missing"),
                          ("max(moraine_repair_shards_misplaced)", "misplaced"),
                          ("max(moraine_repair_shards_unrecoverable)", "unrecoverable")]),
    ts("Storage nodes down", [("max(moraine_repair_down_nodes)", "down")]),
])

RAFT = dashboard("moraine-raft", "Moraine / Metadata (Raft)",
    "Per metadata group: leader, term, commit and apply progress, log size, snapshot age.", [
    row("Leadership"),
    table("Leader of each group", [("max by (group, node_id) (moraine_raft_leader == 1)", "")], w=8),
    ts("Term by group", [("max by (group) (moraine_raft_term{%s})" % NODE, "{{group}}")], w=8,
       desc="a rising term means elections"),
    ts("Leader changes (term increases)", [("sum by (group) (changes(moraine_raft_term{%s}[5m]))" % NODE, "{{group}}")], w=8),
    row("Log"),
    ts("Commits/s by group", [("max by (group) (rate(moraine_raft_commit_index{%s}[%s]))" % (NODE, RI), "{{group}}")], "ops"),
    ts("Apply lag by peer", [("moraine_raft_apply_lag_entries{%s}" % NODE, "{{group}} {{node_id}}")],
       desc="committed entries not yet applied"),
    ts("Peers behind the leader (commit index)", [("max by (group) (moraine_raft_commit_index) - on(group) group_right moraine_raft_applied_index{%s}" % NODE, "{{group}} {{node_id}}")]),
    ts("Log entries held", [("moraine_raft_log_entries{%s}" % NODE, "{{group}} {{node_id}}")]),
    row("Snapshots"),
    ts("Snapshot age", [("time() - moraine_raft_snapshot_timestamp_seconds{%s}" % NODE, "{{group}} {{node_id}}")], "s"),
    ts("Entries since the snapshot", [("moraine_raft_applied_index{%s} - moraine_raft_snapshot_index{%s}" % (NODE, NODE), "{{group}} {{node_id}}")]),
    row("Metadata processes"),
    ts("JVM heap", [('jvm_memory_used_bytes{area="heap"}', "{{instance}}")], "bytes"),
    ts("GC time", [("sum by (instance) (rate(jvm_gc_collection_seconds_sum[%s]))" % RI, "{{instance}}")], "percentunit"),
], node_query='label_values(moraine_raft_term, node_id)')

BACKGROUND = dashboard("moraine-background", "Moraine / Background services",
    "Repair, scrub and garbage collection as the active repair instance reports them; JVMs.", [
    row("Repair"),
    stat("Active repair instance", "max by (node_id) (moraine_repair_leader == 1)", legend="{{node_id}}",
         desc="empty under bin/moraine dev unless meta-1 leads: dev exports the repair figures of meta-1 only"),
    stat("Repair passes", "max(moraine_repair_passes)"),
    stat("Shards rebuilt", "max(moraine_repair_shards_rebuilt)"),
    stat("Shards moved home", "max(moraine_repair_shards_moved)"),
    ts("Repair backlog", [("max(moraine_repair_shards_missing)", "missing"),
                          ("max(moraine_repair_shards_misplaced)", "misplaced"),
                          ("max(moraine_repair_shards_unrecoverable)", "unrecoverable")]),
    ts("Repair work", [("max(deriv(moraine_repair_shards_rebuilt[10m]))", "rebuilt/s"),
                       ("max(deriv(moraine_repair_shards_moved[10m]))", "moved/s"),
                       ("max(deriv(moraine_repair_rebuilt_bytes[10m]))", "rebuilt bytes/s")]),
    row("Scrub"),
    stat("Scrub passes", "max(moraine_scrub_passes)"),
    stat("Shards verified", "max(moraine_scrub_shards_verified)"),
    stat("Corrupt found", "max(moraine_scrub_shards_corrupt)", thresholds=[(1, "orange")]),
    stat("Missing found", "max(moraine_scrub_shards_missing)", thresholds=[(1, "orange")]),
    ts("Scrub verification", [("max(deriv(moraine_scrub_shards_verified[10m]))", "verified/s")], "ops"),
    ts("Scrub findings", [("max(moraine_scrub_shards_corrupt)", "corrupt"), ("max(moraine_scrub_shards_missing)", "missing")]),
    row("Garbage collection"),
    ts("GC backlog (unreferenced shards)", [("max(moraine_repair_gc_unreferenced)", "unreferenced")]),
    ts("GC deleted", [("max(moraine_repair_gc_shards_deleted)", "shards"), ("max(moraine_repair_gc_rounds)", "rounds")]),
    row("Processes"),
    ts("CPU by process", [("rate(process_cpu_seconds_total[%s])" % RI, "{{instance}}")], "percentunit"),
    ts("Resident memory by process", [("process_resident_memory_bytes", "{{instance}}")], "bytes"),
    ts("Threads by process", [("jvm_threads_current", "{{instance}}")]),
    ts("Open files by process", [("process_open_fds", "{{instance}}")]),
], node_query='label_values(moraine_repair_leader, node_id)')

here = os.path.dirname(os.path.abspath(__file__))
for name, d in [("cluster-overview", OVERVIEW), ("s3-api", S3), ("storage-redundancy", STORAGE),
                ("metadata-raft", RAFT), ("background-services", BACKGROUND)]:
    with open(os.path.join(here, name + ".json"), "w") as f:
        json.dump(d, f, indent=2)
        f.write("\n")
