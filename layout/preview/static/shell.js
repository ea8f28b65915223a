/* The preview shell: device frames, toggles, the plan panel and live reload. */
(function () {
  "use strict";
  var key = document.body.getAttribute("data-key");
  var errorBox = document.getElementById("preview-error");

  function params(device) {
    var query = new URLSearchParams({
      device: device,
      audience: value("audience", "anonymous"),
      meter: value("meter", "fresh")
    });
    var overlay = document.getElementById("overlay");
    if (overlay && overlay.checked) { query.set("overlay", "1"); }
    return query.toString();
  }

  function value(id, fallback) {
    var element = document.getElementById(id);
    return element ? element.value : fallback;
  }

  function loadFrames() {
    ["mobile", "desktop"].forEach(function (device) {
      var frame = document.getElementById("frame-" + device);
      if (frame) { frame.src = "/render/" + encodeURIComponent(key) + "?" + params(device); }
    });
    loadPanel();
  }

  function cell(row, text, className) {
    var td = document.createElement("td");
    td.textContent = text;
    if (className) { td.className = className; }
    row.appendChild(td);
  }

  function renderPanel(device, plan) {
    var section = document.createElement("section");
    var title = document.createElement("h3");
    title.textContent = device;
    section.appendChild(title);
    if (plan.error) {
      var error = document.createElement("pre");
      error.textContent = plan.error;
      section.appendChild(error);
      return section;
    }
    var m = plan.metrics;
    var summary = document.createElement("p");
    summary.className = "metrics";
    summary.textContent = "ads " + m.ad_count + " · density " + m.ad_density.toFixed(2) +
      " · words " + m.words + " · height " + m.content_height + "px · paywall " +
      (plan.paywall.wall || "none");
    section.appendChild(summary);
    var table = document.createElement("table");
    table.className = "decisions";
    plan.decisions.forEach(function (d) {
      var row = document.createElement("tr");
      cell(row, d.gap === null ? "-" : String(d.gap));
      cell(row, d.unit);
      cell(row, d.outcome + " " + d.code, d.outcome === "placed" ? "placed" : "rejected");
      cell(row, d.message);
      table.appendChild(row);
    });
    section.appendChild(table);
    return section;
  }

  function loadPanel() {
    var panel = document.getElementById("panel");
    if (!panel) { return; }
    Promise.all(["mobile", "desktop"].map(function (device) {
      return fetch("/plan/" + encodeURIComponent(key) + "?" + params(device))
        .then(function (response) { return response.json(); })
        .then(function (plan) { return renderPanel(device, plan); });
    })).then(function (sections) {
      panel.textContent = "";
      sections.forEach(function (section) { panel.appendChild(section); });
    });
  }

  function refreshStatus() {
    return fetch("/status").then(function (r) { return r.json(); }).then(function (status) {
      errorBox.textContent = status.error || "";
      errorBox.hidden = !status.error;
    });
  }

  ["audience", "meter", "overlay"].forEach(function (id) {
    var element = document.getElementById(id);
    if (element) { element.addEventListener("change", loadFrames); }
  });
  var events = new EventSource("/events");
  events.addEventListener("reload", function () {
    refreshStatus().then(function () { if (key) { loadPanel(); } else { location.reload(); } });
  });
  if (key) { loadFrames(); }
}());
