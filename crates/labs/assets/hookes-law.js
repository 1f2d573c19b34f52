// hookes-law: placeholder until its scene is drawn.
(function () { "use strict"; window.ClassbridgeLab.register("hookes-law", {}); })();
