// The pages behind the e-mailed links: ask for a reset link, set the new
// password, confirm the address. Each sends one request to the accounts API.
"use strict";

(() => {
  const form = document.getElementById("account-form");
  const message = document.getElementById("account-message");
  const show = (text, kind) => { message.textContent = text; message.className = `message ${kind}`; };
  const fail = (e) => show(humanError(e), "error");

  if (CONFIG.step === "verify-email") {
    api("/auth/verify-email/", { method: "POST", body: { uid: CONFIG.uid, token: CONFIG.token } })
      .then(() => show(T.emailVerified, "ok"), fail);
    return;
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    try {
      if (CONFIG.step === "reset-request") {
        await api("/auth/password-reset/", { method: "POST", body: { email: data.email } });
        show(T.resetSent, "ok");
      } else {
        await api("/auth/password-reset/confirm/", {
          method: "POST", body: { uid: CONFIG.uid, token: CONFIG.token, new_password: data.new_password } });
        Auth.clear();
        form.hidden = true;
        show(T.passwordSet, "ok");
        signIn();
      }
    } catch (e) { fail(e); }
  });
})();
