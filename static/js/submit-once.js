// A form is sent once: after the first submit its buttons are disabled and any further
// submit (a double click, Enter pressed twice) is ignored until a new page arrives.
// The server also guards every "do once" action; this only spares people a confusing
// second request. GET forms (filters, downloads) may be sent again at any time.
//
// - The buttons are disabled a moment after the submit, not during it: a disabled
//   button's name and value would be left out of what is sent.
// - A form that someone else handles (htmx, a confirm dialog) is left alone.
// - Coming back to the page with the Back button (pageshow from the history cache)
//   makes the buttons work again; so does a response that never replaces the page
//   (a download), after a few seconds.
(function () {
  const RELEASE_AFTER_MS = 15000;

  function submitButtons(form) {
    return Array.from(form.elements).filter(function (element) {
      return element.type === "submit" || element.type === "image";
    });
  }

  const releaseTimers = new WeakMap();

  function release(form) {
    window.clearTimeout(releaseTimers.get(form));
    delete form.dataset.submitting;
    submitButtons(form).forEach(function (button) {
      if (!button.hasAttribute("data-submit-once-disabled")) return;
      button.removeAttribute("data-submit-once-disabled");
      button.removeAttribute("aria-busy");
      button.disabled = false;
    });
  }

  function lock(form) {
    submitButtons(form).forEach(function (button) {
      if (button.disabled) return;
      button.setAttribute("data-submit-once-disabled", "");
      button.setAttribute("aria-busy", "true");
      button.disabled = true;
    });
  }

  function guarded(form) {
    const target = form.getAttribute("target");
    return (
      form.method === "post" &&
      !form.hasAttribute("data-allow-resubmit") &&
      (!target || target === "_self")
    );
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented || !guarded(form)) {
      return;
    }
    if (form.dataset.submitting) {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "true";
    window.setTimeout(function () { lock(form); }, 0);
    releaseTimers.set(form, window.setTimeout(function () { release(form); }, RELEASE_AFTER_MS));
  });

  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-submitting]").forEach(release);
  });
})();
