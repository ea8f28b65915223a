/* The ad stack's page bootstrap: one for the whole page, however many articles it holds.

   Every article rendered with ads brings a JSON script element marked data-layout-ads
   with its configuration (layout/render/adconfig.py) and a copy of this script. The first
   copy to run installs window.layoutAds; every copy then scans the page and starts each
   configuration it has not started yet, so fragments added later (infinite scroll) are
   picked up by their own copy, or by calling window.layoutAds.scan() after inserting them.

   For each article: wait for the consent platform if the rules ask (IAB TCF's __tcfapi,
   IAB GPP's __gpp), decide the privacy settings, define its slots with GPT, then request
   them: eager slots at once, lazy ones as they come near the screen, each request going
   through a Prebid.js auction first when the article's units name bidders (the handshake
   Prebid documents: disableInitialLoad, requestBids, setTargetingForGPTAsync, refresh,
   with a failsafe timeout). Slots refresh by their rules, and an empty slot gives up its
   space by its collapse policy. Without GPT (or Prebid) loaded, commands only queue. */
(function (window, document) {
  "use strict";
  if (window.layoutAds) {
    window.layoutAds.scan();
    return;
  }

  var started = {};   // instance -> true, once its configuration has started
  var entries = {};   // slot element id -> entry {spec, config, slot, code, refreshes, ...}
  var loaded = {};    // library URL -> true, once its script element is on the page
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

  function load(url) {
    if (loaded[url]) { return; }
    loaded[url] = true;
    var present = document.querySelectorAll("script[src]");
    for (var i = 0; i < present.length; i++) {
      if (present[i].getAttribute("src") === url) { return; }
    }
    var script = document.createElement("script");
    script.async = true;
    script.src = url;
    (document.head || document.documentElement).appendChild(script);
  }

  function scan() {
    each(document.querySelectorAll('script[type="application/json"][data-layout-ads]'),
      function (node) {
        var config;
        try { config = JSON.parse(node.textContent); } catch (error) { return; }
        if (!config || !config.instance || started[config.instance]) { return; }
        started[config.instance] = true;
        start(config);
      });
  }

  function start(config) {
    each(config.libraries || [], load);
    decidePrivacy(config, function (privacy) { setUp(config, privacy); });
  }

  /* ---------------------------------------------------------------- consent and privacy */

  function readTcf(privacy, done) {
    var tcfapi = window.__tcfapi;
    var settled = false;
    tcfapi("addEventListener", 2, function (tcData, success) {
      if (settled || !success || !tcData) { return; }
      if (tcData.eventStatus !== "tcloaded" && tcData.eventStatus !== "useractioncomplete") {
        return;
      }
      settled = true;
      if (tcData.gdprApplies !== false) {
        var consents = (tcData.purpose && tcData.purpose.consents) || {};
        // Purpose 1 (store or access information on a device) refused: limited ads;
        // purposes 3 and 4 (personalised advertising profiles) refused: non-personalised.
        if (!consents[1]) { privacy.limitedAds = true; }
        if (!consents[3] || !consents[4]) { privacy.nonPersonalizedAds = true; }
      }
      if (tcData.listenerId !== undefined && tcData.listenerId !== null) {
        tcfapi("removeEventListener", 2, function () {}, tcData.listenerId);
      }
      done();
    });
  }

  function optedOut(section) {
    return !!section && (section.SaleOptOut === 1 || section.SharingOptOut === 1 ||
      section.TargetedAdvertisingOptOut === 1);
  }

  function readGpp(privacy, done) {
    var gpp = window.__gpp;
    var settled = false;
    gpp("addEventListener", function (event, success) {
      var ping = event && event.pingData;
      if (settled || success === false || !ping || ping.signalStatus !== "ready") { return; }
      settled = true;
      var sections = ping.parsedSections || {};
      Object.keys(sections).forEach(function (name) {
        if (name.indexOf("us") !== 0) { return; }
        each([].concat(sections[name]), function (section) {
          if (optedOut(section)) {
            privacy.nonPersonalizedAds = true;
            privacy.restrictDataProcessing = true;
          }
        });
      });
      if (event.listenerId !== undefined && event.listenerId !== null) {
        gpp("removeEventListener", function () {}, event.listenerId);
      }
      done();
    });
  }

  var CONSENT_APIS = { tcf: "__tcfapi", gpp: "__gpp" };
  var CONSENT_READERS = { tcf: readTcf, gpp: readGpp };

  function decidePrivacy(config, done) {
    var privacy = {
      nonPersonalizedAds: !!config.privacy.nonPersonalizedAds,
      restrictDataProcessing: !!config.privacy.restrictDataProcessing,
      limitedAds: false
    };
    if (window.navigator && window.navigator.globalPrivacyControl === true) {
      privacy.nonPersonalizedAds = true;
      privacy.restrictDataProcessing = true;
    }
    var consent = config.consent;
    if (!consent) { done(privacy); return; }
    // A CMP installs its API stub before any other script (both IAB frameworks ask it
    // to): the frameworks whose API is on the page are waited for, the others are not
    // served here. With none yet, the page waits for one to appear, up to the timeout.
    function present() {
      return consent.frameworks.filter(function (name) {
        return typeof window[CONSENT_APIS[name]] === "function";
      });
    }
    privacy.frameworks = present();
    if (!consent.wait) { done(privacy); return; }
    var pending = 0;
    var finished = false;
    var timer = window.setTimeout(function () {
      if (finished) { return; }
      finished = true;
      // No answer from the CMP: nothing personal, and no auction (Prebid would cancel it
      // for want of consent).
      privacy.nonPersonalizedAds = true;
      privacy.unanswered = true;
      done(privacy);
    }, consent.timeout);
    function settle() {
      pending -= 1;
      if (pending > 0 || finished) { return; }
      finished = true;
      window.clearTimeout(timer);
      done(privacy);
    }
    function begin(names) {
      privacy.frameworks = names;
      pending = names.length;
      each(names, function (name) { CONSENT_READERS[name](privacy, settle); });
    }
    if (privacy.frameworks.length) { begin(privacy.frameworks); return; }
    var poll = window.setInterval(function () {
      var found = present();
      if (finished) {
        window.clearInterval(poll);
      } else if (found.length) {
        window.clearInterval(poll);
        begin(found);
      }
    }, 50);
  }

  /* ---------------------------------------------------------------- slots */

  function define(spec) {
    var googletag = window.googletag;
    if (spec.format === "anchor" || spec.format === "interstitial") {
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

  function setUp(config, privacy) {
    window.googletag.cmd.push(function () {
      var googletag = window.googletag;
      var pubads = googletag.pubads();
      if (!gptReady) {
        gptReady = true;
        googletag.setConfig({ disableInitialLoad: true, singleRequest: !!config.page.singleRequest });
        pubads.addEventListener("slotRenderEnded", rendered);
        pubads.addEventListener("impressionViewable", viewable);
        pubads.addEventListener("slotVisibilityChanged", visibility);
      }
      pubads.setPrivacySettings({
        nonPersonalizedAds: privacy.nonPersonalizedAds,
        restrictDataProcessing: privacy.restrictDataProcessing,
        limitedAds: privacy.limitedAds
      });
      var fresh = [];
      each(config.slots, function (spec) {
        if (entries[spec.id]) { return; }
        var slot = define(spec);
        if (!slot) { return; }
        slot.addService(pubads);
        slot.setConfig({ targeting: merge(config.page.targeting, spec.targeting) });
        var entry = { spec: spec, config: config, slot: slot, code: slot.getSlotElementId(),
          refreshes: 0, inView: 0, due: false, timer: null };
        entries[spec.id] = entry;
        fresh.push(entry);
      });
      if (!privacy.unanswered) { setUpPrebid(config, fresh, privacy); }
      if (!servicesEnabled) {
        servicesEnabled = true;
        googletag.enableServices();
      }
      each(fresh, function (entry) { googletag.display(entry.slot); });
      request(fresh.filter(function (entry) { return !entry.spec.lazy; }));
      whenNear(config, fresh.filter(function (entry) { return entry.spec.lazy; }));
    });
  }

  // Prebid's consent modules, for the frameworks whose CMP is on the page: a module
  // without its CMP would cancel every auction.
  var PREBID_CONSENT = { tcf: "gdpr", gpp: "gpp" };

  function prebidConfig(prebid, privacy) {
    var management = prebid.config.consentManagement;
    if (!management || !privacy.frameworks) { return prebid.config; }
    var kept = {};
    each(privacy.frameworks, function (name) {
      var key = PREBID_CONSENT[name];
      if (management[key]) { kept[key] = management[key]; }
    });
    var config = merge(prebid.config, { consentManagement: kept });
    if (!Object.keys(kept).length) { delete config.consentManagement; }
    return config;
  }

  function setUpPrebid(config, fresh, privacy) {
    var prebid = config.prebid;
    if (!prebid) { return; }
    var codes = {};
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
      window.pbjs.setConfig(prebidConfig(prebid, privacy));
      window.pbjs.addAdUnits(units);
    });
  }

  /* ---------------------------------------------------------------- requests */

  function refresh(list) {
    window.googletag.cmd.push(function () {
      window.googletag.pubads().refresh(list.map(function (entry) { return entry.slot; }));
    });
  }

  function request(list) {
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
    // The ad server is called whatever happens to the auction, and at most once.
    var failsafe = window.setTimeout(send, prebid.failsafe);
    window.pbjs.que.push(function () {
      var auction = window.pbjs.requestBids({
        adUnitCodes: codes, timeout: prebid.timeout, bidsBackHandler: send
      });
      // Prebid cancels an auction it may not hold (no consent platform where the GDPR
      // applies): the ad server is still called, without bids.
      if (auction && typeof auction.then === "function") { auction.then(null, send); }
    });
  }

  function whenNear(config, list) {
    if (!list.length) { return; }
    if (typeof window.IntersectionObserver !== "function") { request(list); return; }
    var lazy = config.page.lazyLoad;
    var margin = lazy.fetchMarginPercent * (config.page.device === "mobile" ? lazy.mobileScaling : 1);
    var byElement = {};
    var observer = new window.IntersectionObserver(function (records) {
      var due = [];
      each(records, function (record) {
        var entry = byElement[record.target.id];
        if (record.isIntersecting && entry) {
          observer.unobserve(record.target);
          delete byElement[record.target.id];
          due.push(entry);
        }
      });
      request(due);
    }, { rootMargin: margin + "% 0px " + margin + "% 0px" });
    each(list, function (entry) {
      var element = document.getElementById(entry.spec.id);
      if (!element) { request([entry]); return; }  // taken off the page since: as GPT would
      byElement[entry.spec.id] = entry;
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
    if (!entry.due || entry.inView < 50) { return; }
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

  window.layoutAds = {
    scan: scan,
    slots: function () { return Object.keys(entries); }
  };
  scan();
}(window, document));
