// osmosis-potato: placeholder until its scene is drawn.
(function () { "use strict"; window.ClassbridgeLab.register("osmosis-potato", {}); })();
