// The people picker's keys and clicks (the combobox pattern of WAI-ARIA 1.2). htmx fills
// the listbox as the person types; this moves through it with the arrow keys, picks with
// Enter or a click, closes with Escape, and keeps the hidden id in step with the text.
(function () {
  "use strict";

  function parts(input) {
    const base = input.id.replace(/_search$/, "");
    return {
      hidden: document.getElementById(base),
      list: document.getElementById(base + "_listbox"),
      status: document.getElementById(base + "_status"),
    };
  }

  function options(list) {
    return Array.from(list.querySelectorAll('[role="option"]:not([aria-disabled="true"])'));
  }

  function close(input) {
    const { list } = parts(input);
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function choose(input, option) {
    const { hidden, status } = parts(input);
    hidden.value = option.dataset.value;
    input.value = option.dataset.label;
    if (status) status.textContent = option.dataset.label + " chosen";
    close(input);
    hidden.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function activate(input, step) {
    const { list } = parts(input);
    const items = options(list);
    if (!items.length) return;
    const current = items.findIndex((o) => o.id === input.getAttribute("aria-activedescendant"));
    const next = items[(current + step + items.length) % items.length];
    items.forEach((o) => {
      o.classList.toggle("active", o === next);
      o.setAttribute("aria-selected", String(o === next));
    });
    input.setAttribute("aria-activedescendant", next.id);
    next.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    const list = event.detail.target;
    if (!list.matches || !list.matches('[role="listbox"]')) return;
    const input = document.querySelector('[aria-controls="' + list.id + '"]');
    const items = Array.from(list.querySelectorAll('[role="option"]'));
    items.forEach((o, i) => (o.id = list.id + "-" + i));
    list.hidden = items.length === 0 || document.activeElement !== input;
    input.setAttribute("aria-expanded", String(!list.hidden));
    input.removeAttribute("aria-activedescendant");
    const { status } = parts(input);
    const found = options(list).length;
    if (status) status.textContent = found + (found === 1 ? " person" : " people") + " found";
  });

  document.addEventListener("input", function (event) {
    const input = event.target;
    if (input.getAttribute("role") !== "combobox") return;
    parts(input).hidden.value = "";  // the text changed: what was picked no longer holds
  });

  document.addEventListener("keydown", function (event) {
    const input = event.target;
    if (input.getAttribute("role") !== "combobox") return;
    const { list } = parts(input);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (list.hidden && options(list).length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
      activate(input, event.key === "ArrowDown" ? 1 : -1);
      event.preventDefault();
    } else if (event.key === "Enter" && input.getAttribute("aria-activedescendant")) {
      choose(input, document.getElementById(input.getAttribute("aria-activedescendant")));
      event.preventDefault();
    } else if (event.key === "Escape" && !list.hidden) {
      close(input);
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    const option = event.target.closest('[role="option"]');
    const list = option && option.closest('[role="listbox"]');
    if (!list || option.getAttribute("aria-disabled") === "true") return;
    const input = document.querySelector('[aria-controls="' + list.id + '"]');
    if (input) choose(input, option);
  });

  document.addEventListener("focusout", function (event) {
    const input = event.target;
    if (input.getAttribute && input.getAttribute("role") === "combobox") {
      // Let a click on an option land before the list closes.
      setTimeout(function () {
        if (document.activeElement !== input) close(input);
      }, 200);
    }
  });
})();
