// Rate of reaction and temperature: draws the flask in its water bath with a thermometer, over the paper cross,
// and shows the cross fading as sulfur forms (over the timed seconds, shortened) after each reading.
(function () {
  "use strict";
  var lab = window.ClassbridgeLab;
  var parts = {};
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var timer = null;

  lab.register("rate-temperature", {
    init: function (context) {
      var root = lab.svg("svg", { viewBox: "0 0 480 300", role: "presentation" });
      lab.svg("rect", { x: 120, y: 90, width: 240, height: 170, fill: "#e0f2fe", stroke: "#1f2933" }, root);
      parts.cloud = lab.svg("rect", { x: 180, y: 130, width: 120, height: 110, fill: "#fefce8", stroke: "#1f2933", "stroke-width": 2, "fill-opacity": "0.1" }, root);
      parts.cross = lab.svg("path", { d: "M215 160 L265 210 M265 160 L215 210", stroke: "#1f2933", "stroke-width": 6 }, root);
      lab.svg("rect", { x: 330, y: 30, width: 10, height: 200, fill: "#fff", stroke: "#1f2933" }, root);
      parts.mercury = lab.svg("rect", { x: 332, y: 130, width: 6, height: 100, fill: "#dc2626" }, root);
      parts.temperature = lab.svg("text", { x: 350, y: 60 }, root);
      parts.clock = lab.svg("text", { x: 20, y: 60 }, root);
      context.scene.appendChild(root);
    },
    update: function (context, setup) {
      if (!parts.mercury) { return; }
      var celsius = isNaN(setup.temperature) ? 20 : setup.temperature;
      var height = celsius / 70 * 200;
      parts.mercury.setAttribute("y", 230 - height);
      parts.mercury.setAttribute("height", height);
      parts.temperature.textContent = celsius + " °C";
    },
    reading: function (context, setup, row) {
      parts.clock.textContent = "t = " + row.time + " s";
      if (timer) { window.clearInterval(timer); }
      if (still) { parts.cross.setAttribute("opacity", "0"); parts.cloud.setAttribute("fill-opacity", "0.95"); return; }
      var step = 0;
      timer = window.setInterval(function () {
        step += 1;
        parts.cross.setAttribute("opacity", String(Math.max(0, 1 - step / 20)));
        parts.cloud.setAttribute("fill-opacity", String(Math.min(0.95, 0.1 + step / 20)));
        if (step >= 20) { window.clearInterval(timer); timer = null; }
      }, 100);
    }
  });
})();
