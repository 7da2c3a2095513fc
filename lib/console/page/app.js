// The console page's script (bundled with noVNC by tools/build_console.ts): Gateway's screen
// through noVNC on /console/vnc, reconnecting by itself, and the state panel from the server-sent
// events of /console/events. Everything is written with textContent: nothing from the server is
// ever parsed as HTML. The page holds no secret: the session cookie is HttpOnly and the VNC
// password stays in ibg-pilot (the bridge logs in to x11vnc itself).

import RFB from "@novnc/novnc";

const $ = (id) => document.getElementById(id);
let rfb;
let control = false;
let failures = 0;
let connects = 0;

function setScreen(state, note) {
  document.body.dataset.screen = state;
  $("screen-status").textContent = `screen: ${state}`;
  $("screen-note").textContent = note ?? "";
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  rfb = new RFB($("screen"), `${scheme}://${location.host}/console/vnc`, { shared: true });
  // The server drops input in view-only mode whatever the page does; this only spares the
  // pointer cursor and the pointless traffic.
  rfb.viewOnly = !control;
  rfb.scaleViewport = true;
  rfb.background = "#222";
  globalThis.consoleRfb = rfb;
  rfb.addEventListener("connect", () => {
    failures = 0;
    connects++;
    document.body.dataset.screenConnects = String(connects);
    setScreen("connected");
  });
  rfb.addEventListener("disconnect", () => {
    // x11vnc restarts after a crash (ALERT_VNC_EXITED): try again, backing off to 10 s.
    const delay = Math.min(10_000, 500 * 2 ** failures++);
    setScreen("reconnecting", `reconnecting in ${(delay / 1000).toFixed(1)} s`);
    setTimeout(connect, delay);
  });
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function time(at) {
  return new Date(at).toLocaleTimeString();
}

function age(seconds) {
  if (seconds === null || seconds === undefined) return "never";
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

function renderSessions(health) {
  const box = $("sessions");
  box.replaceChildren();
  for (const s of health.sessions) {
    const card = el("div", undefined, "session");
    card.dataset.mode = s.mode;
    card.dataset.state = s.state;
    const head = el("div");
    head.append(el("span", `${s.mode}: `), el("span", s.state, `state ${s.state}`));
    if (s.ready) head.append(el("span", " (ready)"));
    card.append(head);
    if (s.reason) card.append(el("div", s.reason, "note"));
    const evidence = el("ul", undefined, "evidence");
    evidence.append(
      el("li", `JVM: ${s.jvm_alive ? `alive (pid ${s.jvm_pid})` : "not running"}`),
      el(
        "li",
        `API port ${s.api_port ?? "?"}: ${
          s.api_handshake_ok ? `handshake ok (server version ${s.server_version})` : "no handshake"
        }`,
      ),
      el("li", `last login: ${age(s.last_auth_success_age_seconds)}`),
    );
    if (s.forward_port !== null) {
      evidence.append(
        el("li", `forwarded port ${s.forward_port}: ${s.forward_listening ? "open" : "closed"}`),
      );
    }
    card.append(evidence);
    box.append(card);
  }
  document.body.dataset.states = health.sessions.map((s) => `${s.mode}:${s.state}`).join(",");
}

function renderAlerts(alerts) {
  const list = $("alerts");
  list.replaceChildren();
  for (const a of [...alerts].reverse()) {
    const item = el("li");
    item.append(el("strong", a.token), el("span", ` ${time(a.at)} `));
    const { remediation, reason, ...rest } = a.fields;
    if (reason) item.append(el("div", reason));
    const other = Object.entries(rest)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    if (other) item.append(el("div", other, "note"));
    if (remediation) item.append(el("span", `What to do: ${remediation}`, "remediation"));
    list.append(item);
  }
  if (!alerts.length) list.append(el("li", "none", "note"));
}

function renderTimeline(timeline) {
  const list = $("timeline");
  list.replaceChildren();
  for (const t of [...timeline].reverse()) {
    list.append(
      el(
        "li",
        `${time(t.at)} ${t.mode}: ${t.from ?? "start"} -> ${t.to}${
          t.reason ? ` (${t.reason})` : ""
        }`,
      ),
    );
  }
}

function render(snap) {
  control = snap.control;
  if (rfb) rfb.viewOnly = !control;
  const badge = $("mode-badge");
  badge.textContent = control ? "control: clicks and keys reach Gateway" : "view only";
  badge.classList.toggle("control", control);
  if (!snap.screen.available) {
    setScreen("unavailable", "ibg-pilot does not own the display here: no screen to show");
  }
  renderSessions(snap.health);
  renderAlerts(snap.alerts);
  renderTimeline(snap.timeline);
}

const events = new EventSource("/console/events");
let first = true;
events.addEventListener("snapshot", (e) => {
  const snap = JSON.parse(e.data);
  render(snap);
  if (first) {
    first = false;
    if (snap.screen.available) connect();
  }
});
