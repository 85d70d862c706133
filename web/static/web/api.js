// The pages' client of the public REST API: JWT in sessionStorage, refreshed
// when the access token expires; one sign-in / register dialog for every page.
"use strict";

const T = JSON.parse(document.getElementById("texts").textContent);
const CONFIG = JSON.parse(document.getElementById("config").textContent);
const API = "/api/v1";

const Auth = {
  get access() { return sessionStorage.getItem("access"); },
  get refresh() { return sessionStorage.getItem("refresh"); },
  get email() { return sessionStorage.getItem("email"); },
  save(tokens, email) {
    sessionStorage.setItem("access", tokens.access);
    sessionStorage.setItem("refresh", tokens.refresh);
    if (email) sessionStorage.setItem("email", email);
    renderAccount();
  },
  clear() {
    ["access", "refresh", "email"].forEach((k) => sessionStorage.removeItem(k));
    renderAccount();
  },
};

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

async function refreshTokens() {
  if (!Auth.refresh) return false;
  const response = await fetch(`${API}/auth/refresh/`, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ refresh: Auth.refresh }),
  });
  if (!response.ok) { Auth.clear(); return false; }
  Auth.save(await response.json());
  return true;
}

// fetch JSON from the API; retries once after refreshing an expired token.
async function api(path, { method = "GET", body, headers = {}, auth = false, raw = false } = {}) {
  const send = () => {
    const h = { ...headers };
    if (body !== undefined) h["Content-Type"] = "application/json";
    if (Auth.access && (auth || method !== "GET")) h.Authorization = `Bearer ${Auth.access}`;
    return fetch(`${API}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  };
  let response = await send();
  if (response.status === 401 && Auth.refresh && (await refreshTokens())) response = await send();
  if (raw && response.ok) return response;
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "text") node.textContent = value;
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
  if (Auth.access) {
    box.append(el("span", { class: "who", text: Auth.email || "" }), " ",
      el("button", { type: "button", class: "link", onclick: logout, text: T.signOut }));
  } else {
    box.append(el("button", { type: "button", class: "link", onclick: () => signIn(), text: T.signIn }));
  }
}

async function logout() {
  try { if (Auth.refresh) await api("/auth/logout/", { method: "POST", body: { refresh: Auth.refresh } }); }
  catch (e) { /* already invalid: signing out locally is what matters */ }
  Auth.clear();
}

// Opens the dialog; resolves true once signed in (false if closed).
function signIn() {
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
        const tokens = await api("/auth/login/", { method: "POST", body: { email: data.email, password: data.password } });
        Auth.save(tokens, tokens.user.email);
        finish(true);
      } catch (e) {
        error.textContent = e.message;
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
  return Auth.access ? true : signIn();
}

renderAccount();

// The language switch submits as soon as a language is chosen (no inline handler: the CSP runs none).
document.getElementById("language").addEventListener("change", (event) => event.target.form.submit());
