/* Stub creatives: fill each ad slot with a placeholder of the size the size mapping would
   request at this viewport width (the tallest, the worst case for layout shift). */
(function () {
  "use strict";
  var slots = [];
  document.querySelectorAll('script[type="application/json"][data-layout-ads]').forEach(
    function (node) { slots = slots.concat(JSON.parse(node.textContent).slots); });

  function sizesFor(slot, width) {
    for (var i = 0; i < slot.sizeMapping.length; i++) {
      var entry = slot.sizeMapping[i];
      if (width >= entry[0][0]) { return entry[1]; }
    }
    return [];
  }

  function fill() {
    var width = window.innerWidth;
    slots.forEach(function (slot) {
      var frame = document.getElementById(slot.id);
      if (!frame || frame.getAttribute("data-filled")) { return; }
      var sizes = sizesFor(slot, width).filter(Array.isArray);
      if (!sizes.length) { return; }
      var size = sizes.reduce(function (a, b) { return b[1] > a[1] ? b : a; });
      var creative = document.createElement("div");
      creative.className = "stub-creative";
      creative.style.width = size[0] + "px";
      creative.style.height = size[1] + "px";
      creative.textContent = slot.adUnitPath + " · " + size[0] + "×" + size[1];
      frame.appendChild(creative);
      frame.setAttribute("data-filled", size[0] + "x" + size[1]);
    });
    document.documentElement.setAttribute("data-stubs-filled", "true");
  }

  window.requestAnimationFrame(function () { window.setTimeout(fill, 50); });
}());
