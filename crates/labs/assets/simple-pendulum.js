// simple-pendulum: placeholder until its scene is drawn.
(function () { "use strict"; window.ClassbridgeLab.register("simple-pendulum", {}); })();
