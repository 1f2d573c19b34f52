// Ohm's law: draws the circuit (variable supply, ammeter in series, unknown resistor, voltmeter across it) and
// shows the supply setting and the meters' last reading on it.
(function () {
  "use strict";
  var lab = window.ClassbridgeLab;
  var parts = {};

  function meter(svgRoot, x, y, letter) {
    lab.svg("circle", { cx: x, cy: y, r: 22, fill: "#fff", stroke: "#1f2933", "stroke-width": 2 }, svgRoot);
    var label = lab.svg("text", { x: x, y: y + 6, "text-anchor": "middle", "font-weight": "700" }, svgRoot);
    label.textContent = letter;
    var value = lab.svg("text", { x: x, y: y + 44, "text-anchor": "middle" }, svgRoot);
    return value;
  }

  lab.register("ohms-law", {
    init: function (context) {
      var root = lab.svg("svg", { viewBox: "0 0 480 260", role: "presentation" });
      var wire = { fill: "none", stroke: "#1f2933", "stroke-width": 3 };
      // The loop: supply on the left, ammeter on top, resistor on the right.
      lab.svg("path", Object.assign({ d: "M60 200 V40 H420 V200 H60" }, wire), root);
      // Supply (cell symbol with an arrow: variable).
      lab.svg("rect", { x: 40, y: 100, width: 40, height: 60, fill: "#fbfcfe" }, root);
      lab.svg("line", { x1: 40, y1: 118, x2: 80, y2: 118, stroke: "#1f2933", "stroke-width": 4 }, root);
      lab.svg("line", { x1: 50, y1: 138, x2: 70, y2: 138, stroke: "#1f2933", "stroke-width": 4 }, root);
      lab.svg("line", { x1: 30, y1: 160, x2: 90, y2: 100, stroke: "#0b6bcb", "stroke-width": 2 }, root);
      parts.supply = lab.svg("text", { x: 100, y: 134 }, root);
      // Ammeter in series on the top wire.
      lab.svg("rect", { x: 218, y: 18, width: 44, height: 44, fill: "#fbfcfe" }, root);
      parts.ammeter = meter(root, 240, 40, "A");
      // The unknown resistor on the right wire.
      lab.svg("rect", { x: 405, y: 95, width: 30, height: 70, fill: "#fde68a", stroke: "#1f2933", "stroke-width": 2 }, root);
      var name = lab.svg("text", { x: 395, y: 135, "text-anchor": "end" }, root);
      name.textContent = "R = ?";
      // Voltmeter in parallel with the resistor.
      lab.svg("path", Object.assign({ d: "M420 80 H340 V108 M340 152 V180 H420" }, wire), root);
      parts.voltmeter = meter(root, 340, 130, "V");
      context.scene.appendChild(root);
    },
    update: function (context, setup, last) {
      if (!parts.supply) { return; }
      parts.supply.textContent = isNaN(setup.supply_voltage) ? "? V" : setup.supply_voltage + " V";
      if (last) {
        parts.ammeter.textContent = last.current + " mA";
        parts.voltmeter.textContent = last.voltage + " V";
      }
    },
    reading: function (context, setup, row) {
      parts.ammeter.textContent = row.current + " mA";
      parts.voltmeter.textContent = row.voltage + " V";
    }
  });
})();
