// The simple pendulum: draws the stand, string and bob at the chosen length and release angle, and swings it at
// the period the stopwatch measured (time ÷ oscillations) after each reading.
(function () {
  "use strict";
  var lab = window.ClassbridgeLab;
  var parts = {};
  var swing = null;
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  /** The string's length on screen for a length in m (1.5 m fills the frame). */
  function pixels(length) { return 40 + (isNaN(length) ? 0.5 : length) / 1.5 * 200; }

  function place(angleDegrees, length) {
    var radians = angleDegrees * Math.PI / 180;
    var reach = pixels(length);
    var x = 240 + reach * Math.sin(radians);
    var y = 30 + reach * Math.cos(radians);
    parts.string.setAttribute("x2", x);
    parts.string.setAttribute("y2", y);
    parts.bob.setAttribute("cx", x);
    parts.bob.setAttribute("cy", y);
  }

  lab.register("simple-pendulum", {
    init: function (context) {
      var root = lab.svg("svg", { viewBox: "0 0 480 300", role: "presentation" });
      lab.svg("rect", { x: 140, y: 18, width: 200, height: 12, fill: "#52606d" }, root);
      lab.svg("line", { x1: 240, y1: 30, x2: 240, y2: 290, stroke: "#cbd2d9", "stroke-dasharray": "4 4" }, root);
      parts.string = lab.svg("line", { x1: 240, y1: 30, x2: 240, y2: 200, stroke: "#1f2933", "stroke-width": 2 }, root);
      parts.bob = lab.svg("circle", { cx: 240, cy: 200, r: 14, fill: "#0b6bcb" }, root);
      parts.label = lab.svg("text", { x: 20, y: 60 }, root);
      parts.clock = lab.svg("text", { x: 20, y: 90 }, root);
      context.scene.appendChild(root);
    },
    update: function (context, setup) {
      if (!parts.string) { return; }
      if (swing) { window.cancelAnimationFrame(swing); swing = null; }
      place(isNaN(setup.amplitude) ? 10 : setup.amplitude, setup.length);
      parts.label.textContent = "L = " + (isNaN(setup.length) ? "?" : setup.length) + " m, θ₀ = " + setup.amplitude + "°";
    },
    reading: function (context, setup, row) {
      parts.clock.textContent = "t = " + row.time + " s (" + row.oscillations + " ×)";
      if (still || !(row.time > 0)) { return; }
      var period = row.time / row.oscillations;
      var started = null;
      if (swing) { window.cancelAnimationFrame(swing); }
      var frame = function (now) {
        if (started === null) { started = now; }
        var seconds = (now - started) / 1000;
        place(setup.amplitude * Math.cos(2 * Math.PI * seconds / period), setup.length);
        swing = seconds < Math.min(row.time, 8) ? window.requestAnimationFrame(frame) : null;
      };
      swing = window.requestAnimationFrame(frame);
    }
  });
})();
