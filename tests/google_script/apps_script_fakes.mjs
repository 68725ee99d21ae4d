// Fakes of the Apps Script services mapsheet.gs uses, for node:vm. Calls that go over the network in
// Apps Script go over a real socket here: UrlFetchApp to a running `mapsheet serve`, Sheets to the local
// Google fake (through the bridge the Python test starts). Apps Script is synchronous, so each call is
// made by fetch in a worker thread while this thread waits on Atomics.wait.
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';

const FETCHER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', async ({ req, port, signal }) => {
  let out;
  try {
    const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
    out = { status: res.status, text: await res.text() };
  } catch (e) {
    out = { failed: String(e.cause || e) };
  }
  port.postMessage(out);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});`;
let fetcher;

/** A blocking HTTP request: {status, text} or {failed}. */
export function syncFetch(url, { method = 'GET', headers = {}, body } = {}) {
  if (!fetcher) {
    fetcher = new Worker(FETCHER, { eval: true });
    fetcher.unref();
  }
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  fetcher.postMessage({ req: { url, method, headers, body }, port: port2, signal }, [port2]);
  if (Atomics.wait(signal, 0, 0, 120000) === 'timed-out') {
    throw new Error(`no answer from ${url} within 120 s`);
  }
  const answer = receiveMessageOnPort(port1);
  port1.close();
  return answer.message;
}

/** Everything the script did that a person or Google would see. */
export class Recorder {
  constructor() {
    this.menus = [];
    this.toasts = [];
    this.alerts = [];
    this.gets = [];
    this.bodies = [];
    this.fetches = [];
  }
}

export function makeServices({ rec, spreadsheetId, bridgeUrl, serverUrl, publicUrl, token, userEmail,
                               prompts = [], properties = {}, scriptProperties = {} }) {
  const bridge = (path, payload) => {
    const res = syncFetch(bridgeUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' },
                                              body: JSON.stringify(payload) });
    if (res.failed || res.status !== 200) {
      // the Advanced Service throws with Google's error message
      throw new Error(`GoogleJsonResponseException: API call to sheets failed: ${res.failed || res.text}`);
    }
    return JSON.parse(res.text);
  };
  const titles = () => bridge('/get', { spreadsheetId, params: { fields: 'sheets.properties.title' } })
    .sheets.map((s) => s.properties.title);

  const ui = {
    ButtonSet: { OK: 'OK', OK_CANCEL: 'OK_CANCEL' },
    Button: { OK: 'ok', CANCEL: 'cancel' },
    createMenu(name) {
      const menu = { name, items: [] };
      rec.menus.push(menu);
      const builder = {
        addItem(caption, fn) { menu.items.push([caption, fn]); return builder; },
        addSeparator() { menu.items.push(['-', null]); return builder; },
        addToUi() { },
      };
      return builder;
    },
    alert(title, message) { rec.alerts.push({ title, message }); return 'ok'; },
    prompt(title, message) {
      const answer = prompts.shift();
      rec.alerts.push({ title, message, prompt: true });
      return { getSelectedButton: () => (answer === null ? 'cancel' : 'ok'), getResponseText: () => answer || '' };
    },
  };
  const book = {
    getId: () => spreadsheetId,
    getSheets: () => titles().map((name) => ({ getName: () => name })),
    toast(message, title) { rec.toasts.push({ message, title }); },
  };
  const store = { ...properties };
  const propertyStore = (values) => ({
    getProperty: (k) => (k in values ? values[k] : null),
    setProperty: (k, v) => { values[k] = String(v); },
  });
  return {
    SpreadsheetApp: { getUi: () => ui, getActiveSpreadsheet: () => book },
    PropertiesService: {
      getDocumentProperties: () => propertyStore(store),
      getScriptProperties: () => propertyStore({ ...scriptProperties }),
    },
    ScriptApp: { getIdentityToken: () => token },
    Session: { getActiveUser: () => ({ getEmail: () => userEmail }) },
    Utilities: {
      base64DecodeWebSafe: (s) => [...Buffer.from(s, 'base64url')].map((b) => (b > 127 ? b - 256 : b)),
      newBlob: (bytes) => ({ getDataAsString: () => Buffer.from(bytes.map((b) => b & 255)).toString('utf8') }),
    },
    UrlFetchApp: {
      fetch(url, options) {
        if (!url.startsWith(publicUrl)) {
          throw new Error(`DNS error: ${url}`);
        }
        rec.fetches.push({ url, bytes: Buffer.byteLength(options.payload), headers: { ...options.headers } });
        const res = syncFetch(serverUrl + url.slice(publicUrl.length), {
          method: options.method.toUpperCase(), body: options.payload,
          headers: { ...options.headers, 'content-type': options.contentType },
        });
        if (res.failed) {
          throw new Error(`Exception: Address unavailable: ${url}`);
        }
        if (res.status >= 400 && !options.muteHttpExceptions) {
          throw new Error(`Exception: Request failed for ${url} returned code ${res.status}`);
        }
        return { getResponseCode: () => res.status, getContentText: () => res.text };
      },
    },
    Sheets: {
      Spreadsheets: {
        get(id, params) {
          rec.gets.push({ id, params });
          return bridge('/get', { spreadsheetId: id, params });
        },
        batchUpdate(body, id) {
          rec.bodies.push(body);
          return bridge('/batchUpdate', { spreadsheetId: id, body });
        },
      },
    },
    store,
  };
}
