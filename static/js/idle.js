// Warns before the server-side idle lock-out and lets the person stay signed in.
// The server enforces the lock-out; this script only makes it visible.
//
// - Typing, clicking or scrolling on the page counts as activity: when the warning is
//   due and the person has been active since the server last heard from them, the
//   session is kept alive quietly instead of warning someone who is busy writing.
// - Before warning or leaving, the server is asked (another tab may have been used).
// - The person is only sent to the sign-in page once the server has signed them out,
//   so "signed out" is never said while the session is still alive.
(function () {
  const body = document.body;
  const timeout = Number(body.dataset.idleTimeout);
  const warning = Number(body.dataset.idleWarning);
  const banner = document.getElementById("idle-warning");
  if (!timeout || !banner) return;
  const seconds = document.getElementById("idle-seconds");
  const announce = document.getElementById("idle-announce");
  const stay = document.getElementById("idle-stay");
  const csrf = body.dataset.csrf;
  let deadline = Date.now() + timeout * 1000;
  let activeSinceContact = false;
  let busy = false;

  function heardFromServer(secondsLeft) {
    // The server rounds down: allow a second so the page never runs ahead of it.
    deadline = Date.now() + (secondsLeft + 1) * 1000;
  }

  function signedOut() {
    window.clearInterval(ticker);
    window.location.href = body.dataset.loginUrl;
  }

  function hide() {
    if (banner.classList.contains("d-none")) return;
    banner.classList.add("d-none");
    announce.textContent = "";
  }

  function show(left) {
    seconds.textContent = Math.max(0, Math.ceil(left));
    if (!banner.classList.contains("d-none")) return;
    banner.classList.remove("d-none");
    // Said once, not every second: the countdown itself is hidden from screen readers.
    announce.textContent = "For safety you will be signed out in about " +
      Math.max(0, Math.ceil(left)) + " seconds because nothing has happened for a while. " +
      "Choose Stay signed in to carry on.";
  }

  // The server's answer, or null when it can't be reached (then rely on the local clock).
  async function ask(url, options) {
    try {
      const response = await fetch(url, Object.assign(
        { credentials: "same-origin", redirect: "manual", cache: "no-store" }, options));
      // A redirect (to sign in) or a 401 means the server has signed this person out.
      if (response.type === "opaqueredirect" || response.status === 401) {
        return { authenticated: false, seconds_left: 0 };
      }
      if (!response.ok) return null;
      return await response.json();
    } catch (e) {
      return null;
    }
  }

  async function keepAlive() {
    const data = await ask(body.dataset.keepAliveUrl, {
      method: "POST", headers: { "X-CSRFToken": csrf },
    });
    if (data && !data.authenticated) { signedOut(); return; }
    activeSinceContact = false;
    heardFromServer(data ? data.seconds_left : timeout);
    hide();
  }

  async function check() {
    const data = await ask(body.dataset.statusUrl);
    if (data === null) {
      // Server unreachable: count down locally, and once time is up leave the page so
      // nothing stays on an unattended screen.
      if (deadline <= Date.now()) signedOut();
      return;
    }
    if (!data.authenticated) { signedOut(); return; }
    heardFromServer(data.seconds_left);
  }

  async function tick() {
    if (busy) return;
    busy = true;
    try {
      let left = (deadline - Date.now()) / 1000;
      if (left > warning) { hide(); return; }
      if (activeSinceContact) { await keepAlive(); return; }
      if (banner.classList.contains("d-none") || left <= 0) {
        await check();
        left = (deadline - Date.now()) / 1000;
      }
      if (left <= 0) {
        // Time is up here but the server has not signed the person out yet (its clock
        // runs from the last request): keep the warning up and ask again next second.
        show(0);
      } else if (left <= warning) {
        show(left);
      } else {
        hide();
      }
    } finally {
      busy = false;
    }
  }

  function noteActivity(event) {
    if (event.target && banner.contains(event.target)) return;
    activeSinceContact = true;
  }
  ["keydown", "pointerdown", "input", "wheel"].forEach(function (name) {
    document.addEventListener(name, noteActivity, { capture: true, passive: true });
  });

  stay.addEventListener("click", keepAlive);
  body.addEventListener("htmx:afterRequest", function () {
    activeSinceContact = false;
    deadline = Date.now() + timeout * 1000;
  });
  const ticker = window.setInterval(tick, 1000);
})();
