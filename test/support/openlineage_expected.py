#!/usr/bin/env python3
"""Independent oracle for test/unit/lineage/openLineage.test.ts.

Reads OpenLineage files with the Python standard library only -- no TraceLens code -- and prints,
as one JSON object keyed by file name, what each file holds. Rules from docs/formats.md section 7
and the spec (OpenLineage.json), not from our importer:

  file    a JSON document (an event object or an array of events) or JSON Lines (one event per
          line). A document with "$defs" holding "RunEvent" is the JSON Schema: kind "schema".
  event   RunEvent: has run.runId (non-empty string) and job.namespace/job.name (strings).
          DatasetEvent: dataset.namespace/name and no run. JobEvent: job.namespace/name, no run.
  run     all RunEvents with the same runId. Its state: the last COMPLETE/FAIL/ABORT event, else
          the last START/RUNNING event, else OTHER -- "last" by eventTime when every event of the
          run has a valid ISO time, else in file order.
  sets    inputs and outputs: distinct (namespace, name) over all the run's events.
  times   an eventTime containing "{{...}}" is a placeholder (counted, event kept).

Usage: python3 test/support/openlineage_expected.py [FILE_OR_DIR ...]
       (default: $TRACELENS_CORPUS/openlineage, else ../../../shared/corpus/openlineage)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TERMINAL = {"COMPLETE", "FAIL", "ABORT"}
PLACEHOLDER = re.compile(r"\{\{[^{}]*\}\}")


def parse_time(s):
    if not isinstance(s, str) or PLACEHOLDER.search(s):
        return None
    t = s.strip().replace("Z", "+00:00")
    m = re.match(r"^(.*\.)(\d+)(.*)$", t)
    if m:  # Python wants at most 6 fractional digits
        t = m.group(1) + m.group(2)[:6].ljust(6, "0") + m.group(3)
    try:
        d = dt.datetime.fromisoformat(t)
    except ValueError:
        return None
    if d.tzinfo is None:
        d = d.replace(tzinfo=dt.timezone.utc)
    return d


def read_values(path):
    with open(path, "rb") as f:
        raw = f.read().decode("utf-8-sig")
    stripped = raw.strip()
    if path.endswith((".jsonl", ".ndjson")):
        return [json.loads(line) for line in raw.splitlines() if line.strip()]
    try:
        return [json.loads(stripped)]
    except json.JSONDecodeError:
        return [json.loads(line) for line in raw.splitlines() if line.strip()]


def is_named(o):
    return isinstance(o, dict) and isinstance(o.get("namespace"), str) and isinstance(o.get("name"), str)


def summarize(path):
    values = read_values(path)
    if len(values) == 1 and isinstance(values[0], dict) and "RunEvent" in (values[0].get("$defs") or {}):
        return {"kind": "schema", "runs": 0}
    events = []
    for v in values:
        events.extend(v if isinstance(v, list) else [v])
    runs = {}
    order = []
    placeholders = 0
    dataset_events = 0
    job_events = 0
    for ev in events:
        if not isinstance(ev, dict):
            continue
        if isinstance(ev.get("eventTime"), str) and PLACEHOLDER.search(ev["eventTime"]):
            placeholders += 1
        run = ev.get("run")
        if isinstance(run, dict):
            rid = run.get("runId")
            if not (isinstance(rid, str) and rid) or not is_named(ev.get("job")):
                continue
            if rid not in runs:
                runs[rid] = []
                order.append(rid)
            runs[rid].append(ev)
        elif is_named(ev.get("dataset")) and "job" not in ev:
            dataset_events += 1
        elif is_named(ev.get("job")):
            job_events += 1
    out = {}
    for rid in order:
        evs = runs[rid]
        times = [parse_time(e.get("eventTime")) for e in evs]
        if all(t is not None for t in times):
            evs = [evs[i] for i in sorted(range(len(evs)), key=lambda i: times[i])]  # stable
        terminal = None
        state = "OTHER"
        for e in evs:
            t = str(e.get("eventType") or "OTHER").upper()
            if t in TERMINAL:
                terminal = t
            elif t in ("START", "RUNNING"):
                state = t
        ins = {(d["namespace"], d["name"]) for e in evs for d in (e.get("inputs") or []) if is_named(d)}
        outs = {(d["namespace"], d["name"]) for e in evs for d in (e.get("outputs") or []) if is_named(d)}
        parent = None
        for e in evs:
            p = ((e.get("run") or {}).get("facets") or {}).get("parent")
            if isinstance(p, dict) and isinstance(p.get("run"), dict) and p["run"].get("runId"):
                parent = p["run"]["runId"]
        out[rid] = {
            "job": evs[0]["job"]["namespace"] + "/" + evs[0]["job"]["name"],
            "state": terminal or state,
            "events": len(evs),
            "inputs": len(ins),
            "outputs": len(outs),
            "parent": parent,
        }
    return {
        "kind": "events",
        "runs": len(out),
        "placeholders": placeholders,
        "datasetEvents": dataset_events,
        "jobEvents": job_events,
        "byRun": out,
    }


def main(argv):
    targets = argv[1:]
    if not targets:
        corpus = os.environ.get("TRACELENS_CORPUS") or os.path.join(HERE, "..", "..", "..", "shared", "corpus")
        targets = [os.path.join(corpus, "openlineage")]
    files = []
    for t in targets:
        if os.path.isdir(t):
            files.extend(os.path.join(t, n) for n in sorted(os.listdir(t)) if n.endswith((".json", ".jsonl", ".ndjson")))
        else:
            files.append(t)
    result = {os.path.basename(f): summarize(f) for f in files}
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
