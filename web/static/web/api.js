// The pages' client of the public REST API, and one sign-in / register dialog for every page.
//
// Signing in: Django's session cookie (HttpOnly, SameSite=Lax), set by POST /web/login/.
// No token is kept by a script: nothing in localStorage or sessionStorage. Every call
// sends the cookie (credentials "same-origin") and, on unsafe methods, the CSRF token
// the server renders into <meta name="csrf-token">.
//
// For the other scripts (names and signatures stable):
//   api(path, { method, body, headers, auth, raw }) → JSON (null for 204); throws ApiError
//     {status, body: {code, message, ...}}. A 401 on a call that needs sign-in (auth: true,
//     or any unsafe method) opens the sign-in dialog and, once signed in, sends the call
//     again; closed without signing in, the ApiError is thrown. raw: the Response itself.
//   ensureSignedIn() → Promise<boolean>: true at once when signed in, else the dialog's result.
//   signIn() → Promise<boolean>: opens the dialog (sign in, or create an account and sign in).
//   Auth.signedIn, Auth.user ({email, first_name, last_name} or null; the email only when
//     the page was rendered signed in), Auth.clear() (signed out here: the header says so).
//   el(tag, attrs, ...children): attrs "on…" are listeners, "text" the text, "style" an
//     object of CSS properties set through the CSSOM ({"grid-row": 3}); a style attribute
//     would be refused by the CSP (style-src 'self').
//   signOut() (also logout()): POST /web/logout/, then the page loads again, signed out.
//   The event "signed-in" on document: a sign-in in the dialog has just succeeded (the page was
//     signed out until now); it is sent before the call that asked for the sign-in goes on.
"use strict";

const T = JSON.parse(document.getElementById("texts").textContent);
const CONFIG = JSON.parse(document.getElementById("config").textContent);
const API = "/api/v1";
const SAFE_METHODS = ["GET", "HEAD", "OPTIONS"];

const Auth = {
  user: null,
  get signedIn() { return this.user !== null; },
  get email() { return this.user ? this.user.email : null; },
  set(user) { this.user = user; renderAccount(); },
  clear() { this.user = null; renderAccount(); },
};
(() => {  // the server rendered the header signed in or not: no flash of the wrong state
  const who = document.querySelector("#account .who");
  if (who) Auth.user = { email: who.dataset.email, first_name: who.dataset.name, last_name: "" };
})();

function csrfToken() {
  return document.querySelector("meta[name=csrf-token]").content;
}

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

