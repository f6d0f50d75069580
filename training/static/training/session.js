// Recording a staff-room session: "Tick everyone" then untick who was away is quicker
// than 150 taps, and a running count shows how many are ticked. Without JavaScript the
// buttons stay hidden and the boxes work as they are.
(function () {
  const people = document.querySelector("[data-session-people]");
  const tools = document.querySelector("[data-session-tools]");
  if (!people || !tools) return;
  const boxes = Array.from(people.querySelectorAll("input[type=checkbox]"));
  const count = tools.querySelector("[data-session-count]");

  function show() {
    const ticked = boxes.filter(function (box) { return box.checked; }).length;
    count.textContent = ticked + (ticked === 1 ? " person" : " people") + " ticked";
  }

  tools.querySelectorAll("[data-tick]").forEach(function (button) {
    button.addEventListener("click", function () {
      const on = button.dataset.tick === "all";
      boxes.forEach(function (box) { box.checked = on; });
      show();
    });
  });
  people.addEventListener("change", show);
  tools.hidden = false;
  show();
})();
