// The customer's own pages: they are rendered on the server; this script only
// acts — sign in to open them, refund or release on "My tickets", wait for the
// provider on the confirmation page, change the profile or the password.
"use strict";

(() => {
  const signInNow = document.getElementById("sign-in-now");
  if (signInNow) {  // the page is nothing but this prompt: the dialog opens at once; closed, the button stays
    const open = async () => { if (await signIn()) window.location.reload(); };
    signInNow.addEventListener("click", open);
    open();
    return;
  }

  // The confirmation page while the provider confirms: ask until it has, then show the tickets.
  if (CONFIG.payment) {
    const status = document.getElementById("order-status");
    let tries = 0;
    const ask = async () => {
      tries += 1;
      try {
        const payment = await api(`/payments/${CONFIG.payment}/`, { auth: true });
        if (payment.status !== "pending") { window.location.reload(); return; }
      } catch (e) { /* a passing error: ask again */ }
      if (tries === 15) showMessage(status.querySelector(".message") || status, T.confirmingStill);
      setTimeout(ask, tries < 15 ? 1000 : 5000);
    };
    setTimeout(ask, 1000);
  }

  // My tickets: a refund asks first, in our own dialog, with the amount and where it goes.
  const message = document.getElementById("tickets-message");
  const dialog = document.getElementById("refund-dialog");
  if (dialog) {
    const error = document.getElementById("refund-error");
    const confirm = document.getElementById("refund-confirm");
    let ticket = null;
    let opener = null;
    document.querySelectorAll("button.refund").forEach((button) => button.addEventListener("click", () => {
      ticket = button.dataset.ticket;
      opener = button;
      document.getElementById("refund-what").textContent = button.dataset.what;
      document.getElementById("refund-amount").textContent = button.dataset.amount;
      document.getElementById("refund-where").textContent = button.dataset.where;
      error.textContent = "";
      confirm.disabled = false;
      dialog.showModal();
      document.getElementById("refund-cancel").focus();
    }));
    document.getElementById("refund-cancel").addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => { if (opener && document.body.contains(opener)) opener.focus(); });
    document.getElementById("refund-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      confirm.disabled = true;
      try {
        const result = await api(`/tickets/${ticket}/cancel/`, { method: "POST" });
        sessionStorage.setItem("tickets-message", T.refundDone.replace("%(amount)s", rub(result.refund_amount)));
        window.location.reload();
      } catch (e) {
        error.textContent = humanError(e);
        confirm.disabled = false;
      }
    });
  }
  document.querySelectorAll("button.release").forEach((button) => button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      for (const id of button.dataset.tickets.trim().split(/\s+/)) await api(`/tickets/${id}/cancel/`, { method: "POST" });
      sessionStorage.setItem("tickets-message", T.released);
      window.location.reload();
    } catch (e) {
      showMessage(message, humanError(e), "error");
      button.disabled = false;
    }
  }));
  if (message && sessionStorage.getItem("tickets-message")) {  // the outcome of the action before the reload
    showMessage(message, sessionStorage.getItem("tickets-message"), "ok");
    sessionStorage.removeItem("tickets-message");
  }

  // Account: the profile and the password.
  const profile = document.getElementById("profile-form");
  if (profile) {
    const said = document.getElementById("profile-message");
    profile.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = Object.fromEntries(new FormData(profile));
      try {
        await api("/auth/me/", { method: "PATCH", body: { first_name: data.first_name, last_name: data.last_name } });
        showMessage(said, T.saved, "ok");
      } catch (e) { showMessage(said, humanError(e), "error"); }
    });
  }
  const password = document.getElementById("password-form");
  if (password) {
    const said = document.getElementById("password-message");
    password.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = Object.fromEntries(new FormData(password));
      try {
        await api("/auth/change-password/", { method: "POST", body: data });
        password.reset();
        showMessage(said, T.passwordChanged, "ok");
      } catch (e) {
        showMessage(said, humanError(e), "error");
      }
    });
  }
})();
