/* A consent platform for the browser tests, bundled with esbuild: IAB TCF v2.2 through
   the IAB Tech Lab's own libraries (@iabtechlabtcf/core encodes the TC string,
   @iabtechlabtcf/cmpapi answers __tcfapi), and an IAB GPP __gpp that answers with the
   parsed US section the scenario names.

   The test sets window.__cmpScenario before this script runs:
     tcf: "granted" (every purpose and vendor), "denied" (nothing), "basic" (purpose 1
          only: storage, no personalisation), "outside" (the GDPR does not apply), or
          absent for no TCF CMP;
     gpp: "optout" (usnat sale and targeted-advertising opt-outs), "optin", or absent;
     delay: milliseconds before the CMP answers with a stored choice;
     ui: milliseconds the consent dialogue is shown (cmpuishown) before the reader's
         choice (useractioncomplete);
     late: milliseconds before the CMP's API is on the page at all. */
import { GVL, TCModel, TCString } from '@iabtechlabtcf/core';
import { CmpApi } from '@iabtechlabtcf/cmpapi';

const scenario = window.__cmpScenario || {};
const CMP_ID = 10;
const PURPOSES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const VENDORS = { 32: 'AppNexus', 52: 'Magnite', 755: 'Google Advertising Products' };

function vendorList() {
  const named = (ids) => Object.fromEntries(ids.map((id) => [id, { id, name: `${id}`, description: '' }]));
  const vendors = Object.fromEntries(Object.entries(VENDORS).map(([id, name]) => [id, {
    id: Number(id), name, purposes: [1, 2, 3, 4, 7, 9, 10], legIntPurposes: [],
    flexiblePurposes: [], specialPurposes: [1, 2], features: [], specialFeatures: [],
    usesCookies: true, cookieMaxAgeSeconds: 31536000, usesNonCookieAccess: false, urls: [],
  }]));
  return {
    gvlSpecificationVersion: 3, vendorListVersion: 100, tcfPolicyVersion: 5,
    lastUpdated: '2026-11-01T00:00:00Z', purposes: named(PURPOSES), specialPurposes: named([1, 2]),
    features: named([1, 2, 3]), specialFeatures: named([1, 2]), stacks: {}, dataCategories: {},
    vendors,
  };
}

function tcString(choice) {
  const model = new TCModel(new GVL(vendorList()));
  model.cmpId = CMP_ID;
  model.cmpVersion = 1;
  model.consentScreen = 1;
  model.isServiceSpecific = true;
  model.publisherCountryCode = 'GB';
  model.consentLanguage = 'EN';
  if (choice === 'granted') {
    model.purposeConsents.set(PURPOSES);
    model.vendorConsents.set(Object.keys(VENDORS).map(Number));
  } else if (choice === 'basic') {
    model.purposeConsents.set([1]);
    model.vendorConsents.set(Object.keys(VENDORS).map(Number));
  }
  return TCString.encode(model);
}

function later(fn) {
  const answer = () => {
    fn();
    if (window.__cmpAnsweredAt === undefined) { window.__cmpAnsweredAt = window.performance.now(); }
  };
  const wait = (scenario.delay || 0) + (scenario.ui || 0);
  if (wait) { window.setTimeout(answer, wait); } else { answer(); }
}

function installTcf() {
  const api = new CmpApi(CMP_ID, 1, true);
  window.__cmpTcString = scenario.tcf === 'outside' ? null : tcString(scenario.tcf);
  if (scenario.ui) { api.update('', true); }
  later(() => api.update(window.__cmpTcString, false));
}

function installGpp() {
  const optOut = scenario.gpp === 'optout' ? 1 : 2;
  const usnat = { Version: 1, SaleOptOutNotice: 1, SaleOptOut: optOut, SharingOptOut: optOut,
    TargetedAdvertisingOptOut: optOut, Gpc: false };
  let ready = false;
  const waiting = [];
  let nextId = 1;
  const pingData = () => ({
    gppVersion: '1.1', cmpStatus: 'loaded', cmpDisplayStatus: 'hidden',
    signalStatus: ready ? 'ready' : 'not ready', supportedAPIs: ['7:usnat'], cmpId: CMP_ID,
    sectionList: [7], applicableSections: [7], gppString: 'DBABL~BVVqAAEABA',
    parsedSections: { usnat },
  });
  window.__gpp = function (command, callback, parameter) {
    if (command === 'ping') { callback(pingData(), true); return; }
    if (command === 'addEventListener') {
      const listenerId = nextId++;
      const send = () => callback({ eventName: 'signalStatus', listenerId, data: 'ready',
        pingData: pingData() }, true);
      if (ready) { send(); } else { waiting.push(send); }
      callback({ eventName: 'listenerRegistered', listenerId, data: true, pingData: pingData() }, true);
      return;
    }
    if (command === 'removeEventListener') { callback(true, true); return; }
    if (command === 'hasSection') { callback(parameter === 'usnat', true); return; }
    if (command === 'getSection') { callback(parameter === 'usnat' ? usnat : null, true); return; }
    callback(null, false);
  };
  later(() => { ready = true; waiting.splice(0).forEach((send) => send()); });
}

function install() {
  if (scenario.tcf) { installTcf(); }
  if (scenario.gpp) { installGpp(); }
}

if (scenario.late) { window.setTimeout(install, scenario.late); } else { install(); }
