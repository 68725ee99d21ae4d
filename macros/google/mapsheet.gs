/**
 * mapsheet: the "Check plan" button for a plan kept in Google Sheets.
 *
 * A "mapsheet" menu with Check plan and Clear check. The script reads the plan's tabs with the Sheets
 * API, posts that answer unchanged to a `mapsheet serve` server, and applies the one batchUpdate body
 * the server answers. Every judgement is made in Python on the server: there is no rule here.
 * Made by `mapsheet google script --url https://...`; see mapsheet's README, "Google Sheets button".
 */

// --- settings written by `mapsheet google script` (do not edit by hand) ---
var MAPSHEET_URL = "";
var MAPSHEET_READ_FIELDS = "spreadsheetId,spreadsheetUrl,properties(title,locale,timeZone),sheets(properties(sheetId,title,index,hidden,gridProperties(rowCount,columnCount)),data(startRow,startColumn,rowData(values(effectiveValue,formattedValue,note,effectiveFormat(numberFormat(type)),userEnteredFormat(backgroundColorStyle)))))";
/** @type {string[]} */
var MAPSHEET_SKIPPED_TABS = ["Timeline", "Instructions", "Plan check"];
// --- end of settings ---

/**
 * What the server answers: a batchUpdate body with the score for the toast, or an error to show as it is.
 * @typedef {{error?: {code?: string, message: string}, summary?: string, score?: number, band?: string,
 *   body?: GoogleAppsScript.Sheets.Schema.BatchUpdateSpreadsheetRequest}} MapsheetAnswer
 */

/** A sheet's own server address (document property), and the shared key if the server uses one (script
 * property, set by the admin in the script editor: Project Settings > Script properties). */
var MAPSHEET_URL_PROPERTY = 'mapsheet.url';
var MAPSHEET_KEY_PROPERTY = 'mapsheet.key';
var MAPSHEET_TITLE = 'mapsheet';

/** Adds the mapsheet menu when the sheet opens. */
function onOpen() {
  SpreadsheetApp.getUi()
    .createMenu(MAPSHEET_TITLE)
    .addItem('Check plan', 'mapsheetCheckPlan')
    .addItem('Clear check', 'mapsheetClearCheck')
    .addSeparator()
    .addItem('Set up…', 'mapsheetSetUp')
    .addToUi();
}

/** Check plan: notes, fills and the Plan check tab, and the score and band in a toast. */
function mapsheetCheckPlan() {
  mapsheetRun_('check', 'Checking the plan…', function (answer) {
    return answer.summary || 'Checked.';
  });
}

/** Clear check: removes every mark Check plan wrote, restoring the sheet's own notes and colours. */
function mapsheetClearCheck() {
  mapsheetRun_('clear', 'Clearing the check…', function () {
    return 'Removed the marks of the last check.';
  });
}

/**
 * Reads the plan, asks the server, applies its answer.
 * @param {string} action 'check' or 'clear'
 * @param {string} busy what the toast says while it works
 * @param {function(MapsheetAnswer): string} done the toast when it is done
 */
function mapsheetRun_(action, busy, done) {
  var book = SpreadsheetApp.getActiveSpreadsheet();
  var sheets = Sheets;
  if (!sheets) {
    mapsheetAlert_('The Google Sheets API service is off for this script: in the script editor, add the ' +
      'Sheets service under Services (or use the appsscript.json mapsheet made).');
    return;
  }
  var url = mapsheetServerUrl_();
  if (!url) {
    mapsheetAlert_('No mapsheet server is set for this sheet yet. Use mapsheet > Set up… to enter the address ' +
      'your RevOps admin gave you.');
    return;
  }
  book.toast(busy, MAPSHEET_TITLE, 60);
  var id = book.getId();
  var spreadsheet = sheets.Spreadsheets.get(id, {
    ranges: mapsheetReadRanges_(book),
    fields: MAPSHEET_READ_FIELDS,
    includeGridData: true
  });
  var answer = mapsheetPost_(url.replace(/\/+$/, '') + '/' + action, {spreadsheetId: id, spreadsheet: spreadsheet});
  if (answer.error) {
    book.toast('', MAPSHEET_TITLE, 1);
    mapsheetAlert_(answer.error.message);
    return;
  }
  if (answer.body && answer.body.requests && answer.body.requests.length) {
    try {
      sheets.Spreadsheets.batchUpdate(answer.body, id);
    } catch (e) {
      // one batchUpdate applies all of its changes or none
      book.toast('', MAPSHEET_TITLE, 1);
      mapsheetAlert_('Google did not accept the changes, so the sheet is as it was: ' + e +
        '. Try again; if the sheet has protected ranges, ask its owner to let you edit them.');
      return;
    }
  }
  book.toast(done(answer), MAPSHEET_TITLE, 10);
}

