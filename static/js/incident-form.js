// The log form: open the illegal-material steps when the reporter says there may be such
// material, or picks a kind of incident that never allows images (the server marks them).
(function () {
  "use strict";
  const guidance = document.getElementById("illegal-guidance");
  if (!guidance) return;
  const forbidding = (guidance.dataset.forbiddingKinds || "").split(",").filter(Boolean);

  function update() {
    const suspected = document.querySelector('input[name="suspected_illegal_material"]');
    const kinds = Array.from(document.querySelectorAll('input[name="tags"]:checked'));
    if ((suspected && suspected.checked) || kinds.some((k) => forbidding.includes(k.value))) {
      guidance.open = true;
    }
  }
  document.addEventListener("change", function (event) {
    if (event.target.name === "suspected_illegal_material" || event.target.name === "tags") {
      update();
    }
  });
})();
