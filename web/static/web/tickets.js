// My tickets: paid ones with their QR code; cancel with the refund rule shown.
"use strict";

(async function tickets() {
  const box = document.getElementById("tickets");
  const message = document.getElementById("tickets-message");
  if (!(await ensureSignedIn())) { message.textContent = T.signIn; return; }

  async function qr(ticket) {  // the image request carries the session cookie (same origin)
    return el("img", { src: `${API}/tickets/${ticket.id}/qr/`, width: "180", height: "180", alt: `QR ${ticket.number}` });
  }

  function refundOpen(ticket) {
    const start = new Date(ticket.starts_at);
    return start - Date.now() > CONFIG.refundCutoffMinutes * 60 * 1000;
  }

  async function load() {
    const page = await api("/tickets/?page_size=100", { auth: true });
    const shown = page.results.filter((t) => ["paid", "used", "reserved", "refunded"].includes(t.status));
    box.replaceChildren();
    const codes = [];
    if (!shown.length) { message.textContent = T.noTickets; return; }
    for (const ticket of shown) {
      const actions = el("div", { class: "actions" });
      if (ticket.status === "paid") {
        actions.append(el("p", { class: "hint", text: refundOpen(ticket) ? T.refundRule.replace("%(m)s", CONFIG.refundCutoffMinutes) : T.refundClosed }));
        if (refundOpen(ticket)) actions.append(el("button", { type: "button", onclick: () => cancel(ticket), text: T.cancel }));
      } else if (ticket.status === "reserved") {
        actions.append(el("button", { type: "button", onclick: () => cancel(ticket), text: T.cancelHeld }));
      }
      const card = el("article", { class: `ticket ${ticket.status}`, "data-ticket": ticket.number },
        el("div", { class: "ticket-info" },
          el("h2", { text: ticket.movie }),
          el("p", { text: `${ticket.cinema} · ${ticket.hall}` }),
          el("p", { class: "when", text: localDateTime(ticket.starts_at) }),
          el("p", { text: `${T.row} ${ticket.row}, ${T.seat} ${ticket.seat} · ${T[ticket.category]} · ${money(ticket.price)}` }),
          el("p", { class: "status", text: `${ticket.number} · ${T[`status_${ticket.status}`] || ticket.status}` }),
          actions));
      box.append(card);
      if (ticket.status === "paid" || ticket.status === "used") codes.push(qr(ticket).then((img) => card.prepend(img)));
    }
    await Promise.all(codes);  // every card is shown at once; the QR codes arrive side by side
  }

  async function cancel(ticket) {
    if (!window.confirm(T.confirmCancel)) return;
    try {
      const result = await api(`/tickets/${ticket.id}/cancel/`, { method: "POST" });
      message.textContent = result.status === "refunded" ? `${T.refunded} ${money(result.refund_amount)}` : T.cancelled;
      await load();
    } catch (e) { message.textContent = `${T.error} ${e.message}`; }
  }

  // Back from the payment provider: its webhook settles the payment; wait for it.
  async function awaitPayment(id) {
    message.textContent = T.confirming;
    for (let tries = 0; tries < 60; tries += 1) {
      const payment = await api(`/payments/${id}/`, { auth: true });
      if (payment.status !== "pending") {
        sessionStorage.removeItem("payment");
        message.textContent = payment.status === "succeeded" ? T.paid : `${T.declined} ${payment.failure_reason || payment.status}`;
        message.className = payment.status === "succeeded" ? "message ok" : "message error";
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    message.textContent = T.stillConfirming;
  }

  const returning = sessionStorage.getItem("payment");
  if (returning) await awaitPayment(returning);
  await load();
})().catch((e) => { document.getElementById("tickets-message").textContent = `${T.error} ${e.message}`; });
