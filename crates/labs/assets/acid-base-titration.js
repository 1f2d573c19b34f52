// Acid-base titration: draws the burette with its level, the flask coloured by universal indicator at the last pH,
// and the pH meter.
(function () {
  "use strict";
  var lab = window.ClassbridgeLab;
  var parts = {};
  // Universal indicator colours from pH 0 to 14.
  var COLOURS = ["#d7191c", "#e8402b", "#f46d43", "#fb8c3c", "#fdae61", "#fed976", "#e6f598", "#99d594",
    "#66c2a5", "#3288bd", "#2b6cb0", "#3f4fa3", "#5e3c99", "#6a2c8f", "#54278f"];

  lab.register("acid-base-titration", {
    init: function (context) {
      var root = lab.svg("svg", { viewBox: "0 0 480 300", role: "presentation" });
      lab.svg("rect", { x: 225, y: 10, width: 30, height: 170, fill: "#fff", stroke: "#1f2933" }, root);
      parts.level = lab.svg("rect", { x: 226, y: 11, width: 28, height: 168, fill: "#bfdbfe" }, root);
      for (var ml = 0; ml <= 50; ml += 10) {
        lab.svg("line", { x1: 255, y1: 11 + ml * 3.36, x2: 265, y2: 11 + ml * 3.36, stroke: "#1f2933" }, root);
        lab.svg("text", { x: 268, y: 16 + ml * 3.36 }, root).textContent = String(ml);
      }
      lab.svg("path", { d: "M236 180 L236 200 L244 200 L244 180", fill: "#fff", stroke: "#1f2933" }, root);
      parts.flask = lab.svg("path", { d: "M220 215 L220 230 L180 285 L300 285 L260 230 L260 215 Z", fill: COLOURS[1], stroke: "#1f2933", "stroke-width": 2 }, root);
      lab.svg("rect", { x: 330, y: 200, width: 120, height: 60, rx: 6, fill: "#102a43" }, root);
      parts.meter = lab.svg("text", { x: 390, y: 238, "text-anchor": "middle", fill: "#d9f99d", "font-size": "22" }, root);
      parts.meter.textContent = "pH –";
      parts.added = lab.svg("text", { x: 20, y: 60 }, root);
      context.scene.appendChild(root);
    },
    update: function (context, setup, last) {
      if (!parts.level) { return; }
      var volume = isNaN(setup.base_volume) ? 0 : Math.max(0, Math.min(50, setup.base_volume));
      parts.level.setAttribute("y", 11 + volume * 3.36);
      parts.level.setAttribute("height", 168 - volume * 3.36);
      parts.added.textContent = volume + " cm³";
      if (last) { this.reading(context, setup, last); }
    },
    reading: function (context, setup, row) {
      var ph = Number(row.ph);
      if (isNaN(ph)) { return; }
      parts.flask.setAttribute("fill", COLOURS[Math.max(0, Math.min(14, Math.round(ph)))]);
      parts.meter.textContent = "pH " + row.ph;
    }
  });
})();
