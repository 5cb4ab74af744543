// Connection strings found where a host name belongs (checklist S-01): `postgres://u:pw@h/db`,
// libpq keywords (`host=h password=pw`), or `u:pw@h`. TraceLens never connects with one; it
// reads out the parts so the password can move to SecretStorage and the rest to the separate
// settings. Nothing here logs or echoes the input.

export interface ParsedConnection {
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  sslmode?: string;
  /** A connection string too malformed to read: it must be removed by hand. */
  unreadable?: boolean;
}

const safeDecode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // a raw `%` in a password
  }
};

const portOf = (s: string | undefined | null): number | undefined => {
  if (!s) return undefined;
  const n = Number(s);
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
};

function compact(p: ParsedConnection): ParsedConnection {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined && v !== '')) as ParsedConnection;
}

function parseUrl(value: string): ParsedConnection {
  // The userinfo ends at the last `@`, so passwords pasted unencoded (holding `@`, `:`, `/`, `?`)
  // still split the way a person meant; an `@` in the query (`?user=a@b`) is not one, which shows
  // as a `/` or `?` in what would be the user name.
  const rest = value.replace(/^postgres(?:ql)?:\/\//i, '');
  let at = rest.lastIndexOf('@');
  if (at >= 0 && /[/?]/.test(rest.slice(0, at).split(':')[0])) at = -1;
  const userinfo = at >= 0 ? rest.slice(0, at) : '';
  const afterUser = at >= 0 ? rest.slice(at + 1) : rest;
  const q = afterUser.indexOf('?');
  const hostPath = q >= 0 ? afterUser.slice(0, q) : afterUser;
  const query = new URLSearchParams(q >= 0 ? afterUser.slice(q + 1) : '');
  const slash = hostPath.indexOf('/');
  const hostPort = slash >= 0 ? hostPath.slice(0, slash) : hostPath;
  const database = slash >= 0 ? safeDecode(hostPath.slice(slash + 1)) : undefined;
  const colon = userinfo.indexOf(':');
  const user = safeDecode(colon >= 0 ? userinfo.slice(0, colon) : userinfo);
  const password = colon >= 0 ? safeDecode(userinfo.slice(colon + 1)) : undefined;
  let host = hostPort;
  let port: number | undefined;
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(hostPort);
  if (m) {
    host = m[1].replace(/^\[|\]$/g, '');
    port = portOf(m[2]);
  } else if (hostPort.includes(',')) {
    return { unreadable: true, password: password ?? query.get('password') ?? undefined };
  }
  return compact({
    host: safeDecode(host) || query.get('host') || undefined,
    port: port ?? portOf(query.get('port')),
    database: database || query.get('dbname') || undefined,
    user: user || query.get('user') || undefined,
    password: query.get('password') ?? password,
    sslmode: query.get('sslmode') ?? undefined,
  });
}

/** libpq `key=value` pairs; values may be single-quoted with `\'` and `\\` escapes. */
function parseKeywords(value: string): ParsedConnection {
  const out = new Map<string, string>();
  const re = /([A-Za-z_]+)\s*=\s*('(?:[^'\\]|\\.)*'|\S*)/g;
  for (const m of value.matchAll(re)) {
    const raw = m[2];
    out.set(m[1].toLowerCase(), raw.startsWith("'") ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw);
  }
  return compact({
    host: out.get('host') ?? out.get('hostaddr'),
    port: portOf(out.get('port')),
    database: out.get('dbname'),
    user: out.get('user'),
    password: out.get('password'),
    sslmode: out.get('sslmode'),
  });
}

/**
 * The parts of a connection string given where a plain value belongs, or undefined when the
 * value is plain (a host name, a database or user name).
 */
export function parseConnectionSetting(value: string): ParsedConnection | undefined {
  const v = value.trim();
  if (!v) return undefined;
  if (/^postgres(?:ql)?:\/\//i.test(v)) return parseUrl(v);
  if (v.includes('://')) return { unreadable: true };
  if (/(?:^|\s)(?:host|hostaddr|port|dbname|user|password|sslmode)\s*=/i.test(v)) return parseKeywords(v);
  if (v.includes('@')) return parseUrl(v);
  return undefined;
}
