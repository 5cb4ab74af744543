#!/usr/bin/env python3
"""Independent oracle for test/unit/corpusFormats.test.ts.

Walks the raw corpus JSON with the Python standard library only -- no TraceLens code -- and
writes the expected summary of every file in corpus/{langsmith,langfuse,jaeger-json,zipkin-v2,
agentops} to test/fixtures/corpusExpectedFormats.json. The rules come from docs/formats.md
(sections 4, 5 and 8, "Other OTel span JSON shapes"), not from our importers' source. OTLP files
found in these folders (langsmith/ott-langsmith.json) are summarised by the OTLP rules of the
sibling oracle test/support/corpus_expected.py, which is equally independent of src/.

  LangSmith  runs = {"post":[...],"patch":[...]} entries, arrays of runs, {"runs":[...]}, or one
             run, with nested child_runs flattened. A run's key is its id, else the run id that
             ends its dotted_order; post and patch of one key are ONE run. Its trace is trace_id,
             else the first dotted_order segment's run id, else its parent's trace. error = a
             non-empty "error" or status "error"; LLM = run_type "llm"; tokens =
             outputs.usage_metadata.input_tokens/output_tokens, else the fetched run's
             prompt_tokens/completion_tokens, else outputs.usage / outputs.llm_output.token_usage
             prompt_tokens/completion_tokens.
  Langfuse   spans = observations of trace.observations and the top-level observations, one per
             id; a trace with no observations is one span. error = level "ERROR"; LLM = type
             "GENERATION"; tokens = the first numeric of the usual OTel keys among the span
             attributes Langfuse kept in metadata.attributes, else usageDetails.input/output.
  Jaeger     spans of {"data":[trace]}, one trace {traceID, spans}, or a span array; ids
             lowercased; error = tag otel.status_code "ERROR" or tag error true; LLM and tokens
             from the tags as for OTLP attributes.
  Zipkin v2  spans of an array, an array of arrays, or one span; ids lowercased; error = an
             "error" tag (any value) or otel.status_code "ERROR"; LLM and tokens from the tags.
  OTel Py    OTel Python SDK to_json(): spans have context.trace_id and kind "SpanKind.*";
             LogRecord.to_json() items (body + severity_text/number + timestamp) are logs, not
             spans: the file's format is still recognised, with 0 spans and an otel.logRecords
             diagnostic.
  Duplicates A (traceId, spanId) that repeats with byte-identical content is one span (a
             re-delivery); repeats with different content are separate spans (kept, marked).

Usage:  python3 test/support/corpus_expected_formats.py [--corpus DIR] [--check]
"""

from __future__ import annotations

import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import corpus_expected as otlp  # noqa: E402  (OTLP rules and the declared-kind LLM test)

FOLDERS = ("langsmith", "langfuse", "jaeger-json", "zipkin-v2", "agentops")
OUT = os.path.join(HERE, "..", "fixtures", "corpusExpectedFormats.json")

INPUT_KEYS = otlp.INPUT_KEYS
OUTPUT_KEYS = otlp.OUTPUT_KEYS


def num(v):
    return otlp.number(v)


def first(d, *keys):
    if not isinstance(d, dict):
        return None
    for k in keys:
        n = num(d.get(k))
        if n is not None:
            return n
    return None


def span(trace_id, span_id, error, llm, tin, tout, raw):
    return {"traceId": trace_id, "spanId": span_id, "error": bool(error), "llm": bool(llm),
            "in": tin or 0, "out": tout or 0, "raw": json.dumps(raw, sort_keys=True)}


# ---------------------------------------------------------------------------------- LangSmith

def is_ls_run(v):
    return isinstance(v, dict) and isinstance(v.get("run_type"), str) and any(
        k in v for k in ("id", "dotted_order", "trace_id", "parent_run_id", "start_time"))


def is_langsmith(v):
    if isinstance(v, list):
        return bool(v) and is_ls_run(v[0])
    if not isinstance(v, dict):
        return False
    if isinstance(v.get("post"), list) or isinstance(v.get("patch"), list):
        return True
    if isinstance(v.get("runs"), list) and v["runs"] and is_ls_run(v["runs"][0]):
        return True
    return is_ls_run(v)


