/*
 * Account Expansion Signals: the app's only script besides vendored htmx.
 *
 * Runs under CSP script-src 'self': no inline scripts, no eval, no hx-on.
 * Every page works without it; it adds keyboard shortcuts, keeps the queue's
 * selected row in step with the detail pane, reveals the decision forms, and
 * shows toast messages sent by the server as HX-Trigger: {"showMessage": {...}}.
 *
 * Load it in <head> without defer (it is small): the first line marks the
 * document as scripted before the body renders, so decision forms that CSS
 * hides under .js never flash open. Everything else uses event delegation on
 * document, so content swapped in by htmx needs no re-binding.
 */
(function () {
  "use strict";

  var doc = document;
  doc.documentElement.classList.add("js");

  var TOAST_MS = { success: 5000, info: 6000, error: 12000 };

  /* ---------------------------------------------------------------- helpers */

  function toArray(list) {
    return Array.prototype.slice.call(list);
  }

  function isVisible(el) {
    return !!(el && el.getClientRects().length);
  }

  function isTyping(el) {
    if (!el || !el.tagName) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function detailPane() {
    return doc.getElementById("detail");
  }

  /* ------------------------------------------------------- queue selection */

  function queueRows() {
    return toArray(doc.querySelectorAll("[data-queue-row]"));
  }

  function rowLink(row) {
    return row.querySelector("[data-row-link]") || row.querySelector("a[href]");
  }

  function selectedRow() {
    return doc.querySelector("[data-queue-row].is-selected");
  }

  function markSelected(row) {
    queueRows().forEach(function (r) {
      var on = r === row;
      r.classList.toggle("is-selected", on);
      var link = rowLink(r);
      if (!link) return;
      if (on) link.setAttribute("aria-current", "true");
      else link.removeAttribute("aria-current");
    });
  }

  function moveSelection(step) {
    var rows = queueRows();
    if (!rows.length) return;
    var current = selectedRow();
    var i = rows.indexOf(current);
    var next = i === -1 ? (step > 0 ? 0 : rows.length - 1) : i + step;
    next = Math.max(0, Math.min(rows.length - 1, next));
    var row = rows[next];
    if (row === current) return;
    markSelected(row);
    row.scrollIntoView({ block: "nearest" });
    var link = rowLink(row);
    if (!link) return;
    link.focus({ preventScroll: true });
    // On a narrow screen the detail is its own page: j/k only move, Enter opens.
    if (isVisible(detailPane())) link.click();
  }

  // After any swap or history change, the selected row is the one whose
  // candidate the detail pane shows (data-candidate-id), else the one whose
  // link matches the current URL.
  function syncSelection() {
    var rows = queueRows();
    if (!rows.length) return;
    var shown = doc.querySelector("#detail [data-candidate-id]");
    if (shown) {
      markSelected(doc.getElementById("candidate-" + shown.getAttribute("data-candidate-id")));
      return;
    }
    var path = window.location.pathname;
    for (var i = 0; i < rows.length; i++) {
      var link = rowLink(rows[i]);
      if (link && new URL(link.getAttribute("href"), window.location.href).pathname === path) {
        markSelected(rows[i]);
        return;
      }
    }
  }

  /* ------------------------------------------------ decision form reveal */
  // <button data-reveal aria-controls="decide-approve-42" aria-expanded="false">
  // inside [data-reveal-group]; the controlled form gets .is-open.

  function revealButtons(scope) {
    return toArray((scope || doc).querySelectorAll("[data-reveal]"));
  }

  function panelFor(button) {
    var id = button.getAttribute("aria-controls");
    return id ? doc.getElementById(id) : null;
  }

  function focusFirstField(panel) {
    var field = panel.querySelector(
      "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])"
    );
    (field || panel).focus({ preventScroll: true });
    panel.scrollIntoView({ block: "nearest" });
  }

  function setOpen(button, open) {
    var group = button.closest("[data-reveal-group]") || doc;
    revealButtons(group).forEach(function (b) {
      var on = open && b === button;
      b.setAttribute("aria-expanded", on ? "true" : "false");
      var panel = panelFor(b);
      if (panel) panel.classList.toggle("is-open", on);
    });
    var panel = panelFor(button);
    if (open && panel) focusFirstField(panel);
  }

  function openRevealButton() {
    return revealButtons().filter(function (b) {
      return b.getAttribute("aria-expanded") === "true" && isVisible(b);
    })[0];
  }

  function shortcutButton(key) {
    return toArray(doc.querySelectorAll('[data-shortcut="' + key + '"]')).filter(isVisible)[0];
  }

  function runShortcut(key) {
    var button = shortcutButton(key);
    if (!button) return false;
    if (button.hasAttribute("data-reveal")) {
      if (button.getAttribute("aria-expanded") === "true") {
        var panel = panelFor(button);
        if (panel) focusFirstField(panel);
      } else {
        setOpen(button, true);
      }
    } else {
      button.focus();
      button.click();
    }
    return true;
  }

  /* ------------------------------------------------------------- dialogs */

  function toggleDialog(id) {
    var dialog = doc.getElementById(id);
    if (!dialog || typeof dialog.showModal !== "function") return;
    if (dialog.open) dialog.close();
    else dialog.showModal();
  }

  /* ------------------------------------------------------------- evidence */
  // Evidence chips (a.ev href="#ev-ID") open the item's <details> and mark it.

  function showEvidence(id) {
    var item = id && doc.getElementById(id);
    if (!item) return false;
    var details = item.tagName === "DETAILS" ? item : item.querySelector("details");
    if (details) details.open = true;
    item.classList.remove("is-flash");
    void item.offsetWidth; // restart the animation
    item.classList.add("is-flash");
    item.scrollIntoView({ block: "center", behavior: "smooth" });
    var summary = item.querySelector("summary");
    if (summary) summary.focus({ preventScroll: true });
    return true;
  }

  /* --------------------------------------------------------------- toasts */

  function toastRegion() {
    var region = doc.getElementById("toasts");
    if (!region) {
      region = doc.createElement("div");
      region.id = "toasts";
      region.className = "toasts";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      doc.body.appendChild(region);
    }
    return region;
  }

  function dismissToast(toast) {
    if (!toast || toast.classList.contains("is-leaving")) return;
    toast.classList.add("is-leaving");
    window.setTimeout(function () {
      if (toast.parentNode) toast.parentNode.removeChild(toast);
    }, 200);
  }

  function scheduleToast(toast) {
    var level = toast.getAttribute("data-level") || "info";
    var ms = TOAST_MS[level] || TOAST_MS.info;
    var timer = window.setTimeout(function () { dismissToast(toast); }, ms);
    // Hovering or focusing a toast keeps it until the pointer or focus leaves.
    toast.addEventListener("mouseenter", function () { window.clearTimeout(timer); });
    toast.addEventListener("focusin", function () { window.clearTimeout(timer); });
    toast.addEventListener("mouseleave", function () {
      timer = window.setTimeout(function () { dismissToast(toast); }, 2500);
    });
  }

  function csrfHeaders() {
    try {
      return JSON.parse(doc.body.getAttribute("hx-headers") || "{}");
    } catch (err) {
      return {};
    }
  }

  // The Undo button of a decision's toast: it posts to the candidate's undo URL while
  // the window lasts, then disappears. The countdown pauses while the toast is hovered
  // or has focus (reading it, or reaching it by keyboard, must not cost the chance);
  // the server keeps its own window (UNDO_SECONDS plus a short grace) and refuses a
  // late undo, so past that the button says it is too late instead of pretending.
  var UNDO_GRACE_MS = 5000;

  function addUndo(toast, undo) {
    var total = (undo.seconds || 10) * 1000;
    var serverDeadline = Date.now() + total + UNDO_GRACE_MS;
    var remaining = total;
    var startedAt = Date.now();
    var hovered = false;
    var focused = false;
    var timer = null;

    var button = doc.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm toast-undo";
    button.textContent = "Undo";
    var countdown = doc.createElement("span");
    countdown.className = "toast-countdown";
    countdown.setAttribute("aria-hidden", "true");

    function left() {
      return timer === null ? remaining : Math.max(0, remaining - (Date.now() - startedAt));
    }

    function render() {
      if (Date.now() > serverDeadline) {
        button.disabled = true;
        button.textContent = "Too late to undo";
        countdown.textContent = "";
        return;
      }
      var secs = Math.ceil(left() / 1000);
      countdown.textContent = timer === null ? "paused" : secs + " s";
      toast.setAttribute("data-undo-left", String(secs));
    }

    function run() {
      if (timer !== null || !toast.parentNode) return;
      startedAt = Date.now();
      timer = window.setTimeout(function () { dismissToast(toast); }, remaining);
      render();
    }

    function pause() {
      if (timer === null) return;
      remaining = left();
      window.clearTimeout(timer);
      timer = null;
      toast.classList.add("is-paused");
      render();
    }

    function maybeRun() {
      if (hovered || focused) return;
      toast.classList.remove("is-paused");
      run();
    }

    toast.addEventListener("mouseenter", function () { hovered = true; pause(); });
    toast.addEventListener("mouseleave", function () { hovered = false; maybeRun(); });
    toast.addEventListener("focusin", function () { focused = true; pause(); });
    toast.addEventListener("focusout", function (e) {
      if (e.relatedTarget && toast.contains(e.relatedTarget)) return;
      focused = false;
      maybeRun();
    });
    var ticker = window.setInterval(function () {
      if (!toast.parentNode) { window.clearInterval(ticker); return; }
      render();
    }, 250);

    button.addEventListener("click", function () {
      if (button.disabled) return;
      button.disabled = true;
      pause();
      window.htmx.ajax("POST", undo.url, {
        source: button, target: "#detail", swap: "innerHTML",
        values: { version: String(undo.version) }, headers: csrfHeaders()
      });
      // Leave the source element in the page until the request is on its way.
      window.setTimeout(function () { dismissToast(toast); }, 1000);
    });
    toast.insertBefore(button, toast.lastChild);
    toast.insertBefore(countdown, toast.lastChild);
    run();
  }

  function showToast(level, text, undo) {
    if (!TOAST_MS[level]) level = "info";
    // A success replaces the errors shown before it: they are about the earlier attempt.
    if (level === "success") {
      toArray(toastRegion().querySelectorAll(".toast-error")).forEach(dismissToast);
    }
    // The same message twice in a row (say, a key held down) shows once.
    toArray(toastRegion().querySelectorAll(".toast")).forEach(function (t) {
      if (t.getAttribute("data-text") === text) dismissToast(t);
    });
    var toast = doc.createElement("div");
    toast.className = "toast toast-" + level;
    toast.setAttribute("data-level", level);
    toast.setAttribute("data-text", text);

    var body = doc.createElement("p");
    body.className = "toast-text";
    if (level === "error") {
      var lead = doc.createElement("strong");
      lead.className = "toast-level";
      lead.textContent = "Error: ";
      body.appendChild(lead);
    }
    body.appendChild(doc.createTextNode(text)); // text, never markup

    var close = doc.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", "Dismiss message");
    close.textContent = "\u00d7";

    toast.appendChild(body);
    toast.appendChild(close);
    toastRegion().appendChild(toast);
    if (undo && undo.url && window.htmx) addUndo(toast, undo);
    else scheduleToast(toast);
  }

  // HX-Trigger: {"showMessage": {"level": "success", "text": "Approved."}}
  // htmx passes an object value as the event detail; a plain string arrives
  // as detail.value.
  doc.addEventListener("showMessage", function (e) {
    var d = e.detail || {};
    if (typeof d.value === "string") d = { text: d.value };
    else if (d.value && typeof d.value === "object") d = d.value;
    if (d.text) showToast(d.level, String(d.text), d.undo);
  });

  // After an undo the candidate is back: reload the list (and its counts) with the
  // filters the owner has set.
  doc.addEventListener("queueChanged", function () {
    var form = doc.getElementById("queue-filters");
    if (!form || !doc.getElementById("queue-list") || !window.htmx) return;
    var query = new URLSearchParams(new FormData(form)).toString();
    window.htmx.ajax("GET", form.getAttribute("action") + "?" + query, { target: "#queue-list", swap: "outerHTML" });
  });

  function serverSentMessage(xhr) {
    var header = xhr && xhr.getResponseHeader && xhr.getResponseHeader("HX-Trigger");
    return !!(header && header.indexOf("showMessage") !== -1);
  }

  // A failed request leaves the page (and any form) as it was; say what failed.
  doc.addEventListener("htmx:responseError", function (e) {
    var xhr = e.detail && e.detail.xhr;
    if (serverSentMessage(xhr)) return;
    var status = xhr ? xhr.status : 0;
    var what = status === 403 ? "You don't have permission to do that"
      : status === 404 ? "That item no longer exists"
      : status === 409 ? "Someone else changed this candidate; reload to see the latest"
      : "The server could not complete the request (" + status + ")";
    showToast("error", what + (isWrite(e) ? ". Nothing was saved; your form is kept." : "."));
    syncSelection(); // the pane still shows the old candidate
  });

  doc.addEventListener("htmx:sendError", function (e) {
    showToast("error", "Could not reach the server. Check your connection and try again" +
      (isWrite(e) ? "; nothing was saved and your form is kept." : "."));
    syncSelection();
  });

  function isWrite(e) {
    var cfg = e.detail && e.detail.requestConfig;
    return !!(cfg && cfg.verb && cfg.verb.toLowerCase() !== "get");
  }

  /* ------------------------------------------------------ htmx integration */

  // Links that swap into #detail open as a normal page when the pane is
  // hidden (narrow screens), so the detail becomes its own page.
  doc.addEventListener("htmx:confirm", function (e) {
    var elt = e.detail && e.detail.elt;
    if (!elt || elt.getAttribute("hx-target") !== "#detail") return;
    if (isVisible(detailPane())) return;
    var href = elt.getAttribute("href");
    if (!href) return;
    e.preventDefault();
    window.location.assign(href);
  });

  doc.addEventListener("htmx:afterSwap", syncSelection);
  doc.addEventListener("htmx:pushedIntoHistory", syncSelection);
  doc.addEventListener("htmx:historyRestore", syncSelection);
  window.addEventListener("popstate", function () { window.setTimeout(syncSelection, 0); });

  /* ---------------------------------------------------------------- clicks */

  doc.addEventListener("click", function (e) {
    var target = e.target;
    if (!(target instanceof Element)) return;

    var rowLinkEl = target.closest("[data-queue-row] [data-row-link]");
    if (rowLinkEl) {
      markSelected(rowLinkEl.closest("[data-queue-row]"));
      return;
    }

    var reveal = target.closest("[data-reveal]");
    if (reveal) {
      e.preventDefault();
      setOpen(reveal, reveal.getAttribute("aria-expanded") !== "true");
      return;
    }

    var cancel = target.closest("[data-reveal-cancel]");
    if (cancel) {
      e.preventDefault();
      var open = openRevealButton();
      if (open) {
        setOpen(open, false);
        open.focus();
      }
      return;
    }

    var chip = target.closest('a.ev[href^="#"]');
    if (chip && showEvidence(chip.getAttribute("href").slice(1))) {
      e.preventDefault();
      return;
    }

    var opener = target.closest("[data-open-dialog]");
    if (opener) {
      e.preventDefault();
      toggleDialog(opener.getAttribute("data-open-dialog"));
      return;
    }

    var preset = target.closest("[data-set-date]");
    if (preset) {
      var input = doc.getElementById(preset.getAttribute("data-for"));
      if (input) {
        input.value = preset.getAttribute("data-set-date");
        input.focus();
      }
      return;
    }

    if (target.closest("[data-print]")) {
      e.preventDefault();
      window.print();
      return;
    }

    var close = target.closest(".toast-close");
    if (close) dismissToast(close.closest(".toast"));
  });

  /* -------------------------------------------------------------- counters */
  // <span class="counter" data-counter-for="ID">: "12 / 2,000" under a limited field.

  doc.addEventListener("input", function (e) {
    var field = e.target;
    if (!(field instanceof Element) || !field.id) return;
    var counter = doc.querySelector('[data-counter-for="' + field.id + '"]');
    if (!counter) return;
    var limit = parseInt(field.getAttribute("maxlength"), 10);
    var used = field.value.length;
    counter.textContent = used.toLocaleString("en") + " / " + limit.toLocaleString("en");
    counter.classList.toggle("is-near", used >= limit * 0.9 && used <= limit);
    counter.classList.toggle("is-over", used > limit);
  });

  /* -------------------------------------------------------------- keyboard */

  doc.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    var key = e.key;
    var dialogOpen = doc.querySelector("dialog[open]");

    if (key === "Escape") {
      if (dialogOpen) return; // <dialog> closes itself
      var open = openRevealButton();
      if (open) {
        e.preventDefault();
        setOpen(open, false);
        open.focus();
      }
      return;
    }

    if (isTyping(e.target)) return;

    if (key === "?") {
      if (!doc.getElementById("shortcut-help")) return;
      e.preventDefault();
      toggleDialog("shortcut-help");
      return;
    }

    if (dialogOpen) return;

    if (key === "j" || key === "k") {
      if (!queueRows().length) return;
      e.preventDefault();
      moveSelection(key === "j" ? 1 : -1);
    } else if (key === "a" || key === "r" || key === "d") {
      // preventDefault keeps the letter out of the field that gets focus.
      if (runShortcut(key)) e.preventDefault();
    }
  });

  /* ------------------------------------------------------------- bulk bar */

  // The queue's bulk-action bar stays out of the way until a row is selected, then
  // says how many are; only the field the chosen action needs is shown. Without
  // JavaScript the bar is simply always there.
  function syncBulkBar() {
    var bar = doc.querySelector("[data-bulk-bar]");
    if (!bar) return;
    var boxes = toArray(doc.querySelectorAll('input[type=checkbox][name=ids][form="bulk-form"]'));
    var n = boxes.filter(function (b) { return b.checked; }).length;
    var was = bar.classList.contains("is-active");
    bar.classList.toggle("is-active", n > 0);
    bar.hidden = n === 0;
    var count = bar.querySelector("[data-bulk-count]");
    if (count) count.textContent = n ? n + " selected" : "";
    var clear = bar.querySelector("[data-bulk-clear]");
    if (clear) clear.hidden = n === 0;
    var action = bar.querySelector("select[name=bulk_action]");
    toArray(bar.querySelectorAll("[data-bulk-for]")).forEach(function (f) {
      f.hidden = !action || (action.value !== "" && f.getAttribute("data-bulk-for") !== action.value);
    });
    if (was && !n && bar.contains(doc.activeElement)) {
      var first = boxes[0];
      if (first) first.focus();
    }
  }

  doc.addEventListener("change", function (e) {
    var t = e.target;
    if (!t || !t.matches) return;
    if (t.matches('input[name=ids][form="bulk-form"]') || t.matches("[data-bulk-bar] select[name=bulk_action]")) {
      syncBulkBar();
    }
  });
  doc.addEventListener("click", function (e) {
    var clear = e.target.closest && e.target.closest("[data-bulk-clear]");
    if (!clear) return;
    toArray(doc.querySelectorAll('input[name=ids][form="bulk-form"]')).forEach(function (b) { b.checked = false; });
    syncBulkBar();
  });
  doc.addEventListener("htmx:afterSettle", syncBulkBar);
  // Back/forward restores checkbox states after load.
  window.addEventListener("pageshow", syncBulkBar);

  /* ------------------------------------------------ collapsible sections */

  // "Expand all" / "Collapse all" on the monthly review.
  doc.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-details-all]");
    if (!button) return;
    var open = button.getAttribute("data-details-all") === "open";
    toArray(doc.querySelectorAll("details.review-account")).forEach(function (d) {
      d.open = open;
    });
  });

  // Printing prints every account in full; the ones closed on screen close again after.
  var closedForPrint = [];
  window.addEventListener("beforeprint", function () {
    closedForPrint = toArray(doc.querySelectorAll("details.review-account:not([open])"));
    closedForPrint.forEach(function (d) {
      d.open = true;
    });
  });
  window.addEventListener("afterprint", function () {
    closedForPrint.forEach(function (d) {
      d.open = false;
    });
    closedForPrint = [];
  });

  /* ------------------------------------------------------------------ init */

  // E-mail settings never saved: offer the browser's own time zone instead of UTC
  // (the server accepts only the zones in the list).
  function fillBrowserZone() {
    var box = doc.querySelector("[data-browser-zone]");
    if (!box || !window.Intl || !Intl.DateTimeFormat) return;
    var select = box.querySelector("select");
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var aliases = doc.getElementById("zone-aliases");
    if (zone && aliases) zone = JSON.parse(aliases.textContent)[zone] || zone;
    if (!select || !zone || zone === select.value) return;
    var known = toArray(select.options).some(function (o) {
      return o.value === zone;
    });
    if (!known) return;
    select.value = zone;
    var note = doc.querySelector(".browser-zone-note");
    if (note) note.hidden = false;
  }

  function init() {
    fillBrowserZone();
    syncSelection();
    syncBulkBar();
    toArray(doc.querySelectorAll("#toasts .toast")).forEach(scheduleToast);
    if (window.location.hash.indexOf("#ev-") === 0) showEvidence(window.location.hash.slice(1));
  }

  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", init);
  else init();
})();