// A JSON request to a path of this origin with the cookie and, when unsafe, the CSRF token.
function send(url, { method = "GET", body, headers = {} } = {}) {
  const h = { ...headers };
  if (body !== undefined) h["Content-Type"] = "application/json";
  if (!SAFE_METHODS.includes(method)) h["X-CSRFToken"] = csrfToken();
  return fetch(url, {
    method, headers: h, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function parse(response) {
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

// fetch JSON from the API; a call that needs sign-in and gets 401 asks the visitor to sign in, then goes again.
async function api(path, { method = "GET", body, headers = {}, auth = false, raw = false } = {}) {
  const needsSignIn = auth || !SAFE_METHODS.includes(method);
  let response = await send(`${API}${path}`, { method, body, headers });
  if (response.status === 401 && needsSignIn) {
    Auth.clear();
    if (await signIn()) response = await send(`${API}${path}`, { method, body, headers });
  }
  if (raw && response.ok) return response;
  return parse(response);
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "text") node.textContent = value;
    else if (key === "style") {
      if (typeof value !== "object") throw new TypeError("el(): style is an object of CSS properties (CSP)");
      for (const [property, v] of Object.entries(value)) node.style.setProperty(property, String(v));
    }
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function money(value) {
  const number = Number(value);
  return `${number.toLocaleString(document.documentElement.lang, { maximumFractionDigits: 2 })} ₽`;
}

// "2026-12-05T19:30:00+07:00" → "19:30" / "05.12 19:30" as the cinema's local time (no browser zone).
function localTime(iso) { return iso.slice(11, 16); }
function localDateTime(iso) { return `${iso.slice(8, 10)}.${iso.slice(5, 7)} ${iso.slice(11, 16)}`; }

function renderAccount() {
  const box = document.getElementById("account");
  if (!box) return;
  box.replaceChildren();
  if (Auth.signedIn) {
    const name = Auth.user.first_name || Auth.user.email || "";
    // the name links to the account; a phone shows its first letter only (the name stays the link's name)
    box.append(el("a", { class: "who", href: "/account/", "data-email": Auth.user.email || "", "data-name": name },
      el("span", { class: "who-name", text: name }),
      el("span", { class: "who-initial", "aria-hidden": "true", text: name.charAt(0).toUpperCase() })), " ",
      el("button", { type: "button", class: "link", id: "sign-out", onclick: signOut, text: T.signOut }));
  } else {
    box.append(el("button", { type: "button", class: "link", id: "sign-in", onclick: () => signIn(), text: T.signIn }));
  }
}

// Signed out on the server (the session ends), then the page again: nothing private stays on screen.
async function signOut() {
  try { await parse(await send("/web/logout/", { method: "POST" })); }
  catch (e) { /* the session is gone already: loading the page again shows that */ }
  window.location.reload();
}
const logout = signOut;

// POST /web/login/: the session cookie, and the new CSRF token (login rotates it).
async function login(email, password) {
  const user = await parse(await send("/web/login/", { method: "POST", body: { email, password } }));
  document.querySelector("meta[name=csrf-token]").content = user.csrf_token;
  Auth.set({ email: user.email, first_name: user.first_name, last_name: user.last_name });
  document.dispatchEvent(new CustomEvent("signed-in"));
  return user;
}

// Opens the dialog; resolves true once signed in (false if closed). Calls while it is open share it.
let pendingSignIn = null;
function signIn() {
  if (!pendingSignIn) pendingSignIn = openSignInDialog().finally(() => { pendingSignIn = null; });
  return pendingSignIn;
}

function openSignInDialog() {
  const dialog = document.getElementById("auth-dialog");
  const form = document.getElementById("auth-form");
  const error = document.getElementById("auth-error");
  const registerPart = form.querySelector(".register");
  const toggle = document.getElementById("auth-toggle");
  error.textContent = "";
  return new Promise((resolve) => {
    const finish = (ok) => { cleanup(); if (dialog.open) dialog.close(); resolve(ok); };
    const onToggle = () => {
      registerPart.hidden = !registerPart.hidden;
      toggle.textContent = registerPart.hidden ? T.register : T.signIn;
      form.querySelector("h2").textContent = registerPart.hidden ? T.signIn : T.register;
    };
    const onClose = () => finish(false);
    const onSubmit = async (event) => {
      event.preventDefault();
      error.textContent = "";
      const data = Object.fromEntries(new FormData(form));
      try {
        if (!registerPart.hidden) {
          await api("/auth/register/", { method: "POST", body: {
            email: data.email, password: data.password, first_name: data.first_name, last_name: data.last_name } });
        }
        await login(data.email, data.password);
        finish(true);
      } catch (e) {
        error.textContent = humanError(e);
      }
    };
    function cleanup() {
      form.removeEventListener("submit", onSubmit);
      toggle.removeEventListener("click", onToggle);
      document.getElementById("auth-close").removeEventListener("click", onClose);
      dialog.removeEventListener("cancel", onClose);
    }
    form.addEventListener("submit", onSubmit);
    toggle.addEventListener("click", onToggle);
    document.getElementById("auth-close").addEventListener("click", onClose);
    dialog.addEventListener("cancel", onClose);
    dialog.showModal();
    form.querySelector("input[name=email]").focus();
  });
}

async function ensureSignedIn() {
  return Auth.signedIn ? true : signIn();
}

// The header as the server rendered it: its buttons get their listeners (no inline handlers).
document.getElementById("sign-in")?.addEventListener("click", () => signIn());
document.getElementById("sign-out")?.addEventListener("click", signOut);

// The language switch submits as soon as a language is chosen (no inline handler: the CSP runs none).
document.getElementById("language").addEventListener("change", (event) => event.target.form.submit());