def dotted(v):
    """[(run_id)] from root to self; None when absent or malformed."""
    if not isinstance(v, str) or not v:
        return None
    out = []
    for seg in v.split("."):
        # <YYYYMMDD>T<HHMMSS><ffffff>Z<run id>
        z = seg.find("Z")
        if z != 21 or not seg[:8].isdigit() or seg[8] != "T" or not seg[9:21].isdigit():
            return None
        out.append(seg[z + 1:])
    return out


def ls_key(r):
    if isinstance(r.get("id"), str) and r["id"]:
        return r["id"]
    d = dotted(r.get("dotted_order"))
    return d[-1] if d else None


def langsmith_spans(value):
    if isinstance(value, list):
        top = value
    elif "post" in value or "patch" in value:
        top = list(value.get("post") or []) + list(value.get("patch") or [])
    elif isinstance(value.get("runs"), list):
        top = value["runs"]
    else:
        top = [value]
    runs = {}  # key -> (merged run, inherited trace)
    stack = [(r, None) for r in reversed(top)]
    while stack:
        r, inherited = stack.pop()
        if not isinstance(r, dict) or "run_type" not in r and "dotted_order" not in r and "id" not in r:
            continue
        key = ls_key(r)
        if key is None:
            continue
        if key in runs:
            merged = dict(runs[key][0])
            merged.update({k: v for k, v in r.items() if v is not None and v != {} and v != []})
            runs[key] = (merged, runs[key][1] or inherited)
        else:
            runs[key] = (r, inherited)
        d = dotted(r.get("dotted_order"))
        trace = r.get("trace_id") or (d[0] if d else None) or inherited or key
        for c in reversed(r.get("child_runs") or []):
            stack.append((c, trace))
    out = []
    for key, (r, inherited) in runs.items():
        d = dotted(r.get("dotted_order"))
        trace = r.get("trace_id") or (d[0] if d else None) or inherited or key
        error = (isinstance(r.get("error"), str) and r["error"] != "") or r.get("status") == "error"
        outputs = r.get("outputs") if isinstance(r.get("outputs"), dict) else {}
        um = outputs.get("usage_metadata")
        usage = outputs.get("usage")
        lo = outputs.get("llm_output") if isinstance(outputs.get("llm_output"), dict) else {}
        tin = first(um, "input_tokens")
        if tin is None:
            tin = first(r, "prompt_tokens")
        if tin is None:
            tin = first(usage, "prompt_tokens", "input_tokens")
        if tin is None:
            tin = first(lo.get("token_usage"), "prompt_tokens")
        tout = first(um, "output_tokens")
        if tout is None:
            tout = first(r, "completion_tokens")
        if tout is None:
            tout = first(usage, "completion_tokens", "output_tokens")
        if tout is None:
            tout = first(lo.get("token_usage"), "completion_tokens")
        out.append(span(trace, key, error, r.get("run_type") == "llm", tin, tout, {"run": key}))
    return out


# ----------------------------------------------------------------------------------- Langfuse

def is_langfuse(v):
    return isinstance(v, dict) and isinstance(v.get("trace"), dict) and (
        isinstance(v.get("observations"), list) or isinstance(v["trace"].get("observations"), list))


def langfuse_spans(value):
    trace = value["trace"]
    obs = {}
    for o in list(trace.get("observations") or []) + list(value.get("observations") or []):
        if not isinstance(o, dict) or not isinstance(o.get("id"), str):
            continue
        if o["id"] in obs:
            merged = dict(obs[o["id"]])
            merged.update({k: v for k, v in o.items() if v is not None})
            obs[o["id"]] = merged
        else:
            obs[o["id"]] = o
    out = []
    for oid, o in obs.items():
        md = o.get("metadata")
        if isinstance(md, str):
            try:
                md = json.loads(md)
            except ValueError:
                md = None
        attrs = md.get("attributes") if isinstance(md, dict) and isinstance(md.get("attributes"), dict) else {}
        ud = o.get("usageDetails") if isinstance(o.get("usageDetails"), dict) else {}
        tin = otlp.first_number(attrs, INPUT_KEYS)
        if tin is None:
            tin = first(ud, "input", "input_tokens", "prompt_tokens")
        tout = otlp.first_number(attrs, OUTPUT_KEYS)
        if tout is None:
            tout = first(ud, "output", "output_tokens", "completion_tokens")
        out.append(span(o.get("traceId") or trace.get("id"), oid, o.get("level") == "ERROR", o.get("type") == "GENERATION",
                        tin, tout, {"obs": oid}))
    if not obs and isinstance(trace.get("id"), str):
        out.append(span(trace["id"], trace["id"], False, False, 0, 0, {"trace": trace["id"]}))
    return out


