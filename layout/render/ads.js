/* The ad stack's page bootstrap: one for the whole page, however many articles it holds.

   Every article rendered with ads brings a JSON script element marked data-layout-ads
   with its configuration (layout/render/adconfig.py) and a copy of this script, whose own
   element names the libraries to load (data-layout-ad-libraries: a configuration, which
   markup injected elsewhere on the page could forge, never makes the page load a script).
   The first copy to run installs window.layoutAds; every copy then loads its libraries
   once and starts each configuration it has not started yet, so fragments added later
   (infinite scroll) are picked up by their own copy, or by window.layoutAds.scan() after
   inserting them. window.layoutAds.destroy(instance) takes an article's ads off the page.

   The page decides its reader's privacy once: it waits for the consent platform if the
   rules ask (IAB TCF's __tcfapi, IAB GPP's __gpp), and an answer that comes after the
   timeout still applies to the requests made after it. For each article it then defines
   the slots with GPT and requests them: eager slots at once, lazy ones as they come near
   the screen, each request going through a Prebid.js auction first when the article's
   units name bidders (the handshake Prebid documents: disableInitialLoad, requestBids,
   setTargetingForGPTAsync, refresh, with a failsafe timeout). Slots refresh by their
   rules while they are on screen, and an empty slot gives up its space by its collapse
   policy. Without GPT (or Prebid) loaded, commands only queue. */
