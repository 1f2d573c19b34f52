// classbridge virtual labs: the shared runtime of every lab page.
// Reads the page configuration (#lab-config), takes readings from the server's simulated instruments, keeps the
// readings table, draws the graph, submits the readings and the result, and shows the grade. A lab's own script
// registers drawing hooks with ClassbridgeLab.register(id, hooks). No inline code: the page runs under a strict CSP.
(function () {
  "use strict";

  var STRINGS = {
    en: {
      taking: "Taking a reading…",
      recorded: "Reading {n} recorded.",
      removed: "Reading {n} removed.",
      remove: "Remove",
      removeLabel: "Remove reading {n}",
      cellLabel: "Reading {n}: {name}",
      badSetup: "Set {name} to a number between its limits.",
      submitting: "Submitting your readings…",
      graded: "Graded: {score} out of 100.",
      noReadings: "Take at least one reading before you submit.",
      noResult: "Write your result as a number.",
      network: "The server could not be reached. Check the connection and try again.",
      refused: "The server refused this: {message}",
      expired: "This attempt has ended: its time is over. Your readings can no longer change.",
      forbidden: "This attempt is closed: you have no attempts left or the lab is not open to you now.",
      submitted: "This attempt has already been submitted: it is read-only now.",
      ended: "Time is over",
      readOnly: "This attempt is submitted and read-only.",
      graph: "{y} against {x}",
      minutes: "{m} min {s} s",
      hours: "{h} h {m} min"
    },
    ar: {
      taking: "جارٍ أخذ القراءة…",
      recorded: "سُجِّلت القراءة {n}.",
      removed: "حُذفت القراءة {n}.",
      remove: "احذف",
      removeLabel: "احذف القراءة {n}",
      cellLabel: "القراءة {n}: {name}",
      badSetup: "اضبط {name} على عدد ضمن حدوده.",
      submitting: "جارٍ إرسال قراءاتك…",
      graded: "التقييم: {score} من 100.",
      noReadings: "خذ قراءة واحدة على الأقل قبل الإرسال.",
      noResult: "اكتب نتيجتك عددًا.",
      network: "تعذّر الوصول إلى الخادم. تحقّق من الاتصال وحاول مرة أخرى.",
      refused: "رفض الخادم ذلك: {message}",
      expired: "انتهت هذه المحاولة: انقضى وقتها ولم يعد ممكنًا تغيير قراءاتك.",
      forbidden: "هذه المحاولة مغلقة: لم تبقَ لك محاولات أو أن المختبر غير متاح لك الآن.",
      submitted: "سبق إرسال هذه المحاولة: أصبحت للقراءة فقط.",
      ended: "انتهى الوقت",
      readOnly: "أُرسلت هذه المحاولة وهي للقراءة فقط.",
      graph: "{y} مقابل {x}",
      minutes: "{m} د {s} ث",
      hours: "{h} س {m} د"
    }
  };

  var labs = {};
  var api = {
    register: function (id, hooks) { labs[id] = hooks; },
    svg: svg,
    text: function (pair) { return pair[state.lang] || pair.en; },
    number: parseNumber
  };
  window.ClassbridgeLab = api;

  var state = { lang: "en", config: null, rows: [], locked: false, busy: false, hooks: {}, last: null };

  function t(key, values) {
    var text = (STRINGS[state.lang] || STRINGS.en)[key] || STRINGS.en[key];
    Object.keys(values || {}).forEach(function (name) { text = text.split("{" + name + "}").join(values[name]); });
    return text;
  }

  function $(id) { return document.getElementById(id); }

  /** A number typed by the student: Arabic-Indic digits, the Arabic decimal separator and a decimal comma too. */
  function parseNumber(value) {
    if (typeof value === "number") { return value; }
    var text = String(value == null ? "" : value).trim()
      .replace(/[\u0660-\u0669]/g, function (d) { return String(d.charCodeAt(0) - 0x0660); })
      .replace(/[\u06f0-\u06f9]/g, function (d) { return String(d.charCodeAt(0) - 0x06f0); })
      .replace(/\u066b/g, ".").replace(/,/g, ".").replace(/\u2212/g, "-");
    if (text === "" || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) { return NaN; }
    return Number(text);
  }

  /** The value to send: a number when it reads as one, the text otherwise (the server names what is wrong). */
  function sendable(value) {
    var number = parseNumber(value);
    return isNaN(number) ? String(value) : number;
  }

  function svg(tag, attributes, parent) {
    var element = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attributes || {}).forEach(function (name) { element.setAttribute(name, attributes[name]); });
    if (parent) { parent.appendChild(element); }
    return element;
  }

  function status(message, kind) {
    var box = $("lab-status");
    box.textContent = message;
    box.className = "status" + (kind ? " status-" + kind : "");
  }

  function bench() { return state.config.bench || { controls: [], measured: [], results: [], plot: [] }; }

  function currentSetup() {
    var setup = {};
    bench().controls.forEach(function (control) {
      setup[control.name] = parseNumber($("setup-" + control.name).value);
    });
    return setup;
  }

  function callHook(name, args) {
    var hook = state.hooks[name];
    if (typeof hook === "function") {
      try { hook.apply(state.hooks, args); } catch (error) { if (window.console) { window.console.error(error); } }
    }
  }

  function context() {
    return { scene: $("lab-scene"), lang: state.lang, config: state.config, apparatus: state.config.apparatus || {} };
  }

  // ---- set-up controls ---------------------------------------------------------------------------------------
  function linkControls() {
    bench().controls.forEach(function (control) {
      var input = $("setup-" + control.name);
      var slider = $("setup-" + control.name + "-slider");
      if (slider) {
        slider.addEventListener("input", function () { input.value = slider.value; changed(); });
        input.addEventListener("input", function () {
          var value = parseNumber(input.value);
          if (!isNaN(value)) { slider.value = String(value); }
          changed();
        });
      } else {
        input.addEventListener("change", changed);
      }
    });
    $("setup").addEventListener("submit", function (event) { event.preventDefault(); takeReading(); });
  }

  function changed() { callHook("update", [context(), currentSetup(), state.last]); }

  // ---- readings ----------------------------------------------------------------------------------------------
  /** A stored observation as a table row: {setup, reading} pairs or flat readings both work. */
  function asRow(observation) {
    var row = {};
    var parts = observation && observation.reading ? [observation.setup || {}, observation.reading] : [observation || {}];
    parts.forEach(function (part) { Object.keys(part).forEach(function (name) { row[name] = part[name]; }); });
    return row;
  }

  function takeReading() {
    if (state.locked || state.busy) { return; }
    var setup = currentSetup();
    var bad = bench().controls.filter(function (control) { return isNaN(setup[control.name]); })[0];
    if (bad) {
      status(t("badSetup", { name: bad.label }), "error");
      $("setup-" + bad.name).focus();
      return;
    }
    state.busy = true;
    $("take-reading").disabled = true;
    status(t("taking"));
    post(state.config.observe_url, { setup: setup }).then(function (answer) {
      var row = asRow({ setup: setup, reading: answer.reading || {} });
      state.rows.push(row);
      state.last = row;
      showMeters(row);
      renderRows();
      status(t("recorded", { n: state.rows.length }), "ok");
      callHook("reading", [context(), setup, row]);
    }).catch(failed).then(function () {
      state.busy = false;
      if (!state.locked) { $("take-reading").disabled = false; }
    });
  }

  function showMeters(row) {
    bench().measured.forEach(function (measured) {
      var meter = $("meter-" + measured.name);
      if (meter && row[measured.name] != null) { meter.textContent = String(row[measured.name]); }
    });
  }

  function renderRows() {
    var body = $("readings").tBodies[0];
    while (body.firstChild) { body.removeChild(body.firstChild); }
    state.rows.forEach(function (row, index) {
      var tr = document.createElement("tr");
      var number = document.createElement("th");
      number.scope = "row";
      number.textContent = String(index + 1);
      tr.appendChild(number);
      bench().controls.forEach(function (control) {
        var cell = document.createElement("td");
        cell.textContent = row[control.name] == null ? "" : String(row[control.name]);
        cell.dataset.name = control.name;
        tr.appendChild(cell);
      });
      bench().measured.forEach(function (measured) {
        var cell = document.createElement("td");
        var input = document.createElement("input");
        input.type = "text";
        input.inputMode = "decimal";
        input.id = "reading-" + index + "-" + measured.name;
        input.value = row[measured.name] == null ? "" : String(row[measured.name]);
        input.disabled = state.locked;
        input.setAttribute("aria-label", t("cellLabel", { n: index + 1, name: measured.label }));
        input.addEventListener("change", function () { row[measured.name] = input.value; drawPlot(); });
        cell.appendChild(input);
        tr.appendChild(cell);
      });
      var actions = document.createElement("td");
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "remove";
      remove.textContent = t("remove");
      remove.disabled = state.locked;
      remove.setAttribute("aria-label", t("removeLabel", { n: index + 1 }));
      remove.addEventListener("click", function () {
        state.rows.splice(index, 1);
        renderRows();
        status(t("removed", { n: index + 1 }));
        var buttons = $("readings").querySelectorAll("button.remove");
        (buttons[Math.min(index, buttons.length - 1)] || $("take-reading")).focus();
      });
      actions.appendChild(remove);
      tr.appendChild(actions);
      body.appendChild(tr);
    });
    drawPlot();
  }

  // ---- graph -------------------------------------------------------------------------------------------------
  /** An axis's label: a column's, or "a − b" for an axis that is the difference of two columns ("a-b"). */
  function labelOf(spec) {
    var all = bench().controls.concat(bench().measured);
    var names = spec.split("-");
    var found = names.map(function (name) { return all.filter(function (item) { return item.name === name; })[0]; });
    if (!found[0]) { return spec; }
    var text = found.map(function (item, index) { return item ? item.label : names[index]; }).join(" − ");
    return text + (found[0].unit ? " (" + found[0].unit + ")" : "");
  }

  /** An axis's value in a row: a column, or the difference of two ("a-b"). */
  function axisValue(row, spec) {
    var names = spec.split("-");
    var value = parseNumber(row[names[0]]);
    return names[1] ? value - parseNumber(row[names[1]]) : value;
  }

  function drawPlot() {
    var canvas = $("plot");
    var axes = bench().plot;
    if (!canvas || !canvas.getContext || !axes || axes.length < 2) { return; }
    var ctx = canvas.getContext("2d");
    var width = canvas.width, height = canvas.height, pad = 48;
    var points = state.rows.map(function (row) { return [axisValue(row, axes[0]), axisValue(row, axes[1])]; })
      .filter(function (p) { return isFinite(p[0]) && isFinite(p[1]); });
    var maxX = Math.max.apply(null, [0].concat(points.map(function (p) { return p[0]; })));
    var maxY = Math.max.apply(null, [0].concat(points.map(function (p) { return p[1]; })));
    var minX = Math.min.apply(null, [0].concat(points.map(function (p) { return p[0]; })));
    var minY = Math.min.apply(null, [0].concat(points.map(function (p) { return p[1]; })));
    if (maxX === minX) { maxX = minX + 1; }
    if (maxY === minY) { maxY = minY + 1; }
    ctx.clearRect(0, 0, width, height);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, width, height);
    ctx.strokeStyle = "#1f2933";
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(pad, pad / 2);
    ctx.lineTo(pad, height - pad);
    ctx.lineTo(width - pad / 2, height - pad);
    ctx.stroke();
    ctx.fillStyle = "#1f2933";
    ctx.font = "14px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.fillText(labelOf(axes[0]), width / 2, height - 12);
    ctx.save();
    ctx.translate(16, height / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(labelOf(axes[1]), 0, 0);
    ctx.restore();
    ctx.font = "12px system-ui, sans-serif";
    ctx.fillText(format(maxX), width - pad / 2 - 10, height - pad + 16);
    ctx.fillText(format(minX), pad, height - pad + 16);
    ctx.textAlign = "end";
    ctx.fillText(format(maxY), pad - 4, pad / 2 + 10);
    ctx.fillText(format(minY), pad - 4, height - pad);
    ctx.fillStyle = "#0b6bcb";
    points.forEach(function (p) {
      var x = pad + (p[0] - minX) / (maxX - minX) * (width - 1.5 * pad);
      var y = height - pad - (p[1] - minY) / (maxY - minY) * (height - 1.5 * pad);
      ctx.beginPath();
      ctx.arc(x, y, 4, 0, 2 * Math.PI);
      ctx.fill();
    });
    canvas.setAttribute("aria-label", t("graph", { x: labelOf(axes[0]), y: labelOf(axes[1]) }));
  }

  function format(value) { return String(Math.round(value * 1000) / 1000); }

  // ---- submitting and the grade ------------------------------------------------------------------------------
  function submit() {
    if (state.locked || state.busy) { return; }
    if (!state.rows.length) { status(t("noReadings"), "error"); $("take-reading").focus(); return; }
    var result = {};
    var missing = null;
    bench().results.forEach(function (name) {
      var input = $("result-" + name);
      if (isNaN(parseNumber(input.value)) && !missing) { missing = input; }
      result[name] = sendable(input.value);
      result[name + "_unit"] = $("result-" + name + "_unit").value;
    });
    if (missing) { status(t("noResult"), "error"); missing.focus(); return; }
    var names = bench().controls.concat(bench().measured).map(function (item) { return item.name; });
    var readings = state.rows.map(function (row) {
      var reading = {};
      names.forEach(function (name) { reading[name] = sendable(row[name]); });
      return reading;
    });
    state.busy = true;
    $("submit").disabled = true;
    status(t("submitting"));
    post(state.config.submit_url, { readings: readings, result: result }).then(function (answer) {
      if (answer.attempts_left != null) { $("attempts-left").textContent = String(answer.attempts_left); }
      showGrade(answer);
      lock(null);
      status(t("graded", { score: answer.score }), "ok");
      $("grade").focus();
    }).catch(failed).then(function () {
      state.busy = false;
      if (!state.locked) { $("submit").disabled = false; }
    });
  }

  function showGrade(grade) {
    var section = $("grade");
    section.hidden = false;
    section.tabIndex = -1;
    $("score").textContent = grade.score + " / 100";
    var list = $("rubric");
    while (list.firstChild) { list.removeChild(list.firstChild); }
    (grade.lines || []).forEach(function (line) {
      var item = document.createElement("li");
      var criterion = document.createElement("span");
      criterion.className = "criterion";
      criterion.textContent = state.lang === "ar" ? line.criterion_ar : line.criterion_en;
      var marks = document.createElement("span");
      marks.className = "marks";
      marks.textContent = line.earned + " / " + line.possible;
      var comment = document.createElement("p");
      comment.className = "comment";
      comment.textContent = state.lang === "ar" ? line.comment_ar : line.comment_en;
      item.appendChild(criterion);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(marks);
      item.appendChild(comment);
      list.appendChild(item);
    });
    $("lab-root").dataset.state = "submitted";
  }

  /** Makes the page read-only, with a message when there is one. */
  function lock(message) {
    state.locked = true;
    Array.prototype.forEach.call(document.querySelectorAll("#lab-root fieldset, #readings input, #readings button"),
      function (element) { element.disabled = true; });
    if (message) { status(message, "error"); }
  }

  // ---- the server ----------------------------------------------------------------------------------------------
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "accept": "application/json", "x-csrf-token": state.config.csrf_token },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : null; } catch (ignored) { json = null; }
        if (response.ok) { return json || {}; }
        var error = new Error("HTTP " + response.status);
        error.status = response.status;
        error.body = json;
        error.text = text;
        throw error;
      });
    });
  }

  function describe(body, text) {
    if (!body) { return text || ""; }
    var parts = [];
    var errors = body.errors || body.details || body.fields;
    if (Array.isArray(errors)) {
      errors.forEach(function (e) { parts.push((e.path || e.field || "") + (e.message ? ": " + e.message : "")); });
    } else if (errors && typeof errors === "object") {
      Object.keys(errors).forEach(function (path) { parts.push(path + ": " + errors[path]); });
    }
    if (!parts.length) { parts.push(body.message || body.error || body.detail || text || ""); }
    return parts.join("; ");
  }

  function failed(error) {
    if (error && error.status === 410) { lock(t("expired")); return; }
    if (error && error.status === 409) { lock(t("submitted")); return; }
    if (error && error.status === 403) { lock(t("forbidden")); return; }
    if (error && error.status) { status(t("refused", { message: describe(error.body, error.text) }), "error"); return; }
    status(t("network"), "error");
  }

  // ---- the clock ---------------------------------------------------------------------------------------------
  /** The attempt's end in the reader's language and time zone. */
  function showEnd() {
    var ends = Date.parse(state.config.expires_at);
    var box = $("expires-at");
    if (isNaN(ends) || !box || !window.Intl) { return; }
    try {
      box.textContent = new Date(ends).toLocaleString(state.lang === "ar" ? "ar" : "en-GB",
        { dateStyle: "medium", timeStyle: "short" });
    } catch (ignored) { /* keep the RFC 3339 text */ }
  }

  function tick() {
    var ends = Date.parse(state.config.expires_at);
    var box = $("time-left");
    if (isNaN(ends) || !box) { return; }
    var left = Math.max(0, Math.floor((ends - Date.now()) / 1000));
    if (left >= 3600) {
      box.textContent = t("hours", { h: Math.floor(left / 3600), m: Math.floor(left % 3600 / 60) });
    } else {
      box.textContent = left > 0 ? t("minutes", { m: Math.floor(left / 60), s: left % 60 }) : t("ended");
    }
    if (left <= 0 && !state.locked) { lock(t("expired")); }
  }

  // ---- start -----------------------------------------------------------------------------------------------
  function start() {
    var node = $("lab-config");
    if (!node) { return; }
    state.config = JSON.parse(node.textContent);
    state.lang = state.config.lang === "ar" ? "ar" : "en";
    state.hooks = labs[state.config.lab] || {};
    state.rows = (state.config.readings || []).map(asRow);
    state.last = state.rows.length ? state.rows[state.rows.length - 1] : null;
    callHook("init", [context(), currentSetup()]);
    if (!$("setup")) { return; }
    linkControls();
    $("result-form").addEventListener("submit", function (event) { event.preventDefault(); submit(); });
    if (state.last) { showMeters(state.last); }
    renderRows();
    changed();
    showEnd();
    if (state.config.grade) {
      showGrade(state.config.grade);
      lock(null);
      status(t("readOnly"));
    } else {
      tick();
      window.setInterval(tick, 1000);
    }
  }

  // Deferred lab scripts register after this runtime and before DOMContentLoaded: start then.
  if (document.readyState === "complete") {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
