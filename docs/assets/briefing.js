/* Popovers for figures in prose and for "Cite": the reading layer's only script.
 *
 * The markup works without this file: each button opens its native [popover]
 * (popovertarget), shown as a sheet at the foot of the screen, closed by Escape
 * or a tap outside (briefing/templates/figure.html, page_head.html). This script
 * turns each popover into a disclosure placed beside its button, inside the
 * viewport at any width, and adds what readers expect of it:
 *
 *   - opens on tap or click, on keyboard focus, and (figures) on mouse hover;
 *   - a second tap or click closes it, and so do a tap outside and Escape;
 *     Escape puts focus back on the button when focus was on it or inside;
 *   - stays open while the pointer moves from the figure into it (WCAG 1.4.13);
 *   - aria-expanded on the button says whether it is open.
 *
 * It is an external file (the Content-Security-Policy allows no unhashed inline
 * script) and only sets attributes and positions an element in the top layer,
 * so nothing in the page moves when it runs.
 */
(function () {
  "use strict";

  var MARGIN = 8;           // px kept free between a popover and the viewport's edges
  var GAP = 6;              // px between the button and its popover
  var HOVER_OPEN_MS = 150;  // a pointer passing over a figure does not open it
  var HOVER_CLOSE_MS = 300; // time to move the pointer from the figure into its popover

  var native = typeof HTMLElement !== "undefined" && HTMLElement.prototype.hasOwnProperty("popover");
  var current = null;       // {button, pop, via: "hover" | "focus" | "click"}
  var hoverTimer = 0;
  var restoringFocus = false;

  function isOpen(button) {
    return current !== null && current.button === button;
  }

  function place(button, pop) {
    var viewportWidth = document.documentElement.clientWidth;
    var viewportHeight = document.documentElement.clientHeight;
    var anchor = button.getBoundingClientRect();
    pop.style.maxHeight = (viewportHeight - 2 * MARGIN) + "px";
    var box = pop.getBoundingClientRect();
    var left = Math.min(Math.max(anchor.left, MARGIN), viewportWidth - box.width - MARGIN);
    var top = anchor.bottom + GAP;
    if (top + box.height > viewportHeight - MARGIN) {
      var above = anchor.top - GAP - box.height;
      top = above >= MARGIN ? above : Math.max(MARGIN, viewportHeight - MARGIN - box.height);
    }
    pop.style.left = Math.max(MARGIN, left) + "px";
    pop.style.top = top + "px";
  }

  function show(button, pop, via) {
    window.clearTimeout(hoverTimer);
    if (isOpen(button)) {
      if (via === "click") current.via = "click";
      return;
    }
    hide(false);
    if (native) pop.showPopover(); else pop.classList.add("pop--open");
    button.setAttribute("aria-expanded", "true");
    current = { button: button, pop: pop, via: via };
    place(button, pop);
  }

  function hide(restoreFocus) {
    window.clearTimeout(hoverTimer);
    if (current === null) return;
    var closing = current;
    current = null;
    var focusWasInside = closing.button === document.activeElement || closing.pop.contains(document.activeElement);
    if (native) closing.pop.hidePopover(); else closing.pop.classList.remove("pop--open");
    closing.button.setAttribute("aria-expanded", "false");
    if (restoreFocus && focusWasInside) {
      restoringFocus = true;  // focusing the button must not open it again
      closing.button.focus();
      restoringFocus = false;
    }
  }

  function later(action, delay) {
    window.clearTimeout(hoverTimer);
    hoverTimer = window.setTimeout(action, delay);
  }

  function enhance(button) {
    var pop = document.getElementById(button.getAttribute("popovertarget"));
    if (pop === null || !pop.classList.contains("pop")) return;
    // From here on this script decides when the popover shows; light dismiss is done below.
    button.removeAttribute("popovertarget");
    if (native) pop.popover = "manual";
    pop.classList.add("pop--anchored");
    pop.setAttribute("tabindex", "-1");  // a tap on its text keeps focus inside, so it stays open
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", pop.id);
    var hoverable = button.hasAttribute("data-pop-hover") || button.classList.contains("fig__value");

    button.addEventListener("click", function (event) {
      event.preventDefault();
      if (isOpen(button) && current.via === "click") hide(false);
      else show(button, pop, "click");
    });
    button.addEventListener("focus", function () {
      if (!restoringFocus) show(button, pop, "focus");
    });
    function focusLeaves(event) {
      var next = event.relatedTarget;
      if (isOpen(button) && current.via !== "hover" && !(next && (next === button || pop.contains(next)))) hide(false);
    }
    button.addEventListener("blur", focusLeaves);
    pop.addEventListener("focusout", focusLeaves);
    if (!hoverable) return;
    button.addEventListener("pointerenter", function (event) {
      if (event.pointerType !== "mouse") return;
      if (current !== null && current.via !== "hover" && !isOpen(button)) return;  // leave a chosen popover alone
      if (isOpen(button)) window.clearTimeout(hoverTimer);
      else later(function () { show(button, pop, "hover"); }, HOVER_OPEN_MS);
    });
    function pointerLeaves(event) {
      if (event.pointerType !== "mouse") return;
      if (isOpen(button) && current.via === "hover") later(function () { hide(false); }, HOVER_CLOSE_MS);
      else if (!isOpen(button)) window.clearTimeout(hoverTimer);
    }
    button.addEventListener("pointerleave", pointerLeaves);
    pop.addEventListener("pointerleave", pointerLeaves);
    pop.addEventListener("pointerenter", function () {
      if (isOpen(button)) window.clearTimeout(hoverTimer);
    });
  }

  document.addEventListener("pointerdown", function (event) {
    if (current !== null && !current.button.contains(event.target) && !current.pop.contains(event.target)) hide(false);
  }, true);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && current !== null) {
      event.stopPropagation();
      hide(true);
    }
  }, true);
  var queued = false;
  function follow() {
    if (current === null || queued) return;
    queued = true;
    window.requestAnimationFrame(function () {
      queued = false;
      if (current === null) return;
      var anchor = current.button.getBoundingClientRect();
      if (anchor.bottom < 0 || anchor.top > document.documentElement.clientHeight) hide(false);
      else place(current.button, current.pop);
    });
  }
  window.addEventListener("scroll", follow, { passive: true });
  window.addEventListener("resize", follow);

  // Material's drawer and search toggles lose autocomplete="off" (invalid on a checkbox,
  // hooks/markup_hooks.py): a page restored by Back starts with both closed all the same.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    var toggles = document.querySelectorAll("input.md-toggle[data-md-toggle]");
    for (var index = 0; index < toggles.length; index += 1) toggles[index].checked = false;
  });

  var buttons = document.querySelectorAll("button[popovertarget]");
  for (var index = 0; index < buttons.length; index += 1) enhance(buttons[index]);
})();
