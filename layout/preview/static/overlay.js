/* The explain overlay: outlines every unit and the paywall cut, marks every gap, and shows
   the decisions taken at a gap on hover, focus or tap. On only with ?overlay=1. */
(function () {
  "use strict";
  var query = new URLSearchParams(location.search);
  if (query.get("overlay") !== "1") { return; }
  var key = location.pathname.split("/").pop();
  var tip = null;

  function label(element, text) {
    element.classList.add("lo-outline");
    var span = document.createElement("span");
    span.className = "lo-label";
    span.textContent = text;
    element.insertBefore(span, element.firstChild);
  }

  function outlineUnits() {
    document.querySelectorAll(".ad-slot").forEach(function (slot) {
      var frame = slot.querySelector(".ad-frame");
      var reserved = frame ? Math.round(parseFloat(getComputedStyle(frame).minHeight)) : 0;
      var filled = frame ? frame.getAttribute("data-filled") || "empty" : "empty";
      label(slot, "AD " + slot.getAttribute("data-slot") + " · reserved " + reserved + "px · " + filled);
    });
    document.querySelectorAll(".promo, .video-unit, .related-unit, .meter-notice").forEach(function (unit) {
      label(unit, (unit.getAttribute("data-slot") || "unit") + " · " + unit.offsetHeight + "px");
    });
    document.querySelectorAll(".paywall").forEach(function (wall) {
      label(wall, "PAYWALL CUT · " + wall.className.replace("paywall ", ""));
    });
  }

  function showTip(marker, text) {
    hideTip();
    tip = document.createElement("div");
    tip.className = "lo-tip";
    tip.setAttribute("role", "tooltip");
    tip.textContent = text;
    document.body.appendChild(tip);
    var box = marker.getBoundingClientRect();
    tip.style.left = (box.left + window.scrollX) + "px";
    tip.style.top = (box.bottom + window.scrollY + 4) + "px";
  }

  function hideTip() {
    if (tip) { tip.remove(); tip = null; }
  }

  function markGaps(plan) {
    var byGap = {};
    plan.decisions.forEach(function (d) {
      if (d.gap === null) { return; }
      (byGap[d.gap] = byGap[d.gap] || []).push(d);
    });
    var seen = {};
    document.querySelectorAll("template[data-gap]").forEach(function (anchor) {
      var gap = anchor.getAttribute("data-gap");
      if (seen[gap]) { return; }
      seen[gap] = true;
      var decisions = byGap[gap] || [];
      var text = decisions.length ? decisions.map(function (d) {
        return d.unit + ": " + d.outcome + (d.outcome === "placed" ? "" : " " + d.code) + " — " + d.message;
      }).join("\n") : "no unit tried this gap";
      var marker = document.createElement("button");
      marker.type = "button";
      marker.className = "lo-gap";
      marker.setAttribute("data-gap", gap);
      marker.setAttribute("aria-label", "Gap " + gap + ": " + text);
      if (decisions.some(function (d) { return d.outcome === "placed"; })) { marker.classList.add("lo-has-unit"); }
      marker.textContent = "gap " + gap + " · " + decisions.length + " decision" + (decisions.length === 1 ? "" : "s");
      ["mouseenter", "focus", "click"].forEach(function (name) {
        marker.addEventListener(name, function () { showTip(marker, text); });
      });
      marker.addEventListener("mouseleave", hideTip);
      marker.addEventListener("blur", hideTip);
      anchor.parentNode.insertBefore(marker, anchor);
    });
  }

  fetch("/plan/" + encodeURIComponent(key) + location.search)
    .then(function (response) { return response.json(); })
    .then(function (plan) {
      outlineUnits();
      markGaps(plan);
      document.documentElement.setAttribute("data-overlay-ready", "true");
    });
}());