# ----------------------------------------------------------------------------- Jaeger, Zipkin

def low(v):
    return v.lower() if isinstance(v, str) and all(c in "0123456789abcdefABCDEF" for c in v) else v


def is_jaeger(v):
    if isinstance(v, dict) and isinstance(v.get("data"), list):
        return bool(v["data"]) and isinstance(v["data"][0], dict) and "traceID" in v["data"][0]
    if isinstance(v, dict):
        return "traceID" in v
    return isinstance(v, list) and bool(v) and isinstance(v[0], dict) and "traceID" in v[0]


def tag_value(t):
    if t.get("type") == "bool":
        return t.get("value") is True or t.get("value") == "true"
    return t.get("value")


def jaeger_spans(value):
    if isinstance(value, dict) and isinstance(value.get("data"), list):
        raw = [s for t in value["data"] if isinstance(t, dict) for s in t.get("spans") or []]
    elif isinstance(value, dict) and isinstance(value.get("spans"), list):
        raw = value["spans"]
    elif isinstance(value, list):
        raw = value
    else:
        raw = [value]
    out = []
    for s in raw:
        if not isinstance(s, dict) or not s.get("traceID") or not s.get("spanID"):
            continue
        tags = {t["key"]: tag_value(t) for t in s.get("tags") or [] if isinstance(t, dict) and isinstance(t.get("key"), str)}
        error = str(tags.get("otel.status_code", "")).upper() == "ERROR" or tags.get("error") is True
        out.append(span(low(s["traceID"]), low(s["spanID"]), error, otlp.is_llm(tags),
                        otlp.first_number(tags, INPUT_KEYS), otlp.first_number(tags, OUTPUT_KEYS), s))
    return out


def is_zipkin_span(v):
    return isinstance(v, dict) and isinstance(v.get("traceId"), str) and isinstance(v.get("id"), str) and "spanId" not in v


def is_zipkin(v):
    if isinstance(v, list) and v:
        return is_zipkin_span(v[0][0]) if isinstance(v[0], list) and v[0] else is_zipkin_span(v[0])
    return is_zipkin_span(v)


def zipkin_spans(value):
    if isinstance(value, list):
        raw = [s for x in value for s in (x if isinstance(x, list) else [x])]
    else:
        raw = [value]
    out = []
    for s in raw:
        if not is_zipkin_span(s):
            continue
        tags = s.get("tags") if isinstance(s.get("tags"), dict) else {}
        error = "error" in tags or str(tags.get("otel.status_code", "")).upper() == "ERROR"
        out.append(span(low(s["traceId"]), low(s["id"]), error, otlp.is_llm(tags),
                        otlp.first_number(tags, INPUT_KEYS), otlp.first_number(tags, OUTPUT_KEYS), s))
    return out


# ---------------------------------------------------------------------------- OTel Python JSON

def is_py_span(v):
    return isinstance(v, dict) and isinstance(v.get("context"), dict) and isinstance(v["context"].get("trace_id"), str) \
        and isinstance(v.get("kind"), str) and v["kind"].startswith("SpanKind.")


def is_py_log(v):
    return isinstance(v, dict) and "body" in v and ("severity_text" in v or "severity_number" in v) \
        and ("observed_timestamp" in v or "timestamp" in v)


def is_otel_python(v):
    items = v if isinstance(v, list) else [v]
    return bool(items) and (is_py_span(items[0]) or is_py_log(items[0]))


