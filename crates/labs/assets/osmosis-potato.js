// Osmosis in potato cylinders: draws the sucrose solution (darker when more concentrated), the cylinder before and
// after soaking scaled by its masses, and the balance.
(function () {
  "use strict";
  var lab = window.ClassbridgeLab;
  var parts = {};

  lab.register("osmosis-potato", {
    init: function (context) {
      var root = lab.svg("svg", { viewBox: "0 0 480 300", role: "presentation" });
      lab.svg("path", { d: "M40 90 L40 260 L200 260 L200 90", fill: "none", stroke: "#1f2933", "stroke-width": 2 }, root);
      parts.solution = lab.svg("rect", { x: 41, y: 130, width: 158, height: 129, fill: "#fef9c3" }, root);
      parts.before = lab.svg("rect", { x: 250, y: 120, width: 80, height: 22, rx: 8, fill: "#fde68a", stroke: "#92400e" }, root);
      parts.after = lab.svg("rect", { x: 250, y: 170, width: 80, height: 22, rx: 8, fill: "#fcd34d", stroke: "#92400e" }, root);
      lab.svg("rect", { x: 250, y: 220, width: 180, height: 50, rx: 6, fill: "#102a43" }, root);
      parts.balance = lab.svg("text", { x: 340, y: 252, "text-anchor": "middle", fill: "#d9f99d", "font-size": "18" }, root);
      parts.balance.textContent = "– g";
      parts.label = lab.svg("text", { x: 40, y: 60 }, root);
      lab.svg("text", { x: 340, y: 135 }, root).textContent = "0 min";
      lab.svg("text", { x: 340, y: 185 }, root).textContent = "30 min";
      context.scene.appendChild(root);
    },
    update: function (context, setup) {
      if (!parts.solution) { return; }
      var c = isNaN(setup.concentration) ? 0 : setup.concentration;
      var shade = Math.round(249 - c * 90);
      parts.solution.setAttribute("fill", "rgb(254," + shade + "," + Math.round(195 - c * 150) + ")");
      parts.label.textContent = c + " mol/dm³";
    },
    reading: function (context, setup, row) {
      var before = Number(row.initial_mass), after = Number(row.final_mass);
      if (!(before > 0) || !(after > 0)) { return; }
      parts.before.setAttribute("width", String(80));
      parts.after.setAttribute("width", String(Math.max(20, Math.min(140, 80 * after / before))));
      parts.balance.textContent = row.initial_mass + " g → " + row.final_mass + " g";
    }
  });
})();
