// snells-law: placeholder until its scene is drawn.
(function () { "use strict"; window.ClassbridgeLab.register("snells-law", {}); })();
