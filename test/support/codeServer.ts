// Starts and stops a code-server (real VS Code 1.100 web build) for the integration and e2e tiers
// and for `npm start`. Each server gets throwaway state (user data, extensions, HOME, XDG dirs)
// so runs never read or write the developer's own VS Code or code-server config.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const installer = require('../../scripts/install-code-server.js') as {
  ensureCodeServer(): string;
};

export const repoRoot = path.resolve(__dirname, '..', '..');

export interface CodeServerOptions {
  /** Where code-server.log and a copy of VS Code's own logs go, e.g. test-results/e2e. */
  logDir: string;
  /** Loopback by default; `npm start` may override. */
  host?: string;
  /** A free port is picked when omitted. */
  port?: number;
  /** Extra user settings merged over the defaults. */
  settings?: Record<string, unknown>;
  /** Milliseconds to wait for /healthz. */
  readyTimeoutMs?: number;
}

export interface WorkbenchUrlOptions {
  /** Absolute path of the folder to open. */
  folder?: string;
  /** Absolute path of an extension to load from source (the Extension Development Host). */
  extensionDevelopmentPath?: string;
  /** Absolute path of a compiled test suite index, with or without `.js`. */
  extensionTestsPath?: string;
}

export interface CodeServer {
  readonly host: string;
  readonly port: number;
  readonly baseUrl: string;
  readonly logFile: string;
  /** Resolves with the server's exit code when it stops, for whatever reason. */
  readonly exited: Promise<number | null>;
  /** The workbench URL, with the `payload` query parameter the web workbench reads. */
  workbenchUrl(options: WorkbenchUrlOptions): string;
  /** Kills the whole process group and keeps VS Code's logs under logDir. Idempotent. */
  stop(): Promise<void>;
}

const defaultSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  // The repo's .git sits above the demo workspace; don't let Git's prompt cover screenshots.
  'git.openRepositoryInParentFolders': 'never',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  // code-server offers to forward the receiver's port in a toast that covers screenshots.
  'remote.autoForwardPorts': false,
};

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const entry = installer.ensureCodeServer();
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort(host));
  fs.mkdirSync(options.logDir, { recursive: true });
  const logFile = path.join(options.logDir, 'code-server.log');

  // Short tmp path: VS Code puts IPC sockets under some of these, and socket paths max ~107 bytes.
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracelens-cs-'));
  const dirs = {
    userData: path.join(stateDir, 'user-data'),
    extensions: path.join(stateDir, 'extensions'),
    home: path.join(stateDir, 'home'),
  };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(dirs.userData, 'User', 'settings.json'), JSON.stringify({ ...defaultSettings, ...options.settings }, null, 2));
  const configFile = path.join(stateDir, 'config.yaml');
  fs.writeFileSync(configFile, `bind-addr: ${host}:${port}\nauth: none\ncert: false\n`);

  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // Inside a VS Code terminal these make code-server hand the request to that VS Code instead.
    if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') continue;
    env[k] = v;
  }
  Object.assign(env, {
    HOME: dirs.home,
    XDG_CONFIG_HOME: path.join(dirs.home, '.config'),
    XDG_DATA_HOME: path.join(dirs.home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(dirs.home, '.cache'),
    XDG_STATE_HOME: path.join(dirs.home, '.local', 'state'),
  });

  const logFd = fs.openSync(logFile, 'w');
  const args = [
    entry,
    '--config',
    configFile,
    '--user-data-dir',
    dirs.userData,
    '--extensions-dir',
    dirs.extensions,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
  ];
  // detached = setsid: its own process group, so stop() can kill the file watchers and extension
  // hosts it forks (killing only its pid orphans them).
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env,
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  fs.closeSync(logFd);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // If this process dies without calling stop(), take the server group down with it.
  const onExit = (): void => {
    killGroup(child, 'SIGKILL');
    fs.rmSync(stateDir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      process.removeListener('exit', onExit);
      killGroup(child, 'SIGTERM');
      const done = await Promise.race([exited.then(() => true), delay(10_000).then(() => false)]);
      // SIGKILL the group regardless: the server may have exited while children linger.
      killGroup(child, 'SIGKILL');
      if (!done) await exited;
      keepVscodeLogs(dirs.userData, options.logDir);
      fs.rmSync(stateDir, { recursive: true, force: true });
    })());

  const baseUrl = `http://${host}:${port}`;
  try {
    await waitForHealthz(baseUrl, exited, options.readyTimeoutMs ?? 60_000, logFile);
  } catch (err) {
    await stop();
    throw err;
  }

  const authority = `${host}:${port}`;
  return {
    host,
    port,
    baseUrl,
    logFile,
    exited,
    stop,
    workbenchUrl(o: WorkbenchUrlOptions): string {
      const params = new URLSearchParams();
      if (o.folder) params.set('folder', o.folder);
      const payload: [string, string][] = [];
      if (o.extensionDevelopmentPath) {
        payload.push(['extensionDevelopmentPath', remoteUri(authority, o.extensionDevelopmentPath)]);
      }
      if (o.extensionTestsPath) {
        const noJs = o.extensionTestsPath.replace(/\.js$/, '');
        payload.push(['extensionTestsPath', remoteUri(authority, noJs)]);
      }
      if (payload.length) params.set('payload', JSON.stringify(payload));
      return `${baseUrl}/?${params.toString()}`;
    },
  };
}

/** The authority must equal the page's host:port, or the workbench ignores the payload. */
function remoteUri(authority: string, absPath: string): string {
  const encoded = absPath.split('/').map(encodeURIComponent).join('/');
  return `vscode-remote://${authority}${encoded}`;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function keepVscodeLogs(userDataDir: string, logDir: string): void {
  const logs = path.join(userDataDir, 'logs');
  if (!fs.existsSync(logs)) return;
  const target = path.join(logDir, 'vscode-logs');
  fs.rmSync(target, { recursive: true, force: true });
  fs.cpSync(logs, target, { recursive: true });
}

async function waitForHealthz(baseUrl: string, exited: Promise<number | null>, timeoutMs: number, logFile: string): Promise<void> {
  let exitCode: number | null | undefined;
  void exited.then((c) => (exitCode = c ?? -1));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`code-server exited with ${exitCode} before ready:\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await delay(100);
  }
  throw new Error(`code-server not ready at ${baseUrl} after ${timeoutMs} ms:\n${tail(logFile)}`);
}

function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