(function (window, document) {
  "use strict";
  if (window.layoutAds) {
    window.layoutAds.load(document.currentScript);
    window.layoutAds.scan();
    return;
  }

  var started = Object.create(null);  // instance -> its entries, once started
  var entries = Object.create(null);  // slot element id -> {spec, config, slot, code, ...}
  var loaded = Object.create(null);   // library URL -> true, once on the page
  var outOfPage = Object.create(null);  // "anchor" / "interstitial" -> the page's one entry
  var gptReady = false;
  var servicesEnabled = false;

  window.googletag = window.googletag || { cmd: [] };
  window.googletag.cmd = window.googletag.cmd || [];

  function each(list, fn) {
    for (var i = 0; i < list.length; i++) { fn(list[i], i); }
  }

  function merge(a, b) {
    var out = {};
    Object.keys(a || {}).forEach(function (key) { out[key] = a[key]; });
    Object.keys(b || {}).forEach(function (key) { out[key] = b[key]; });
    return out;
  }

  function warn(message) {
    if (window.console && window.console.warn) { window.console.warn("layout ads: " + message); }
  }

  /* ---------------------------------------------------------------- libraries */

  function load(script) {
    var urls;
    try {
      urls = JSON.parse((script && script.getAttribute("data-layout-ad-libraries")) || "[]");
    } catch (error) { return; }
    each(urls, function (url) {
      if (loaded[url]) { return; }
      loaded[url] = true;
      var present = document.querySelectorAll("script[src]");
      for (var i = 0; i < present.length; i++) {
        if (present[i].getAttribute("src") === url) { return; }
      }
      var element = document.createElement("script");
      element.async = true;
      if (script.nonce) { element.nonce = script.nonce; }  // the page's CSP nonce
      element.src = url;
      (document.head || document.documentElement).appendChild(element);
    });
  }

  function scan() {
    each(document.querySelectorAll('script[type="application/json"][data-layout-ads]'),
      function (node) {
        if (node.layoutAdsSeen) { return; }
        node.layoutAdsSeen = true;
        var config;
        try { config = JSON.parse(node.textContent); } catch (error) { return; }
        if (!config || !config.instance) { return; }
        if (started[config.instance]) {
          warn("instance " + config.instance + " is on the page twice: give each its own");
          return;
        }
        started[config.instance] = [];
        withPrivacy(config, function () { setUp(config); });
      });
  }

  /* ---------------------------------------------------------------- consent and privacy */

  // The reader's privacy, for the whole page (GPT's settings are the page's): what the
  // server knew (consent refused, Global Privacy Control), what the consent platform
  // says, and whether it did not answer in time. Every flag only ever tightens it, but
  // for the timeout's, which a later answer lifts.
  var privacy = {
    server: { nonPersonalizedAds: false, restrictDataProcessing: false },
    consent: { nonPersonalizedAds: false, restrictDataProcessing: false, limitedAds: false },
    unanswered: false,
    unauctioned: [],    // [config, entries] set up while the CMP had not answered
    frameworks: null,   // the consent frameworks whose CMP is on the page
    decided: false,
    waiting: [],
    deciding: false
  };
  var CONSENT_APIS = { tcf: "__tcfapi", gpp: "__gpp" };

  function settings() {
    var timedOut = privacy.unanswered;
    var npa = privacy.server.nonPersonalizedAds || privacy.consent.nonPersonalizedAds || timedOut;
    return {
      nonPersonalizedAds: npa,
      restrictDataProcessing: privacy.server.restrictDataProcessing ||
        privacy.consent.restrictDataProcessing,
      limitedAds: privacy.consent.limitedAds || (timedOut && privacy.limitedOnTimeout === true)
    };
  }

  function applyPrivacy() {
    window.googletag.cmd.push(function () {
      window.googletag.pubads().setPrivacySettings(settings());
    });
  }

  function readTcf(tcData) {
    var found = { nonPersonalizedAds: false, limitedAds: false };
    if (tcData.gdprApplies !== false) {
      var consents = (tcData.purpose && tcData.purpose.consents) || {};
      // Purpose 1 (store or access information on a device) refused: limited ads;
      // purposes 3 and 4 (personalised advertising profiles) refused: non-personalised.
      found.limitedAds = !consents[1];
      found.nonPersonalizedAds = !consents[1] || !consents[3] || !consents[4];
    }
    return found;
  }

  function optedOut(name, section) {
    if (!section) { return false; }
    if (name === "uspv1") { return section.OptOutSale === "Y"; }
    return section.SaleOptOut === 1 || section.SharingOptOut === 1 ||
      section.TargetedAdvertisingOptOut === 1 || section.Gpc === true;
  }

  function readGpp(ping) {
    var found = { nonPersonalizedAds: false, restrictDataProcessing: false, limitedAds: false };
    var sections = ping.parsedSections || {};
    Object.keys(sections).forEach(function (name) {
      each([].concat(sections[name]), function (section) {
        if (name === "tcfeuv2" && section && section.PurposeConsents) {
          // The TCF section of GPP: purpose N's consent at index N - 1.
          var purposes = section.PurposeConsents;
          found.limitedAds = found.limitedAds || !purposes[0];
          found.nonPersonalizedAds = found.nonPersonalizedAds || !purposes[0] ||
            !purposes[2] || !purposes[3];
        } else if (name.indexOf("us") === 0 && optedOut(name, section)) {
          found.nonPersonalizedAds = true;
          found.restrictDataProcessing = true;
        }
      });
    });
    return found;
  }

  // Listen to one framework's CMP for as long as the page lives: ``answer`` is called
  // with what each final answer (a stored choice, or the reader's) asks for.
  function listen(name, answer) {
    if (name === "tcf") {
      window.__tcfapi("addEventListener", 2, function (tcData, success) {
        if (!success || !tcData) { return; }
        if (tcData.eventStatus === "tcloaded" || tcData.eventStatus === "useractioncomplete") {
          answer(readTcf(tcData));
        }
      });
    } else {
      window.__gpp("addEventListener", function (event, success) {
        var ping = event && event.pingData;
        if (success !== false && ping && ping.signalStatus === "ready") { answer(readGpp(ping)); }
      });
    }
  }

  function presentFrameworks(consent) {
    return consent.frameworks.filter(function (name) {
      return typeof window[CONSENT_APIS[name]] === "function";
    });
  }

  function decide(consent, done) {
    if (!consent) { done(); return; }
    // TCF's CMP not answering may mean a reader under the GDPR who has not chosen yet.
    privacy.limitedOnTimeout = consent.frameworks.indexOf("tcf") >= 0;
    if (!consent.wait) {
      privacy.frameworks = consent.frameworks.slice();  // Prebid's modules wait themselves
      done();
      return;
    }
    var answers = Object.create(null);
    var pending = null;
    var finished = false;
    function combine() {
      var joined = { nonPersonalizedAds: false, restrictDataProcessing: false, limitedAds: false };
      Object.keys(answers).forEach(function (name) {
        Object.keys(answers[name]).forEach(function (key) {
          joined[key] = joined[key] || answers[name][key];
        });
      });
      privacy.consent = joined;
    }
    function answered(name, found) {
      var before = JSON.stringify(settings());
      answers[name] = found;
      combine();
      if (finished) {  // after the timeout: the requests from now on follow the answer
        privacy.unanswered = false;
        if (JSON.stringify(settings()) !== before) { applyPrivacy(); }
        // What was set up without an auction is auctioned from its next request on.
        privacy.unauctioned.splice(0).forEach(function (pair) {
          setUpPrebid(pair[0], pair[1].filter(live));
        });
        return;
      }
      if (Object.keys(answers).length >= pending.length) { finish(); }
    }
    function finish() {
      finished = true;
      window.clearTimeout(timer);
      window.clearInterval(poll);
      done();
    }
    function begin(names) {
      pending = names;
      privacy.frameworks = names;
      each(names, function (name) {
        listen(name, function (found) { answered(name, found); });
      });
    }
    var timer = window.setTimeout(function () {
      // No answer in time: nothing personal, and no auction for what is requested now.
      privacy.unanswered = Object.keys(answers).length < (pending ? pending.length : 1);
      if (pending === null) { privacy.frameworks = []; }
      finish();
    }, consent.timeout);
    // A CMP installs its API stub before any other script (both IAB frameworks ask it
    // to): of the rules' frameworks, the page waits for those whose API is on the page.
    // With none there yet, it waits for one to appear, up to the timeout.
    var poll = null;
    var names = presentFrameworks(consent);
    if (names.length) {
      begin(names);
    } else {
      poll = window.setInterval(function () {
        var found = presentFrameworks(consent);
        if (found.length && !finished) {
          window.clearInterval(poll);
          begin(found);
        }
      }, 50);
    }
  }

  function withPrivacy(config, then) {
    var server = privacy.server;
    server.nonPersonalizedAds = server.nonPersonalizedAds || !!config.privacy.nonPersonalizedAds;
    server.restrictDataProcessing = server.restrictDataProcessing ||
      !!config.privacy.restrictDataProcessing;
    if (window.navigator && window.navigator.globalPrivacyControl === true) {
      server.nonPersonalizedAds = true;
      server.restrictDataProcessing = true;
    }
    if (privacy.decided) { then(); return; }
    privacy.waiting.push(then);
    if (privacy.deciding) { return; }
    privacy.deciding = true;
    decide(config.consent, function () {
      privacy.decided = true;
      privacy.waiting.splice(0).forEach(function (waiting) { waiting(); });
    });
  }

  /* ---------------------------------------------------------------- slots */

  function define(spec) {
    var googletag = window.googletag;
    if (spec.format === "anchor" || spec.format === "interstitial") {
      if (outOfPage[spec.format]) { return null; }  // one of each on a page
      var formats = googletag.enums && googletag.enums.OutOfPageFormat;
      var format = formats && formats[spec.format === "anchor" ? "BOTTOM_ANCHOR" : "INTERSTITIAL"];
      // Null where the page or the device does not support the format: nothing to do.
      return format === undefined ? null : googletag.defineOutOfPageSlot(spec.adUnitPath, format);
    }
    if (!document.getElementById(spec.id)) { return null; }
    var slot = googletag.defineSlot(spec.adUnitPath, spec.sizes, spec.id);
    if (!slot) { return null; }
    var mapping = googletag.sizeMapping();
    each(spec.sizeMapping, function (point) { mapping.addSize(point[0], point[1]); });
    slot.defineSizeMapping(mapping.build());
    return slot;
  }

  function setUp(config) {
    window.googletag.cmd.push(function () {
      var googletag = window.googletag;
      var pubads = googletag.pubads();
      if (!started[config.instance]) { return; }  // destroyed before GPT came
      if (!gptReady) {
        gptReady = true;
        googletag.setConfig({ disableInitialLoad: true, singleRequest: !!config.page.singleRequest });
        pubads.addEventListener("slotRenderEnded", rendered);
        pubads.addEventListener("impressionViewable", viewable);
        pubads.addEventListener("slotVisibilityChanged", visibility);
      }
      pubads.setPrivacySettings(settings());
      var fresh = [];
      each(config.slots, function (spec) {
        if (entries[spec.id]) { return; }
        var slot = define(spec);
        if (!slot) { return; }
        slot.addService(pubads);
        slot.setConfig({ targeting: merge(config.page.targeting, spec.targeting) });
        var entry = { spec: spec, config: config, slot: slot, code: slot.getSlotElementId(),
          refreshes: 0, inView: 0, due: false, timer: null, observer: null, bidding: false };
        entries[spec.id] = entry;
        if (spec.format === "anchor" || spec.format === "interstitial") {
          outOfPage[spec.format] = entry;
        }
        started[config.instance].push(entry);
        fresh.push(entry);
      });
      // An article set up before the CMP answered is not auctioned until it does.
      if (privacy.unanswered) {
        privacy.unauctioned.push([config, fresh]);
      } else {
        setUpPrebid(config, fresh);
      }
      if (!servicesEnabled) {
        servicesEnabled = true;
        googletag.enableServices();
      }
      each(fresh, function (entry) { googletag.display(entry.slot); });
      request(fresh.filter(function (entry) { return !entry.spec.lazy; }));
      whenNear(config, fresh.filter(function (entry) { return entry.spec.lazy; }));
    });
  }

  // Prebid's consent modules, for the frameworks whose CMP is on the page (a module
  // without its CMP would cancel every auction), and without personal data for a reader
  // who asked for non-personalised ads: no device storage, no user syncs.
  var PREBID_CONSENT = { tcf: "gdpr", gpp: "gpp" };

  function prebidConfig(prebid) {
    var config = merge(prebid.config, {});
    var management = config.consentManagement;
    if (management && privacy.frameworks) {
      var kept = {};
      each(privacy.frameworks, function (name) {
        var key = PREBID_CONSENT[name];
        if (management[key]) { kept[key] = management[key]; }
      });
      config.consentManagement = kept;
      if (!Object.keys(kept).length) { delete config.consentManagement; }
    }
    if (settings().nonPersonalizedAds) {
      config.deviceAccess = false;
      config.userSync = merge(config.userSync, { syncEnabled: false });
    }
    return config;
  }

  function setUpPrebid(config, fresh) {
    var prebid = config.prebid;
    if (!prebid) { return; }
    var codes = Object.create(null);
    each(fresh, function (entry) { codes[entry.spec.id] = entry.code; });
    // An out-of-page slot's element is GPT's own: its ad unit takes that element's id.
    var units = prebid.adUnits.filter(function (unit) { return codes[unit.code]; })
      .map(function (unit) { return merge(unit, { code: codes[unit.code] }); });
    each(fresh, function (entry) {
      entry.bidding = units.some(function (unit) { return unit.code === entry.code; });
    });
    window.pbjs = window.pbjs || {};
    window.pbjs.que = window.pbjs.que || [];
    window.pbjs.que.push(function () {
      // Merged, not set: the publisher's own Prebid settings (first-party data, sync
      // filters) stay as they are.
      window.pbjs.mergeConfig(prebidConfig(prebid));
      window.pbjs.addAdUnits(units);
    });
  }

  /* ---------------------------------------------------------------- requests */

  function live(entry) {
    return entries[entry.spec.id] === entry;
  }

  function refresh(list) {
    window.googletag.cmd.push(function () {
      var slots = list.filter(live).map(function (entry) { return entry.slot; });
      if (slots.length) { window.googletag.pubads().refresh(slots); }
    });
  }

  function request(list) {
    list = list.filter(live);
    if (!list.length) { return; }
    var prebid = list[0].config.prebid;
    var bidding = list.filter(function (entry) { return entry.bidding; });
    if (!prebid || !bidding.length) { refresh(list); return; }
    var codes = bidding.map(function (entry) { return entry.code; });
    var sent = false;
    function send() {
      if (sent) { return; }
      sent = true;
      window.clearTimeout(failsafe);
      window.googletag.cmd.push(function () {
        if (window.pbjs && typeof window.pbjs.setTargetingForGPTAsync === "function") {
          window.pbjs.setTargetingForGPTAsync(codes);
        }
        refresh(list);
      });
    }
    // The ad server is called whatever happens to the auction, and at most once: Prebid
    // calls bidsBackHandler when the bids are back, at its timeout, and when it cancels
    // the auction; the failsafe is for a Prebid that never loads or never calls back.
    var failsafe = window.setTimeout(send, prebid.failsafe);
    window.pbjs.que.push(function () {
      window.pbjs.requestBids({ adUnitCodes: codes, timeout: prebid.timeout, bidsBackHandler: send });
    });
  }

  function whenNear(config, list) {
    if (!list.length) { return; }
    if (typeof window.IntersectionObserver !== "function") { request(list); return; }
    var lazy = config.page.lazyLoad;
    var margin = lazy.fetchMarginPercent * (config.page.device === "mobile" ? lazy.mobileScaling : 1);
    var byElement = Object.create(null);
    var observer = new window.IntersectionObserver(function (records) {
      var due = [];
      each(records, function (record) {
        var entry = byElement[record.target.id];
        if (record.isIntersecting && entry) {
          observer.unobserve(record.target);
          delete byElement[record.target.id];
          entry.observer = null;
          due.push(entry);
        }
      });
      request(due);
    }, { rootMargin: margin + "% 0px " + margin + "% 0px" });
    each(list, function (entry) {
      var element = document.getElementById(entry.spec.id);
      if (!element) { return; }
      byElement[entry.spec.id] = entry;
      entry.observer = observer;
      observer.observe(element);
    });
  }

  /* ---------------------------------------------------------------- events */

  function entryOf(slot) {
    var code = slot.getSlotElementId();
    var ids = Object.keys(entries);
    for (var i = 0; i < ids.length; i++) {
      if (entries[ids[i]].code === code) { return entries[ids[i]]; }
    }
    return null;
  }

  function rendered(event) {
    var entry = entryOf(event.slot);
    var element = entry && document.getElementById(entry.spec.id);
    if (!element) { return; }
    var holder = element.closest ? element.closest("[data-slot]") || element : element;
    if (!event.isEmpty) {
      element.setAttribute("data-ad-state", "filled");
      holder.style.display = "";
      return;
    }
    var policy = entry.spec.collapse;
    // Giving up space below the screen moves nothing the reader sees; in or above it would.
    var below = holder.getBoundingClientRect().top >= window.innerHeight;
    if (policy === "always" || (policy === "below_viewport" && below)) {
      element.setAttribute("data-ad-state", "collapsed");
      holder.style.display = "none";
    } else {
      element.setAttribute("data-ad-state", "empty");
    }
  }

  function onScreen(entry) {
    if (document.visibilityState && document.visibilityState !== "visible") { return false; }
    var element = document.getElementById(entry.spec.id);
    var inPage = entry.spec.format !== "anchor" && entry.spec.format !== "interstitial";
    return !inPage || (!!element && element.isConnected !== false && entry.inView >= 50);
  }

  function refreshLater(entry) {
    var rule = entry.spec.refresh;
    if (!rule || entry.refreshes >= rule.max || entry.timer) { return; }
    entry.timer = window.setTimeout(function () {
      entry.timer = null;
      entry.due = true;
      refreshIfSeen(entry);
    }, rule.viewableSeconds * 1000);
  }

  function refreshIfSeen(entry) {
    if (!entry.due || !live(entry) || !onScreen(entry)) { return; }
    entry.due = false;
    entry.refreshes += 1;
    entry.slot.setConfig({ targeting: { refresh: String(entry.refreshes) } });
    request([entry]);
  }

  function viewable(event) {
    var entry = entryOf(event.slot);
    if (entry) { refreshLater(entry); }
  }

  function visibility(event) {
    var entry = entryOf(event.slot);
    if (!entry) { return; }
    entry.inView = event.inViewPercentage;
    refreshIfSeen(entry);
  }

  /* ---------------------------------------------------------------- teardown */

  // Take an article's ads off the page (before its fragment is removed): its GPT slots,
  // its Prebid ad units, its timers and observers. Its configuration may start again.
  function destroy(instance) {
    var list = started[instance];
    if (!list) { return false; }
    delete started[instance];
    each(document.querySelectorAll('script[type="application/json"][data-layout-ads]'),
      function (node) {
        try {
          if (JSON.parse(node.textContent).instance === instance) { node.layoutAdsSeen = false; }
        } catch (error) { /* not a configuration */ }
      });
    each(list, function (entry) {
      if (entry.timer) { window.clearTimeout(entry.timer); }
      var element = document.getElementById(entry.spec.id);
      if (entry.observer && element) { entry.observer.unobserve(element); }
      delete entries[entry.spec.id];
      if (outOfPage[entry.spec.format] === entry) { delete outOfPage[entry.spec.format]; }
    });
    window.googletag.cmd.push(function () {
      window.googletag.destroySlots(list.map(function (entry) { return entry.slot; }));
    });
    if (window.pbjs && window.pbjs.que) {
      window.pbjs.que.push(function () {
        each(list, function (entry) { window.pbjs.removeAdUnit(entry.code); });
      });
    }
    return true;
  }

  window.layoutAds = {
    load: load,
    scan: scan,
    destroy: destroy,
    slots: function () {
      return Object.keys(entries).map(function (id) {
        return { id: id, code: entries[id].code, bidding: entries[id].bidding };
      });
    }
  };
  load(document.currentScript);
  scan();
}(window, document));
