// photosynthesis-light: placeholder until its scene is drawn.
(function () { "use strict"; window.ClassbridgeLab.register("photosynthesis-light", {}); })();
