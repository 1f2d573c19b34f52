// rate-temperature: placeholder until its scene is drawn.
(function () { "use strict"; window.ClassbridgeLab.register("rate-temperature", {}); })();
