// The real macros/google/mapsheet.gs (as `mapsheet google script` writes it) run in node:vm against fakes
// of Apps Script whose network calls reach a real `mapsheet serve` and the local Google fake over
// 127.0.0.1. Started by tests/google_script/test_apps_script.py, which sets the environment below and
// then judges the sheet the script left behind.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import vm from 'node:vm';

import { Recorder, makeServices } from './apps_script_fakes.mjs';

const env = process.env;
const SCRIPT = readFileSync(env.MAPSHEET_SCRIPT, 'utf8');
const SKIPPED = JSON.parse(env.MAPSHEET_SKIPPED_TABS);
const results = { checks: [], clears: [] };

function load(options = {}) {
  const rec = new Recorder();
  const services = makeServices({
    rec, spreadsheetId: env.MAPSHEET_SPREADSHEET_ID, bridgeUrl: env.MAPSHEET_BRIDGE,
    serverUrl: env.MAPSHEET_SERVER, publicUrl: env.MAPSHEET_PUBLIC_URL, token: env.MAPSHEET_TOKEN,
    userEmail: 'dana@acme.com', ...options,
  });
  const context = vm.createContext({ ...services });
  vm.runInContext(SCRIPT, context, { filename: 'mapsheet.gs' });
  return { rec, context, store: services.store };
}

test('onOpen adds the mapsheet menu, each item naming a function of the script', () => {
  const { rec, context } = load();
  context.onOpen();
  assert.equal(rec.menus.length, 1);
  assert.equal(rec.menus[0].name, 'mapsheet');
  const captions = rec.menus[0].items.map(([caption]) => caption);
  assert.deepEqual(captions, ['Check plan', 'Clear check', '-', 'Set up…']);
  for (const [, fn] of rec.menus[0].items.filter(([c]) => c !== '-')) {
    assert.equal(typeof context[fn], 'function', fn);
  }
});

test('Check plan reads the plan tabs, posts them with the ID token and applies one batchUpdate', () => {
  const { rec, context } = load();
  context.mapsheetCheckPlan();
  assert.deepEqual(rec.alerts, []);
  assert.equal(rec.gets.length, 1);
  const { params } = rec.gets[0];
  assert.equal(params.includeGridData, true);
  assert.equal(params.fields, JSON.parse(env.MAPSHEET_READ_FIELDS));
  for (const tab of SKIPPED) {
    assert.ok(!params.ranges.includes(`'${tab}'`), `${tab} is read in full`);
  }
  assert.ok(params.ranges.includes("'Actions'"));
  assert.equal(rec.fetches.length, 1);
  assert.equal(rec.fetches[0].url, `${env.MAPSHEET_PUBLIC_URL}/check`);
  assert.equal(rec.fetches[0].headers.Authorization, `Bearer ${env.MAPSHEET_TOKEN}`);
  assert.equal(rec.bodies.length, 1);
  const last = rec.toasts.at(-1).message;
  assert.match(last, /^Score \d+\/100 \([A-F]\), (On track|At risk|Off track)\./);
  results.checks.push({ ranges: params.ranges, requestBytes: rec.fetches[0].bytes, toast: last });
});

test('Check plan again replaces the marks (the Python side compares the sheet with the first check)', () => {
  const { rec, context } = load();
  context.mapsheetCheckPlan();
  assert.deepEqual(rec.alerts, []);
  assert.equal(rec.bodies.length, 1);
  assert.equal(rec.toasts.at(-1).message, results.checks[0].toast);
});

test('Clear check applies the body that removes the marks', () => {
  const { rec, context } = load();
  context.mapsheetClearCheck();
  assert.deepEqual(rec.alerts, []);
  assert.equal(rec.fetches[0].url, `${env.MAPSHEET_PUBLIC_URL}/clear`);
  assert.equal(rec.bodies.length, 1);
  assert.match(rec.toasts.at(-1).message, /Removed/);
  results.clears.push({ requests: rec.bodies[0].requests.length });
});

test("a refused caller sees the server's own sentence and the sheet is not touched", () => {
  const { rec, context } = load({ token: env.MAPSHEET_OTHER_TOKEN });
  context.mapsheetCheckPlan();
  assert.equal(rec.bodies.length, 0);
  assert.equal(rec.alerts.length, 1);
  assert.match(rec.alerts[0].message, /sam@other\.com may not use this mapsheet server/);
});

test('with no server set the script says to use Set up, and Set up keeps only an https address', () => {
  const { rec, context, store } = load({ prompts: ['http://mapsheet.test', 'https://mapsheet.example.com', null] });
  context.MAPSHEET_URL = '';
  context.mapsheetCheckPlan();
  assert.match(rec.alerts[0].message, /Set up/);
  assert.equal(rec.gets.length, 0);
  context.mapsheetSetUp();
  assert.match(rec.alerts.at(-2).message, /client ID .*apps\.googleusercontent\.com/);
  assert.match(rec.alerts.at(-1).message, /https:\/\//);
  assert.equal(store['mapsheet.url'], undefined);
  context.mapsheetSetUp();
  assert.equal(store['mapsheet.url'], 'https://mapsheet.example.com');
  context.mapsheetSetUp(); // cancelled: unchanged
  assert.equal(store['mapsheet.url'], 'https://mapsheet.example.com');
});

test('with a shared key set in the script properties the script sends it instead of a token', () => {
  const { rec, context } = load({ scriptProperties: { 'mapsheet.key': 'k'.repeat(32) } });
  context.mapsheetCheckPlan();
  assert.deepEqual(rec.fetches[0].headers, { 'X-Mapsheet-Key': 'k'.repeat(32), 'X-Mapsheet-User': 'dana@acme.com' });
  assert.equal(rec.bodies.length, 0); // this server takes ID tokens only, and says so
  assert.match(rec.alerts[0].message, /Google sign-in/);
});

test('a batchUpdate Google refuses is an alert saying the sheet is as it was', () => {
  const { rec, context } = load();
  context.Sheets.Spreadsheets.batchUpdate = () => {
    throw new Error('GoogleJsonResponseException: API call to sheets.spreadsheets.batchUpdate failed with error: '
      + 'You are trying to edit a protected cell or object.');
  };
  context.mapsheetCheckPlan();
  assert.equal(rec.alerts.length, 1);
  assert.match(rec.alerts[0].message, /did not accept the changes, so the sheet is as it was.*protected cell/);
  assert.ok(!rec.toasts.some((t) => t.message.startsWith('Score')));
});

test('an unreachable server is an alert naming the address, not a crash', () => {
  const { rec, context } = load({ properties: { 'mapsheet.url': 'https://nowhere.invalid' } });
  context.mapsheetCheckPlan();
  assert.equal(rec.bodies.length, 0);
  assert.match(rec.alerts[0].message, /Could not reach the mapsheet server at https:\/\/nowhere\.invalid/);
});

after(() => writeFileSync(env.MAPSHEET_RESULTS, JSON.stringify(results)));
