// The page's side of the typed protocol: post validated-by-type messages, receive host messages.

import type { HostMessage, WebviewMessage } from '../src/protocol/messages';

interface VsCodeApi {
  postMessage(msg: WebviewMessage): void;
  getState<T>(): T | undefined;
  setState<T>(state: T): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export const vscodeApi: VsCodeApi = acquireVsCodeApi();

export function onHostMessage(handler: (msg: HostMessage) => void): void {
  window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
    const msg = event.data;
    if (msg && typeof msg === 'object' && typeof msg.type === 'string') handler(msg);
  });
}
