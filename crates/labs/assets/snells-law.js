// Snell's law: draws the semicircular block, the normal, the incident ray at the chosen angle and the refracted ray
// at the angle last read on the protractor.
(function () {
  "use strict";
  var lab = window.ClassbridgeLab;
  var parts = {};
  var CX = 240, CY = 150, R = 120;

  function ray(line, degrees, below) {
    var radians = degrees * Math.PI / 180;
    var dx = R * Math.sin(radians), dy = R * Math.cos(radians);
    line.setAttribute("x1", CX);
    line.setAttribute("y1", CY);
    line.setAttribute("x2", below ? CX + dx : CX - dx);
    line.setAttribute("y2", below ? CY + dy : CY - dy);
  }

  lab.register("snells-law", {
    init: function (context) {
      var root = lab.svg("svg", { viewBox: "0 0 480 300", role: "presentation" });
      lab.svg("path", { d: "M" + (CX - R) + " " + CY + " A" + R + " " + R + " 0 0 0 " + (CX + R) + " " + CY + " Z", fill: "#dbeafe", stroke: "#1f2933" }, root);
      lab.svg("line", { x1: CX, y1: 10, x2: CX, y2: 290, stroke: "#52606d", "stroke-dasharray": "6 4" }, root);
      parts.incident = lab.svg("line", { stroke: "#dc2626", "stroke-width": 3 }, root);
      parts.refracted = lab.svg("line", { stroke: "#dc2626", "stroke-width": 3, "stroke-dasharray": "2 0" }, root);
      parts.i = lab.svg("text", { x: 20, y: 40 }, root);
      parts.r = lab.svg("text", { x: 20, y: 280 }, root);
      context.scene.appendChild(root);
    },
    update: function (context, setup, last) {
      if (!parts.incident) { return; }
      var incidence = isNaN(setup.incidence) ? 30 : setup.incidence;
      ray(parts.incident, incidence, false);
      parts.i.textContent = "i = " + incidence + "°";
      var matches = last && Number(last.incidence) === incidence;
      parts.refracted.setAttribute("visibility", matches ? "visible" : "hidden");
      if (matches) { ray(parts.refracted, Number(last.refraction), true); parts.r.textContent = "r = " + last.refraction + "°"; }
      else { parts.r.textContent = "r = ?"; }
    },
    reading: function (context, setup, row) { this.update(context, setup, row); }
  });
})();
