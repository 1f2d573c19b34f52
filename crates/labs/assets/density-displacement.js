// Density by displacement: draws the measuring cylinder with the water poured and, after a reading, the piece in
// it with the level risen, and the balance showing the piece's mass.
(function () {
  "use strict";
  var lab = window.ClassbridgeLab;
  var parts = {};

  /** y on screen of a level in cm³ (0 at the bottom of the cylinder, 100 at the top). */
  function y(level) { return 270 - Math.max(0, Math.min(100, level)) * 2.4; }

  function fill(level) {
    parts.water.setAttribute("y", y(level));
    parts.water.setAttribute("height", 270 - y(level));
  }

  lab.register("density-displacement", {
    init: function (context) {
      var root = lab.svg("svg", { viewBox: "0 0 480 300", role: "presentation" });
      parts.water = lab.svg("rect", { x: 121, y: 150, width: 58, height: 120, fill: "#bfdbfe" }, root);
      lab.svg("path", { d: "M120 20 L120 270 L180 270 L180 20", fill: "none", stroke: "#1f2933", "stroke-width": 2 }, root);
      lab.svg("rect", { x: 100, y: 270, width: 100, height: 10, fill: "#52606d" }, root);
      for (var level = 0; level <= 100; level += 10) {
        lab.svg("line", { x1: 180, y1: y(level), x2: level % 50 ? 188 : 194, y2: y(level), stroke: "#1f2933" }, root);
        if (level % 20 === 0) { lab.svg("text", { x: 198, y: y(level) + 5 }, root).textContent = String(level); }
      }
      parts.piece = lab.svg("path", { d: "M138 250 L160 246 L166 262 L148 268 L134 262 Z", fill: "#7b8794", stroke: "#1f2933", visibility: "hidden" }, root);
      lab.svg("rect", { x: 300, y: 210, width: 150, height: 50, rx: 6, fill: "#102a43" }, root);
      parts.balance = lab.svg("text", { x: 375, y: 242, "text-anchor": "middle", fill: "#d9f99d", "font-size": "20" }, root);
      parts.balance.textContent = "– g";
      parts.label = lab.svg("text", { x: 300, y: 60 }, root);
      parts.levels = lab.svg("text", { x: 300, y: 90 }, root);
      context.scene.appendChild(root);
    },
    update: function (context, setup) {
      if (!parts.water) { return; }
      fill(isNaN(setup.water) ? 50 : setup.water);
      parts.piece.setAttribute("visibility", "hidden");
      parts.label.textContent = "#" + setup.piece + ", " + setup.water + " cm³";
    },
    reading: function (context, setup, row) {
      fill(Number(row.level_after) || 0);
      parts.piece.setAttribute("visibility", "visible");
      parts.balance.textContent = row.mass + " g";
      parts.levels.textContent = row.level_before + " → " + row.level_after + " cm³";
    }
  });
})();