/**
 * The ranges to read: every tab in full except the ones mapsheet never judges, of which only A1 is read
 * so that the server knows they are there.
 * @param {GoogleAppsScript.Spreadsheet.Spreadsheet} book
 * @return {string[]}
 */
function mapsheetReadRanges_(book) {
  return book.getSheets().map(function (sheet) {
    var name = sheet.getName();
    var quoted = "'" + name.replace(/'/g, "''") + "'";
    return MAPSHEET_SKIPPED_TABS.indexOf(name) >= 0 ? quoted + '!A1' : quoted;
  });
}

/**
 * Posts JSON to the server and returns its JSON answer; a failure of any kind becomes {error: {message}}.
 * @param {string} url
 * @param {Object} payload
 * @return {MapsheetAnswer}
 */
function mapsheetPost_(url, payload) {
  /** @type {Object<string, string>} */
  var headers = {};
  var key = PropertiesService.getScriptProperties().getProperty(MAPSHEET_KEY_PROPERTY);
  if (key) {
    headers['X-Mapsheet-Key'] = key;
    headers['X-Mapsheet-User'] = Session.getActiveUser().getEmail();
  } else {
    headers['Authorization'] = 'Bearer ' + ScriptApp.getIdentityToken();
  }
  var response;
  try {
    response = UrlFetchApp.fetch(url, {
      method: 'post',
      contentType: 'application/json',
      payload: JSON.stringify(payload),
      headers: headers,
      muteHttpExceptions: true
    });
  } catch (e) {
    return {error: {message: 'Could not reach the mapsheet server at ' + url + ': ' + e + '. Check the address ' +
      'in mapsheet > Set up…'}};
  }
  var status = response.getResponseCode();
  try {
    var answer = JSON.parse(response.getContentText());
    if (status === 200 || answer.error) {
      return answer;
    }
  } catch (e) {
    // not JSON: said below
  }
  return {error: {message: 'The mapsheet server at ' + url + ' answered HTTP ' + status + ' without an explanation. ' +
    'Check the address in mapsheet > Set up…, or tell your RevOps admin.'}};
}

/** Set up: the server address for this sheet, and what the admin needs to know about this script. */
function mapsheetSetUp() {
  var ui = SpreadsheetApp.getUi();
  var properties = PropertiesService.getDocumentProperties();
  var current = mapsheetServerUrl_();
  var reply = ui.prompt(MAPSHEET_TITLE + ': set up',
    'The address of your mapsheet server (https://...)' + (current ? '. Now: ' + current : '') +
    '\n\nThis script signs in as: ' + mapsheetIdentity_() +
    '\n\nLeave empty to keep the address as it is.',
    ui.ButtonSet.OK_CANCEL);
  if (reply.getSelectedButton() !== ui.Button.OK) {
    return;
  }
  var url = reply.getResponseText().trim();
  if (!url) {
    return;
  }
  if (!/^https:\/\/[^\s\/]+/.test(url)) {
    mapsheetAlert_('The address must start with https:// (Apps Script can only call a server on the internet).');
    return;
  }
  properties.setProperty(MAPSHEET_URL_PROPERTY, url);
  SpreadsheetApp.getActiveSpreadsheet().toast('mapsheet server set to ' + url, MAPSHEET_TITLE, 5);
}

/** The server address: this sheet's own, else the one the script was made with. */
function mapsheetServerUrl_() {
  return PropertiesService.getDocumentProperties().getProperty(MAPSHEET_URL_PROPERTY) || MAPSHEET_URL;
}

/** Who the script's ID token names, and for which client ID (the server's --audience). */
function mapsheetIdentity_() {
  try {
    var payload = ScriptApp.getIdentityToken().split('.')[1];
    while (payload.length % 4) {
      payload += '=';
    }
    var claims = JSON.parse(Utilities.newBlob(Utilities.base64DecodeWebSafe(payload)).getDataAsString());
    return claims.email + ', client ID ' + claims.aud + ' (give it to mapsheet serve --audience)';
  } catch (e) {
    return 'unknown (' + e + ')';
  }
}

/** @param {string} message */
function mapsheetAlert_(message) {
  var ui = SpreadsheetApp.getUi();
  ui.alert(MAPSHEET_TITLE, message, ui.ButtonSet.OK);
}
