#!/usr/bin/env python3
"""Independent oracle for test/unit/corpusConformance.test.ts.

Walks the raw corpus JSON with the Python standard library only -- no TraceLens code -- and
writes the expected summary of every file in corpus/{otlp-json,openinference,openllmetry} to
test/fixtures/corpusExpected.json. The rules come from docs/formats.md sections 1-3, not from
our importer's source:

  format  OTLP when the value carries resourceSpans (or resource_spans) directly, under
          {"result": ...} (Jaeger api_v3) or under oteltest {"trace_requests": [{"pbreq": ...}]};
          Phoenix span JSON when it is an array (or an object of arrays, or one span) whose spans
          have context.trace_id and span_kind/parent_id; anything else is "unknown".
  ids     OTLP ids: hex of any case (optional 0x) -> lowercase; base64 that decodes to exactly
          16 (trace) / 8 (span) bytes -> lowercase hex. Phoenix ids are opaque strings.
  spans   A span without a trace or span id is not counted. (traceId, spanId) duplicates are
          counted once (the first copy).
  error   OTLP status.code 2 / "2" / "STATUS_CODE_ERROR" / "ERROR"; Phoenix status_code "ERROR".
  LLM     The first convention that DECLARES a known kind decides: Phoenix top-level span_kind,
          openinference.span.kind, langsmith.span.kind, gen_ai.operation.name,
          traceloop.span.kind (LLM iff that declared kind is an LLM call: LLM / llm / chat,
          text_completion, generate_content). Only when no convention declares a kind do the
          heuristics count it as LLM: llm.request.type present, or a model named by
          gen_ai.request.model / gen_ai.response.model / llm.model_name.
  tokens  input = first numeric of gen_ai.usage.input_tokens, gen_ai.usage.prompt_tokens,
          llm.token_count.prompt, llm.usage.prompt_tokens; output likewise with
          output_tokens / completion_tokens / llm.token_count.completion /
          llm.usage.completion_tokens; summed over all (deduplicated) spans.

Usage:  python3 test/support/corpus_expected.py [--corpus DIR] [--check]
        (default DIR: $TRACELENS_CORPUS, else ../../../shared/corpus relative to this file)
        --check compares with the committed table instead of writing it (exit 1 on a difference).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import os
import re
import sys

FOLDERS = ("otlp-json", "openinference", "openllmetry")
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "corpusExpected.json")

HEX_RE = re.compile(r"^[0-9a-fA-F]+$")
B64_RE = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")

# Declared-kind conventions, in the order formats.md lists them as authoritative.
OPENINFERENCE_KINDS = {"LLM", "CHAIN", "RETRIEVER", "RERANKER", "EMBEDDING", "TOOL", "AGENT", "GUARDRAIL", "EVALUATOR", "PROMPT"}
LANGSMITH_KINDS = {"llm", "chain", "tool", "retriever", "embedding", "prompt", "parser"}
GENAI_OPERATIONS = {
    "chat", "text_completion", "generate_content", "embeddings", "execute_tool",
    "invoke_agent", "create_agent", "retrieve", "retrieval",
}
GENAI_LLM_OPERATIONS = {"chat", "text_completion", "generate_content"}
TRACELOOP_KINDS = {"workflow", "task", "agent", "tool"}  # "unknown" declares nothing

INPUT_KEYS = ("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt", "llm.usage.prompt_tokens")
OUTPUT_KEYS = ("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.token_count.completion", "llm.usage.completion_tokens")
MODEL_KEYS = ("gen_ai.request.model", "gen_ai.response.model", "llm.model_name")


# ---------------------------------------------------------------------------------------- ids

def otlp_id(raw, nbytes):
    """Normalise an OTLP trace/span id to lowercase hex; None when absent."""
    if not isinstance(raw, str) or raw == "":
        return None
    s = raw.strip()
    if s[:2] in ("0x", "0X"):
        s = s[2:]
    if len(s) == nbytes * 2 and HEX_RE.match(s):
        return s.lower()
    if B64_RE.match(s):
        try:
            decoded = base64.b64decode(s, validate=True)
        except (binascii.Error, ValueError):
            decoded = None
        if decoded is not None and len(decoded) == nbytes:
            return decoded.hex()
    if HEX_RE.match(s):
        return s.lower()
    return raw  # opaque: keep as given


# ---------------------------------------------------------------------------------- attributes

def any_value(v, depth=0):
    """OTLP AnyValue -> Python value (only scalars matter for the summary)."""
    if not isinstance(v, dict) or depth > 64:
        return v
    for k in ("stringValue", "string_value"):
        if k in v:
            return "" if v[k] is None else str(v[k])
    for k in ("boolValue", "bool_value"):
        if k in v:
            return v[k] is True or v[k] == "true"
    for k in ("intValue", "int_value"):
        if k in v:
            x = v[k]
            if isinstance(x, str) and re.match(r"^-?\d+$", x):
                return int(x)
            return x
    for k in ("doubleValue", "double_value"):
        if k in v:
            try:
                return float(v[k])
            except (TypeError, ValueError):
                return None
    for k in ("arrayValue", "array_value"):
        if k in v:
            return [any_value(x, depth + 1) for x in (v[k] or {}).get("values") or []]
    for k in ("kvlistValue", "kvlist_value"):
        if k in v:
            return key_values((v[k] or {}).get("values"), depth + 1)
    return v


def key_values(lst, depth=0):
    out = {}
    if not isinstance(lst, list):
        return out
    for kv in lst:
        if isinstance(kv, dict) and isinstance(kv.get("key"), str):
            out[kv["key"]] = any_value(kv.get("value"), depth)
    return out


def flatten(obj, prefix="", out=None):
    """Phoenix attributes: flat dotted keys; nested objects are flattened to the same keys."""
    if out is None:
        out = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            flatten(v, f"{prefix}.{k}" if prefix else k, out)
    elif prefix:
        out[prefix] = obj
    return out


def number(v):
    """A token count: a JSON number or a numeric string (booleans are not numbers)."""
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return v if math.isfinite(v) else None
    if isinstance(v, str) and v.strip():
        try:
            f = float(v.strip())
        except ValueError:
            return None
        if not math.isfinite(f):
            return None
        return int(f) if f.is_integer() else f
    return None


def first_number(attrs, keys):
    for k in keys:
        n = number(attrs.get(k))
        if n is not None:
            return n
    return None


def present(attrs, key):
    """An attribute that carries something (empty strings and nulls carry nothing)."""
    v = attrs.get(key)
    return v is not None and v != ""


def is_llm(attrs, phoenix_kind=None):
    if isinstance(phoenix_kind, str) and phoenix_kind.upper() in OPENINFERENCE_KINDS:
        return phoenix_kind.upper() == "LLM"
    oi = attrs.get("openinference.span.kind")
    if isinstance(oi, str) and oi.upper() in OPENINFERENCE_KINDS:
        return oi.upper() == "LLM"
    ls = attrs.get("langsmith.span.kind")
    if isinstance(ls, str) and ls.lower() in LANGSMITH_KINDS:
        return ls.lower() == "llm"
    op = attrs.get("gen_ai.operation.name")
    if isinstance(op, str) and op.lower() in GENAI_OPERATIONS:
        return op.lower() in GENAI_LLM_OPERATIONS
    tl = attrs.get("traceloop.span.kind")
    if isinstance(tl, str) and tl.lower() in TRACELOOP_KINDS:
        return False  # workflow/task/agent/tool: orchestration, not a model call
    if present(attrs, "llm.request.type"):
        return True
    return any(present(attrs, k) for k in MODEL_KEYS)


# ------------------------------------------------------------------------------------ formats

def otlp_resource_spans(value):
    """resourceSpans lists of an OTLP envelope, or None when the value is not OTLP."""
    if not isinstance(value, dict):
        return None
    for key in ("resourceSpans", "resource_spans"):
        if isinstance(value.get(key), list):
            return [value[key]]
    if isinstance(value.get("result"), dict):
        return otlp_resource_spans(value["result"])
    if isinstance(value.get("trace_requests"), list):
        lists = []
        for req in value["trace_requests"]:
            inner = otlp_resource_spans(req.get("pbreq") if isinstance(req, dict) else None)
            lists.extend(inner or [])
        return lists if lists else None
    return None


def otlp_spans(value):
    for rs_list in otlp_resource_spans(value) or []:
        for rs in rs_list:
            if not isinstance(rs, dict):
                continue
            scopes = rs.get("scopeSpans") or rs.get("scope_spans") or rs.get("instrumentationLibrarySpans") or []
            for ss in scopes:
                if not isinstance(ss, dict):
                    continue
                for sp in ss.get("spans") or []:
                    if not isinstance(sp, dict):
                        continue
                    trace_id = otlp_id(sp.get("traceId", sp.get("trace_id")), 16)
                    span_id = otlp_id(sp.get("spanId", sp.get("span_id")), 8)
                    if not trace_id or not span_id:
                        continue
                    attrs = key_values(sp.get("attributes"))
                    status = sp.get("status") if isinstance(sp.get("status"), dict) else {}
                    code = status.get("code")
                    yield {
                        "traceId": trace_id,
                        "spanId": span_id,
                        "error": code in (2, "2", "STATUS_CODE_ERROR", "ERROR"),
                        "attrs": attrs,
                        "llm": is_llm(attrs),
                    }


def is_phoenix_span(v):
    return (
        isinstance(v, dict)
        and isinstance(v.get("context"), dict)
        and "trace_id" in v["context"]
        and ("span_kind" in v or "parent_id" in v)
    )


def phoenix_list(value):
    if isinstance(value, list):
        return value if value and is_phoenix_span(value[0]) else None
    if is_phoenix_span(value):
        return [value]
    if isinstance(value, dict):
        lists = [x for x in value.values() if isinstance(x, list) and x and is_phoenix_span(x[0])]
        return [s for lst in lists for s in lst] if lists else None
    return None


def phoenix_spans(value):
    for sp in phoenix_list(value) or []:
        ctx = sp.get("context") if isinstance(sp, dict) else None
        if not isinstance(ctx, dict) or not isinstance(ctx.get("trace_id"), str) or not isinstance(ctx.get("span_id"), str):
            continue
        if not ctx["trace_id"] or not ctx["span_id"]:
            continue
        attrs = flatten(sp.get("attributes") or {})
        yield {
            "traceId": ctx["trace_id"],
            "spanId": ctx["span_id"],
            "error": str(sp.get("status_code") or "").upper() == "ERROR",
            "attrs": attrs,
            "llm": is_llm(attrs, sp.get("span_kind")),
        }


def records(raw: bytes, name: str):
    text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    if name.endswith((".jsonl", ".ndjson")):
        for line in text.splitlines():
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError:
                    pass
        return
    try:
        yield json.loads(text)  # Python ints are exact: no 2^53 rounding
    except ValueError:
        return


def expected_for(path):
    with open(path, "rb") as fh:
        raw = fh.read()
    fmt_counts = {}
    spans = []
    for value in records(raw, path):
        if otlp_resource_spans(value) is not None:
            fmt = "otlp-json"
            spans.extend(otlp_spans(value))
        elif phoenix_list(value) is not None:
            fmt = "phoenix-json"
            spans.extend(phoenix_spans(value))
        else:
            continue
        fmt_counts[fmt] = fmt_counts.get(fmt, 0) + 1
    seen = set()
    unique = []
    for s in spans:
        key = (s["traceId"], s["spanId"])
        if key in seen:
            continue
        seen.add(key)
        unique.append(s)
    fmt = max(fmt_counts, key=fmt_counts.get) if fmt_counts else "unknown"
    entry = {
        "format": fmt,
        "traces": len({s["traceId"] for s in unique}),
        "spans": len(unique),
        "errorSpans": sum(1 for s in unique if s["error"]),
        "llmSpans": sum(1 for s in unique if s["llm"]),
        "inputTokens": sum(first_number(s["attrs"], INPUT_KEYS) or 0 for s in unique),
        "outputTokens": sum(first_number(s["attrs"], OUTPUT_KEYS) or 0 for s in unique),
        "rawSpans": len(spans),
        "bytes": len(raw),
        "sha256": hashlib.sha256(raw).hexdigest(),
    }
    if fmt == "unknown":
        entry["diagnostic"] = "format.unknown"
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
        "_generatedBy": "python3 test/support/corpus_expected.py (stdlib only, independent of src/)",
        "_fields": "rawSpans = spans before (traceId, spanId) de-duplication; bytes/sha256 pin the corpus file the numbers were computed from",
        "files": files,
    }


def main(argv):
    corpus = os.environ.get("TRACELENS_CORPUS") or os.path.join(HERE, "..", "..", "..", "shared", "corpus")
    check = False
    i = 0
    while i < len(argv):
        if argv[i] == "--corpus":
            corpus = argv[i + 1]
            i += 1
        elif argv[i] == "--check":
            check = True
        i += 1
    table = build(os.path.abspath(corpus))
    text = json.dumps(table, indent=2, sort_keys=False) + "\n"
    if check:
        with open(OUT, encoding="utf-8") as fh:
            same = json.load(fh) == table
        print("corpusExpected.json is up to date" if same else "corpusExpected.json differs from the corpus; rerun without --check")
        return 0 if same else 1
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as fh:
        fh.write(text)
    print(f"wrote {os.path.relpath(OUT)} ({len(table['files'])} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
