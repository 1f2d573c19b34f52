// acid-base-titration: placeholder until its scene is drawn.
(function () { "use strict"; window.ClassbridgeLab.register("acid-base-titration", {}); })();
