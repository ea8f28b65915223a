/* A recording stand-in for the Google Publisher Tag library, for the browser tests.

   It follows the documented googletag API that a page and Prebid.js call (the command
   array, defineSlot / defineOutOfPageSlot, size mappings, setConfig / getConfig, the
   legacy targeting calls, display, refresh and the slot events), records every call in
   window.__gptCalls, and "serves" locally: a slot whose targeting carries a Prebid win
   (hb_adid) is rendered by pbjs.renderAd into an iframe, any other slot gets a house
   creative of the size its mapping asks for at this viewport, or nothing when the test
   marks it empty in window.__gptEmpty. Nothing is fetched. */
(function (window, document) {
  "use strict";
  var calls = window.__gptCalls = [];
  var empty = window.__gptEmpty = window.__gptEmpty || {};
  var listeners = {};
  var slots = [];
  var pageConfig = { targeting: {} };
  var privacy = {};
  var enabled = false;
  var outOfPage = 0;

  function record(name, args) {
    calls.push([name].concat(args.map(function (arg) {
      return arg && arg.__isSlot ? "slot:" + arg.getSlotElementId() : arg;
    })));
  }

  function fire(type, event) {
    (listeners[type] || []).forEach(function (listener) { listener(event); });
  }

  function values(value) {
    if (value === null || value === undefined) { return null; }
    return [].concat(value).map(String);
  }

  function applyTargeting(store, map) {
    Object.keys(map).forEach(function (key) {
      var value = values(map[key]);
      if (value === null) { delete store[key]; } else { store[key] = value; }
    });
  }

  function SizeMappingBuilder() { this.entries = []; }
  SizeMappingBuilder.prototype.addSize = function (viewport, sizes) {
    this.entries.push([viewport, sizes]);
    return this;
  };
  SizeMappingBuilder.prototype.build = function () { return this.entries.slice(); };

  function Slot(path, sizes, elementId, format) {
    this.__isSlot = true;
    this.path = path;
    this.sizes = sizes;
    this.elementId = elementId;
    this.format = format || null;
    this.mapping = null;
    this.targeting = {};
    this.config = {};
  }
  Slot.prototype.getSlotElementId = function () { return this.elementId; };
  Slot.prototype.getAdUnitPath = function () { return this.path; };
  Slot.prototype.getSizes = function () { return this.sizes; };
  Slot.prototype.addService = function () { record("slot.addService", [this]); return this; };
  Slot.prototype.defineSizeMapping = function (mapping) {
    record("slot.defineSizeMapping", [this, mapping]);
    this.mapping = mapping;
    return this;
  };
  Slot.prototype.setConfig = function (config) {
    record("slot.setConfig", [this, config]);
    if (config.targeting) { applyTargeting(this.targeting, config.targeting); }
    Object.keys(config).forEach(function (key) {
      if (key !== "targeting") { this.config[key] = config[key]; }
    }, this);
  };
  Slot.prototype.getConfig = function (key) {
    if (key === "targeting") { return { targeting: JSON.parse(JSON.stringify(this.targeting)) }; }
    var out = {};
    out[key] = this.config[key];
    return out;
  };
  Slot.prototype.setTargeting = function (key, value) {
    var map = {};
    map[key] = value;
    applyTargeting(this.targeting, map);
    return this;
  };
  Slot.prototype.updateTargetingFromMap = function (map) { applyTargeting(this.targeting, map); return this; };
  Slot.prototype.getTargeting = function (key) { return this.targeting[key] || []; };
  Slot.prototype.getTargetingKeys = function () { return Object.keys(this.targeting); };
  Slot.prototype.clearTargeting = function (key) {
    if (key === undefined) { this.targeting = {}; } else { delete this.targeting[key]; }
    return this;
  };

  function sizesNow(slot) {
    var width = window.innerWidth;
    var mapping = slot.mapping || [];
    for (var i = 0; i < mapping.length; i++) {
      if (width >= mapping[i][0][0]) { return mapping[i][1]; }
    }
    return mapping.length ? [] : slot.sizes;
  }

  function tallest(sizes) {
    var fixed = sizes.filter(Array.isArray);
    if (!fixed.length) { return sizes.indexOf("fluid") >= 0 ? [300, 200] : null; }
    return fixed.reduce(function (a, b) { return b[1] > a[1] ? b : a; });
  }

  function frameFor(slot) {
    if (slot.format === null) { return document.getElementById(slot.elementId); }
    var box = document.getElementById(slot.elementId);
    if (!box) {
      box = document.createElement("div");
      box.id = slot.elementId;
      box.setAttribute("data-gpt-format", slot.format);
      box.style.cssText = slot.format === "anchor"
        ? "position:fixed;left:0;right:0;bottom:0;display:flex;justify-content:center;z-index:10"
        : "position:fixed;inset:0;display:none";
      document.body.appendChild(box);
    }
    return box;
  }

  function serve(slot) {
    var element = frameFor(slot);
    fire("slotRequested", { slot: slot });
    fire("slotResponseReceived", { slot: slot });
    if (!element) { return; }
    element.innerHTML = "";
    var adId = (slot.targeting.hb_adid || [])[0];
    var size;
    if (empty[slot.elementId]) {
      fire("slotRenderEnded", { slot: slot, isEmpty: true, size: null });
      return;
    } else if (adId) {
      size = (slot.targeting.hb_size || ["300x250"])[0].split("x").map(Number);
    } else {
      size = slot.format === "interstitial" ? [320, 480] : tallest(sizesNow(slot));
      if (!size) {
        fire("slotRenderEnded", { slot: slot, isEmpty: true, size: null });
        return;
      }
    }
    var frame = document.createElement("iframe");
    frame.width = String(size[0]);
    frame.height = String(size[1]);
    frame.title = "Advertisement";
    frame.setAttribute("data-creative", adId ? "prebid" : "house");
    frame.style.border = "0";
    frame.style.display = "block";
    element.appendChild(frame);
    if (adId) {
      window.pbjs.renderAd(frame.contentDocument, adId);
    } else {
      frame.contentDocument.body.style.margin = "0";
      frame.contentDocument.body.textContent = slot.path + " " + size.join("x");
    }
    fire("slotRenderEnded", { slot: slot, isEmpty: false, size: size });
    fire("slotOnload", { slot: slot });
    watch(slot, element);
  }

  // Viewability as GPT reports it: slotVisibilityChanged with the share in view, and
  // impressionViewable once half of the creative has been in view for a second.
  // Each rendering of a creative is an impression of its own.
  var watched = {};
  function watch(slot, element) {
    if (typeof window.IntersectionObserver !== "function") { return; }
    var state = watched[slot.elementId];
    if (state) {
      state.seen = false;
      state.consider();
      return;
    }
    state = watched[slot.elementId] = { seen: false, timer: null, percent: 0 };
    state.consider = function () {
      if (state.percent >= 50 && !state.timer && !state.seen) {
        state.timer = window.setTimeout(function () {
          state.timer = null;
          state.seen = true;
          fire("impressionViewable", { slot: slot });
        }, 1000);
      } else if (state.percent < 50 && state.timer) {
        window.clearTimeout(state.timer);
        state.timer = null;
      }
    };
    new window.IntersectionObserver(function (records) {
      records.forEach(function (record) {
        state.percent = Math.round(record.intersectionRatio * 100);
        fire("slotVisibilityChanged", { slot: slot, inViewPercentage: state.percent });
        state.consider();
      });
    }, { threshold: [0, 0.25, 0.5, 0.75, 1] }).observe(element);
  }

  var pubads = {
    getSlots: function () { return slots.slice(); },
    addEventListener: function (type, listener) {
      record("pubads.addEventListener", [type]);
      (listeners[type] = listeners[type] || []).push(listener);
      return pubads;
    },
    removeEventListener: function (type, listener) {
      listeners[type] = (listeners[type] || []).filter(function (l) { return l !== listener; });
      return true;
    },
    setPrivacySettings: function (settings) {
      record("pubads.setPrivacySettings", [settings]);
      Object.keys(settings).forEach(function (key) { privacy[key] = settings[key]; });
      return pubads;
    },
    getPrivacySettings: function () { return JSON.parse(JSON.stringify(privacy)); },
    setTargeting: function (key, value) {
      var map = {};
      map[key] = value;
      applyTargeting(pageConfig.targeting, map);
      return pubads;
    },
    getTargeting: function (key) { return pageConfig.targeting[key] || []; },
    getTargetingKeys: function () { return Object.keys(pageConfig.targeting); },
    clearTargeting: function (key) { delete pageConfig.targeting[key]; return pubads; },
    refresh: function (list, options) {
      var chosen = list || slots;
      if (window.__firstRefreshAt === undefined) { window.__firstRefreshAt = window.performance.now(); }
      record("pubads.refresh", [chosen.map(function (slot) { return "slot:" + slot.getSlotElementId(); })]);
      calls.push(["served", chosen.map(function (slot) {
        return { id: slot.getSlotElementId(), targeting: JSON.parse(JSON.stringify(slot.targeting)),
          privacy: JSON.parse(JSON.stringify(privacy)), at: window.performance.now() };
      })]);
      chosen.forEach(serve);
    },
    enableSingleRequest: function () { pageConfig.singleRequest = true; return true; },
    disableInitialLoad: function () { pageConfig.disableInitialLoad = true; },
    collapseEmptyDivs: function () { return true; }
  };

  var googletag = window.googletag = window.googletag || { cmd: [] };
  var queued = googletag.cmd || [];
  googletag.apiReady = true;
  googletag.pubadsReady = true;
  googletag.enums = { OutOfPageFormat: { TOP_ANCHOR: 2, BOTTOM_ANCHOR: 3, REWARDED: 4, INTERSTITIAL: 5 } };
  googletag.pubads = function () { return pubads; };
  googletag.sizeMapping = function () { return new SizeMappingBuilder(); };
  googletag.setConfig = function (config) {
    record("setConfig", [config]);
    if (config.targeting) { applyTargeting(pageConfig.targeting, config.targeting); }
    Object.keys(config).forEach(function (key) {
      if (key !== "targeting") { pageConfig[key] = config[key]; }
    });
  };
  googletag.getConfig = function (key) {
    var out = {};
    out[key] = JSON.parse(JSON.stringify(pageConfig[key] === undefined ? null : pageConfig[key]));
    return out;
  };
  googletag.defineSlot = function (path, sizes, elementId) {
    record("defineSlot", [path, sizes, elementId]);
    for (var i = 0; i < slots.length; i++) {
      if (slots[i].getSlotElementId() === elementId) { return null; }  // as GPT: one per element
    }
    var slot = new Slot(path, sizes, elementId, null);
    slots.push(slot);
    return slot;
  };
  googletag.defineOutOfPageSlot = function (path, format) {
    record("defineOutOfPageSlot", [path, format]);
    var name = format === googletag.enums.OutOfPageFormat.INTERSTITIAL ? "interstitial" : "anchor";
    // As GPT: one anchor and one interstitial on a page; a second definition gives null.
    if (slots.some(function (slot) { return slot.format === name; })) { return null; }
    outOfPage += 1;
    var slot = new Slot(path, [], "gpt_unit_" + path.replace(/\W/g, "_") + "_" + outOfPage, name);
    slots.push(slot);
    return slot;
  };
  googletag.enableServices = function () { record("enableServices", []); enabled = true; };
  googletag.display = function (target) {
    record("display", [target]);
    var slot = typeof target === "string"
      ? slots.filter(function (s) { return s.getSlotElementId() === target; })[0] : target;
    if (slot && enabled && !pageConfig.disableInitialLoad) { serve(slot); }
  };
  googletag.destroySlots = function (list) {
    record("destroySlots", [(list || slots).map(function (slot) { return "slot:" + slot.getSlotElementId(); })]);
    slots = list ? slots.filter(function (slot) { return list.indexOf(slot) < 0; }) : [];
    return true;
  };
  googletag.cmd = {
    push: function () {
      for (var i = 0; i < arguments.length; i++) {
        try { arguments[i].call(window); } catch (error) { calls.push(["error", String(error)]); throw error; }
      }
      return arguments.length;
    }
  };
  queued.forEach(function (command) { googletag.cmd.push(command); });
}(window, document));