def otel_python_spans(value):
    out = []
    for s in value if isinstance(value, list) else [value]:
        if not is_py_span(s):
            continue
        ctx = s["context"]
        attrs = s.get("attributes") if isinstance(s.get("attributes"), dict) else {}
        status = s.get("status") if isinstance(s.get("status"), dict) else {}
        out.append(span(otlp.otlp_id(ctx.get("trace_id"), 16), otlp.otlp_id(ctx.get("span_id"), 8),
                        str(status.get("status_code", "")).upper() == "ERROR", otlp.is_llm(attrs),
                        otlp.first_number(attrs, INPUT_KEYS), otlp.first_number(attrs, OUTPUT_KEYS), s))
    return out


def otel_python_logs(value):
    return sum(1 for s in (value if isinstance(value, list) else [value]) if is_py_log(s))


# ------------------------------------------------------------------------------------- table

def expected_for(path):
    with open(path, "rb") as fh:
        raw = fh.read()
    value = json.loads(raw.decode("utf-8").lstrip("\ufeff"))
    diagnostic = None
    if otlp.otlp_resource_spans(value) is not None:
        fmt = "otlp-json"
        spans = [dict(s, **{"in": otlp.first_number(s["attrs"], otlp.INPUT_KEYS) or 0,
                            "out": otlp.first_number(s["attrs"], otlp.OUTPUT_KEYS) or 0,
                            "raw": json.dumps([s["traceId"], s["spanId"]])})
                 for s in otlp.otlp_spans(value)]
    elif is_langsmith(value):
        fmt, spans = "langsmith", langsmith_spans(value)
    elif is_langfuse(value):
        fmt, spans = "langfuse", langfuse_spans(value)
    elif is_jaeger(value):
        fmt, spans = "jaeger", jaeger_spans(value)
    elif is_zipkin(value):
        fmt, spans = "zipkin", zipkin_spans(value)
    elif is_otel_python(value):
        fmt, spans = "otel-python-json", otel_python_spans(value)
        if otel_python_logs(value):
            diagnostic = "otel.logRecords"
    else:
        fmt, spans, diagnostic = "unknown", [], "format.unknown"
    seen = set()
    unique = []
    for s in spans:
        k = (s["traceId"], s["spanId"], s["raw"])
        if k in seen:
            continue
        seen.add(k)
        unique.append(s)
    entry = {
        "format": fmt,
        "traces": len({s["traceId"] for s in unique}),
        "spans": len(unique),
        "errorSpans": sum(1 for s in unique if s["error"]),
        "llmSpans": sum(1 for s in unique if s["llm"]),
        "inputTokens": sum(s["in"] for s in unique),
        "outputTokens": sum(s["out"] for s in unique),
        "rawSpans": len(spans),
        "bytes": len(raw),
        "sha256": hashlib.sha256(raw).hexdigest(),
    }
    if diagnostic:
        entry["diagnostic"] = diagnostic
    return entry


def build(corpus):
    files = {}
    for folder in FOLDERS:
        d = os.path.join(corpus, folder)
        for name in sorted(os.listdir(d)):
            p = os.path.join(d, name)
            if os.path.isfile(p):
                files[f"{folder}/{name}"] = expected_for(p)
    return {
        "_generatedBy": "python3 test/support/corpus_expected_formats.py (stdlib only, independent of src/)",
        "_fields": "rawSpans = spans before byte-identical duplicates are merged; bytes/sha256 pin the corpus file; "
                   "diagnostic = a diagnostic code the import must report",
        "files": files,
    }


def main(argv):
    corpus = os.environ.get("TRACELENS_CORPUS") or os.path.join(HERE, "..", "..", "..", "shared", "corpus")
    check = "--check" in argv
    if "--corpus" in argv:
        corpus = argv[argv.index("--corpus") + 1]
    table = build(os.path.abspath(corpus))
    if check:
        with open(OUT, encoding="utf-8") as fh:
            same = json.load(fh) == table
        print("corpusExpectedFormats.json is up to date" if same else "corpusExpectedFormats.json differs from the corpus; rerun without --check")
        return 0 if same else 1
    with open(OUT, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(table, indent=2) + "\n")
    print(f"wrote {os.path.relpath(OUT)} ({len(table['files'])} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
