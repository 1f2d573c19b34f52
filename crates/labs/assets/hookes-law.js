// Hooke's law: draws the clamp, the spring stretched to the last reading, the hanger with its load, and the metre
// rule with the pointer.
(function () {
  "use strict";
  var lab = window.ClassbridgeLab;
  var parts = {};

  /** y on screen of a length on the rule in cm (0 cm at the clamp, 50 cm at the bottom). */
  function y(cm) { return 30 + cm * 5; }

  function spring(lengthCm) {
    var top = y(0), bottom = y(lengthCm) - 10, turns = 14, points = ["M240 " + top];
    for (var i = 1; i <= turns; i++) {
      var at = top + (bottom - top) * (i - 0.5) / turns;
      points.push("L" + (i % 2 ? 225 : 255) + " " + at.toFixed(1));
    }
    points.push("L240 " + bottom);
    return points.join(" ");
  }

  lab.register("hookes-law", {
    init: function (context) {
      var root = lab.svg("svg", { viewBox: "0 0 480 300", role: "presentation" });
      lab.svg("rect", { x: 160, y: 18, width: 160, height: 12, fill: "#52606d" }, root);
      // The metre rule, 0 to 50 cm in view.
      lab.svg("rect", { x: 330, y: 30, width: 40, height: 250, fill: "#fef3c7", stroke: "#1f2933" }, root);
      for (var cm = 0; cm <= 50; cm += 5) {
        lab.svg("line", { x1: 330, y1: y(cm), x2: cm % 10 ? 340 : 348, y2: y(cm), stroke: "#1f2933" }, root);
        if (cm % 10 === 0) { lab.svg("text", { x: 352, y: y(cm) + 5 }, root).textContent = String(cm); }
      }
      parts.spring = lab.svg("path", { d: spring(12), fill: "none", stroke: "#1f2933", "stroke-width": 2 }, root);
      parts.pointer = lab.svg("line", { x1: 240, y1: y(12), x2: 330, y2: y(12), stroke: "#b42318", "stroke-width": 2 }, root);
      parts.hanger = lab.svg("rect", { x: 222, y: y(12), width: 36, height: 24, fill: "#7b8794" }, root);
      parts.load = lab.svg("text", { x: 30, y: 80 }, root);
      parts.read = lab.svg("text", { x: 30, y: 110 }, root);
      context.scene.appendChild(root);
    },
    update: function (context, setup, last) {
      if (!parts.load) { return; }
      parts.load.textContent = (isNaN(setup.mass) ? "?" : setup.mass) + " g";
      if (last) { this.reading(context, setup, last); }
    },
    reading: function (context, setup, row) {
      var length = Math.max(5, Math.min(50, Number(row.length) || 12));
      parts.spring.setAttribute("d", spring(length));
      parts.pointer.setAttribute("y1", y(length));
      parts.pointer.setAttribute("y2", y(length));
      parts.hanger.setAttribute("y", y(length));
      parts.read.textContent = "L = " + row.length + " cm (" + row.mass + " g)";
    }
  });
})();
