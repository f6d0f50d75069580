// Warns before the server-side idle lock-out and lets the person stay signed in.
// The server enforces the lock-out; this script only makes it visible.
(function () {
  const body = document.body;
  const timeout = Number(body.dataset.idleTimeout);
  const warning = Number(body.dataset.idleWarning);
  if (!timeout) return;
  const banner = document.getElementById("idle-warning");
  const seconds = document.getElementById("idle-seconds");
  const stay = document.getElementById("idle-stay");
  const csrf = body.dataset.csrf;
  let deadline = Date.now() + timeout * 1000;
  let ticker = null;

  function hide() { banner.classList.add("d-none"); }
  function show(left) {
    seconds.textContent = Math.max(0, Math.round(left));
    banner.classList.remove("d-none");
  }

  async function check() {
    // Another tab may have kept the session alive: ask the server before warning.
    try {
      const response = await fetch(body.dataset.statusUrl, { credentials: "same-origin" });
      const data = await response.json();
      if (!data.authenticated) { window.location.href = body.dataset.loginUrl; return; }
      deadline = Date.now() + data.seconds_left * 1000;
    } catch (e) { /* offline: rely on the local clock */ }
  }

  async function tick() {
    const left = (deadline - Date.now()) / 1000;
    if (left <= 0) {
      await check();
      if ((deadline - Date.now()) <= 0) { window.location.href = body.dataset.loginUrl; }
      return;
    }
    if (left <= warning) {
      if (banner.classList.contains("d-none")) { await check(); }
      const fresh = (deadline - Date.now()) / 1000;
      if (fresh <= warning) { show(fresh); } else { hide(); }
    } else {
      hide();
    }
  }

  stay.addEventListener("click", async function () {
    await fetch(body.dataset.keepAliveUrl, {
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf },
    });
    deadline = Date.now() + timeout * 1000;
    hide();
  });
  document.body.addEventListener("htmx:afterRequest", function () {
    deadline = Date.now() + timeout * 1000;
  });
  ticker = window.setInterval(tick, 1000);
})();
