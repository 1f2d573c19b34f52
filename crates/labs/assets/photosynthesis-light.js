// Photosynthesis and light intensity: draws the lamp at the chosen distance from the boiling tube of pondweed, and
// the bubbles last counted.
(function () {
  "use strict";
  var lab = window.ClassbridgeLab;
  var parts = {};

  /** x on screen of the lamp at a distance in cm (100 cm at the left edge). */
  function x(distance) { return 330 - distance * 2.8; }

  lab.register("photosynthesis-light", {
    init: function (context) {
      var root = lab.svg("svg", { viewBox: "0 0 480 300", role: "presentation" });
      lab.svg("line", { x1: 20, y1: 250, x2: 460, y2: 250, stroke: "#52606d", "stroke-width": 2 }, root);
      lab.svg("rect", { x: 345, y: 70, width: 40, height: 180, rx: 18, fill: "#e0f2fe", stroke: "#1f2933" }, root);
      lab.svg("path", { d: "M365 240 C355 200 375 170 362 130 M365 240 C378 210 352 180 372 150", stroke: "#15803d", "stroke-width": 4, fill: "none" }, root);
      parts.bubbles = lab.svg("g", {}, root);
      parts.lamp = lab.svg("g", {}, root);
      lab.svg("circle", { cx: 0, cy: 150, r: 16, fill: "#fde047", stroke: "#1f2933" }, parts.lamp);
      lab.svg("rect", { x: -6, y: 166, width: 12, height: 84, fill: "#52606d" }, parts.lamp);
      parts.beam = lab.svg("path", { fill: "#fef08a", "fill-opacity": "0.5" }, root);
      parts.distance = lab.svg("text", { x: 20, y: 280 }, root);
      parts.count = lab.svg("text", { x: 20, y: 40 }, root);
      context.scene.appendChild(root);
    },
    update: function (context, setup) {
      if (!parts.lamp) { return; }
      var distance = isNaN(setup.distance) ? 30 : setup.distance;
      var at = x(distance);
      parts.lamp.setAttribute("transform", "translate(" + at + " 0)");
      parts.beam.setAttribute("d", "M" + (at + 16) + " 150 L345 110 L345 200 Z");
      parts.distance.textContent = "d = " + distance + " cm, " + setup.minutes + " min";
    },
    reading: function (context, setup, row) {
      while (parts.bubbles.firstChild) { parts.bubbles.removeChild(parts.bubbles.firstChild); }
      var shown = Math.min(12, Math.round(Number(row.bubbles) / Math.max(1, Number(row.minutes)) / 6));
      for (var i = 0; i < shown; i++) {
        lab.svg("circle", { cx: 362 + (i % 3) * 6, cy: 120 - i * 8, r: 3, fill: "#fff", stroke: "#0b6bcb" }, parts.bubbles);
      }
      parts.count.textContent = row.bubbles + " / " + row.minutes + " min, " + row.light + " lx";
    }
  });
})();
